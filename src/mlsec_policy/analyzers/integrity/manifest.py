"""Checksum manifests: every file a manifest lists must be present and match its digest.

Recognised manifests:

- ``sha256sum``-style files (``SHA256SUMS``, ``sha256sums.txt``, ``SHA512SUMS``, ``MD5SUMS``,
  ``CHECKSUMS``): ``<hex>  <path>`` lines (``*`` binary marker allowed) or BSD lines
  ``SHA256 (path) = <hex>``;
- single-file digests ``<file>.sha256`` (``.sha512``, ``.md5``) holding ``<hex>`` or
  ``<hex>  <name>``;
- JSON manifests (``*.manifest.json``, ``MODEL_MANIFEST.json``, ``checksums.json``):
  ``{"algorithm": "sha256", "files": {"<path>": "<hex>" | {"sha256": "<hex>", "size": n}}}``
  or ``{"files": [{"path": "<path>", "sha256": "<hex>", "size": n}]}``.

Paths are relative to the manifest's folder. A line that cannot be read is itself a finding:
an entry nobody can check protects nothing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from pathlib import PurePosixPath

from mlsec_policy.analyzers.base import AnalyzerSpec, FileContext, Observation
from mlsec_policy.analyzers.integrity.common import Record, SubjectParams, select, verify
from mlsec_policy.analyzers.params import Params
from mlsec_policy.analyzers.read.paths import join
from mlsec_policy.models import ArtifactKind, JsonValue, Location, Severity
from mlsec_policy.textfile import load_json

SUMS_NAME = re.compile(
    r"^(?P<algo>sha256|sha512|sha1|md5|b2)?(?:sums?|checksums?)(?:\.txt)?$", re.IGNORECASE
)
SINGLE_SUFFIX = {".sha256": "sha256", ".sha512": "sha512", ".md5": "md5", ".sha1": "sha1"}
JSON_NAMES = re.compile(r"^(model_manifest|checksums|manifest)\.json$|\.manifest\.json$", re.I)
BY_LENGTH = {32: "md5", 40: "sha1", 64: "sha256", 128: "sha512"}
GNU_LINE = re.compile(r"^\\?(?P<hex>[0-9a-fA-F]{32,128})\s+[ *]?(?P<path>.+?)\s*$")
BSD_LINE = re.compile(r"^(?P<algo>[A-Za-z0-9-]+)\s*\((?P<path>.+)\)\s*=\s*(?P<hex>[0-9a-fA-F]+)$")
BARE_HEX = re.compile(r"^(?P<hex>[0-9a-fA-F]{32,128})$")
MAX_MANIFEST = 16 * 1024 * 1024
ALGORITHMS = frozenset({"md5", "sha1", "sha256", "sha512"})


def manifest_kind(path: str) -> str | None:
    """Return ``sums``, ``single`` or ``json`` when the file name is a checksum manifest."""
    name = PurePosixPath(path).name
    if SUMS_NAME.match(name) and name.lower() not in {"sum", "sums", "sum.txt", "sums.txt"}:
        return "sums"
    if PurePosixPath(name).suffix.lower() in SINGLE_SUFFIX:
        return "single"
    if JSON_NAMES.search(name):
        return "json"
    return None


def checksum_manifest(context: FileContext, params: SubjectParams) -> Iterable[Observation]:
    """Yield findings for entries of one manifest that are missing, changed or unreadable."""
    kind = manifest_kind(context.artifact.path)
    if kind is None or context.artifact.size > MAX_MANIFEST:
        return
    text = context.read_text()
    records: list[Record] = []
    problems: list[Observation] = []
    if kind == "json":
        records = list(_json_records(context, text))
    else:
        for line_number, line in enumerate(text.splitlines(), start=1):
            stripped = line.strip()
            if not stripped or stripped.startswith("#"):
                continue
            record = _line_record(context, kind, line_number, stripped)
            if record is None:
                problems.append(
                    Observation(
                        context.at(line_number),
                        message=f"line {line_number} of the checksum manifest cannot be read, "
                        "so the file it is meant to protect is not verified",
                        severity=Severity.MEDIUM,
                        key=f"unreadable-line:{line_number}",
                    )
                )
            else:
                records.append(record)
    yield from problems
    yield from verify(
        context.root,
        select(records, params.subject),
        context.hash_cache,
        sha256=context.sha256,
    )


def _line_record(context: FileContext, kind: str, number: int, line: str) -> Record | None:
    path = PurePosixPath(context.artifact.path)
    base = str(path.parent)
    where = context.at(number)
    what = path.name
    bsd = BSD_LINE.match(line)
    if bsd:
        algorithm = bsd.group("algo").lower().replace("-", "")
        if algorithm not in ALGORITHMS:
            return None
        return Record(where, join(base, bsd.group("path")), algorithm, bsd.group("hex"), what=what)
    gnu = GNU_LINE.match(line)
    bare = BARE_HEX.match(line)
    if gnu is None and not (kind == "single" and bare):
        return None
    digest = (gnu or bare).group("hex")  # type: ignore[union-attr]
    algorithm = _algorithm(path.name, kind, digest)
    if algorithm is None:
        return None
    target = gnu.group("path") if gnu else path.stem
    if kind == "single" and gnu is None:
        target = path.name[: -len(path.suffix)]
    return Record(where, join(base, target), algorithm, digest, what=what)


def _algorithm(name: str, kind: str, digest: str) -> str | None:
    if kind == "single":
        return SINGLE_SUFFIX[PurePosixPath(name).suffix.lower()]
    match = SUMS_NAME.match(name)
    named = (match.group("algo") or "").lower() if match else ""
    if named == "b2":
        return None
    algorithm = named or BY_LENGTH.get(len(digest))
    if algorithm is None or BY_LENGTH.get(len(digest)) != algorithm:
        return None
    return algorithm


def _json_records(context: FileContext, text: str) -> Iterator[Record]:
    try:
        data = load_json(text)
    except ValueError:
        return
    if not isinstance(data, dict) or "files" not in data:
        return
    default = str(data.get("algorithm", "sha256")).lower().replace("-", "")
    files = data["files"]
    entries: list[tuple[str, JsonValue]] = []
    if isinstance(files, dict):
        entries = [(str(k), v) for k, v in files.items()]
    elif isinstance(files, list):
        entries = [(str(e.get("path")), e) for e in files if isinstance(e, dict) and "path" in e]
    base = str(PurePosixPath(context.artifact.path).parent)
    for path, value in entries:
        algorithm, digest, size = default, None, None
        if isinstance(value, str):
            algorithm, _, digest = value.rpartition(":") if ":" in value else (default, "", value)
        elif isinstance(value, dict):
            for name in ("sha256", "sha512", "sha1", "md5"):
                if isinstance(value.get(name), str):
                    algorithm, digest = name, str(value[name])
                    break
            raw_size = value.get("size")
            size = raw_size if isinstance(raw_size, int) else None
        if digest is None or algorithm not in ALGORITHMS:
            continue
        line = _line_of(text, path)
        where = Location(context.artifact.path, line)
        yield Record(
            where,
            join(base, path),
            algorithm,
            digest,
            size,
            what=PurePosixPath(context.artifact.path).name,
        )


def _line_of(text: str, value: str) -> int:
    position = text.find(json.dumps(value))
    return text.count("\n", 0, position) + 1 if position >= 0 else 1


SPEC = AnalyzerSpec(
    name="checksum-manifest",
    description="Files listed in SHA256SUMS-style or JSON checksum manifests match their digests.",
    kinds=frozenset({ArtifactKind.OTHER, ArtifactKind.DOCS, ArtifactKind.CONFIG}),
    params=Params.beside(SubjectParams, __name__, "checksum-manifest"),
    file=checksum_manifest,
    # an integrity check hashes the bytes on disk on every scan, never a cached verdict
    cached=False,
)
