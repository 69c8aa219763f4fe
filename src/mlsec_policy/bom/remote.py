"""Datasets the code reads or downloads from a URL: ``data`` components, inferred from code.

A call of a data reader (``pandas.read_csv`` and its siblings) whose first argument is a URL,
or of a downloader (``requests.get``, ``urlretrieve``, ``wget.download``...) whose URL names a
data file (``.csv``, ``.parquet``, ``.tar.gz``...), names a dataset the repository pulls in. The
URL must be a string literal or a module-level constant; Python files and notebook cells are
parsed with ``ast`` like the hub references, nothing is fetched. What a URL serves can change:
such a component has no hash and no version, and completeness says so, unless the module
checks the download against one published SHA-256 (``sha256(...).hexdigest() != DIGEST``).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from mlsec_policy.analyzers.read.pysymbols import dotted, keyword, last_name
from mlsec_policy.bom.hub import module_strings, parse_code, text_of
from mlsec_policy.bom.parts import Basis, Kind, Part, Source, ref_for
from mlsec_policy.models import ArtifactKind, Inventory

READERS = frozenset(
    {"read_csv", "read_table", "read_json", "read_parquet", "read_feather", "read_excel",
     "read_orc", "read_fwf", "read_xml"}
)  # fmt: skip
"""Data readers: any URL they are given is a dataset."""
DOWNLOADERS = frozenset(
    {"requests.get", "httpx.get", "urlretrieve", "urllib.request.urlretrieve", "wget.download",
     "download_url", "gdown.download"}
)  # fmt: skip
"""Downloaders (dotted call, or its last name): a URL naming a data file is a dataset."""
SHA256 = re.compile(r"^[0-9a-f]{64}$")
URL = re.compile(r"^(https?|s3|gs|az|abfss?)://[^\s]+$")
DATA_FILE = re.compile(
    r"\.(csv|tsv|jsonl?|parquet|arrow|feather|xlsx?|zip|tar|tgz|tar\.gz|gz|bz2|xz|npz|h5|"
    r"hdf5|tfrecords?)$",
    re.IGNORECASE,
)


def remote_parts(root: Path, inventory: Inventory) -> list[Part]:
    """Return one data component per URL the code reads data from, sorted by ref."""
    parts: dict[str, Part] = {}
    for artifact in inventory.artifacts:
        if artifact.kind not in {ArtifactKind.PYTHON, ArtifactKind.NOTEBOOK}:
            continue
        parsed = parse_code(root, artifact)
        if parsed is None:
            continue
        tree, view = parsed
        constants = module_strings(tree)
        found: set[str] = set()
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or (url := _url(node, constants)) is None:
                continue
            found.add(url)
            line = view.origin(node.lineno).line
            source = Source(Basis.INFERRED, artifact.path, line)
            part = parts.get(url)
            if part is None:
                part = Part(Kind.DATA, ref_for(Kind.DATA, f"url/{url}"), url)
                part.data = {"type": "dataset", "name": url}
                part.external.append(("distribution", url))
                parts[url] = part
            part.fill("remote-url", url, source)
            if url.startswith("http://"):
                part.fill("transport", "plain http (not encrypted)", source)
            part.locations.add(f"{artifact.path}:{line}")
        verified = _verified(tree, constants)
        if len(found) == 1 and len(verified) == 1:
            [(digest, at)] = verified.items()
            part = parts[next(iter(found))]
            part.hashes.setdefault("SHA-256", digest)
            part.note("hashes", Source(Basis.INFERRED, artifact.path, view.origin(at).line))
    return [parts[key] for key in sorted(parts)]


def _verified(tree: ast.Module, constants: dict[str, str]) -> dict[str, int]:
    """Return the SHA-256 digests the module compares a ``sha256(...)`` result with (and where).

    A module that downloads one dataset and checks it against one published digest pins what
    it accepts: the digest is the dataset's hash.
    """
    found: dict[str, int] = {}
    for node in ast.walk(tree):
        if not isinstance(node, ast.Compare) or len(node.comparators) != 1:
            continue
        sides = [node.left, node.comparators[0]]
        hashed = any(
            isinstance(n, ast.Call) and last_name(n.func) == "sha256"
            for side in sides
            for n in ast.walk(side)
        )
        for side in sides:
            value = text_of(side, constants)
            if hashed and value is not None and SHA256.match(value.lower()):
                found.setdefault(value.lower(), node.lineno)
    return found


def _url(call: ast.Call, constants: dict[str, str]) -> str | None:
    """Return the dataset URL a reader or downloader call is given, if it is one."""
    name = last_name(call.func) or ""
    called = dotted(call.func) or name
    first = call.args[0] if call.args else keyword(call, "url")
    if name in READERS:
        node = first or keyword(call, "filepath_or_buffer") or keyword(call, "path")
        data_only = False
    elif called in DOWNLOADERS or name in DOWNLOADERS:
        node = first
        data_only = True
    else:
        return None
    url = text_of(node, constants)
    if url is None or not URL.match(url):
        return None
    if data_only and not DATA_FILE.search(url.split("?", 1)[0]):
        return None
    return url
