"""``data`` components for the datasets the repository holds or tracks.

Committed data files (the ones the ``dataset-files`` analyzer counts as datasets) with their
size, SHA-256 and the personal-data sampling of the ``personal-data`` analyzer — kinds and
counts only, never a value; files tracked by DVC (``*.dvc``: path, hash and size as DVC
recorded them) and Git LFS pointers (object id and size). A file the sampler could not read is
marked "not inspected", never "no personal data".
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path, PurePosixPath
from typing import Any

from mlsec_policy.analyzers.base import AnalyzerError, FileContext, FileSkipped
from mlsec_policy.analyzers.data_files.datasets import is_dataset
from mlsec_policy.analyzers.data_files.personal import PersonalData, personal_data
from mlsec_policy.analyzers.integrity.hashing import digest_file
from mlsec_policy.analyzers.integrity.lfs import parse_pointer
from mlsec_policy.bom.datacards import apply_data_cards
from mlsec_policy.bom.files import read_yaml
from mlsec_policy.bom.models import Sha256
from mlsec_policy.bom.parts import Basis, Kind, Part, Source, ref_for
from mlsec_policy.models import Artifact, ArtifactKind, Inventory
from mlsec_policy.yamlpos import Document

PII = re.compile(r"personal data: (?P<count>\d+) × (?P<kind>[^(]+?) \(confidence (?P<level>\w+)")
"""The count, kind and confidence at the head of a ``personal-data`` message."""
DVC_HASHES = {"md5": "MD5", "sha256": "SHA-256"}


def data_parts(root: Path, inventory: Inventory, sha256: Sha256 | None = None) -> list[Part]:
    """Return one data component per dataset file, DVC output or LFS-stored dataset."""
    tracked: dict[str, Part] = {}
    for artifact in inventory.artifacts:
        if artifact.path.endswith(".dvc") and PurePosixPath(artifact.path).name != ".dvc":
            tracked.update(_dvc_outputs(root, artifact))
    parts: dict[str, Part] = {}
    for artifact in inventory.of_kind(ArtifactKind.DATA_FILE):
        context = FileContext(root, artifact, listing=inventory.artifacts)
        try:
            dataset = artifact.size > 0 and (_pointer(context) or is_dataset(context, 10))
        except (AnalyzerError, FileSkipped):
            dataset = True
        if dataset or artifact.path in tracked:
            parts[artifact.path] = _data_file(root, artifact, context, sha256)
    for path, record in tracked.items():
        if path in parts:
            _merge(parts[path], record)
        else:
            for algorithm, digest in record.data.pop("dvc-hashes", {}).items():
                record.hashes[algorithm] = digest
            parts[path] = record
    found = [parts[key] for key in sorted(parts)]
    apply_data_cards(root, found)
    return found


def _pointer(context: FileContext) -> bool:
    """Return True when the data file is a Git LFS pointer (the data itself is elsewhere)."""
    try:
        with context.path.open("rb") as handle:
            return parse_pointer(handle.read(1024)) is not None
    except OSError:
        return False


def _new(path: str) -> Part:
    part = Part(Kind.DATA, ref_for(Kind.DATA, path), path)
    part.data = {"type": "dataset", "name": path}
    return part


def _data_file(root: Path, artifact: Artifact, context: FileContext, sha256: Sha256 | None) -> Part:
    part = _new(artifact.path)
    here = Source(Basis.OBSERVED, artifact.path)
    part.fill("size", str(artifact.size), here)
    if artifact.format:
        part.fill("format", artifact.format, here)
    try:
        with (root / artifact.path).open("rb") as handle:
            head = handle.read(1024)
        hashed = sha256(artifact.path) if sha256 else digest_file(root / artifact.path, "sha256")
        part.hashes["SHA-256"] = hashed
        part.note("hashes", here)
    except OSError as exc:
        part.fill("personal-data", f"not inspected: {exc.strerror}", here)
        return part
    pointer = parse_pointer(head)
    if pointer is not None:
        part.fill("lfs-object", f"sha256:{pointer[0]} size {pointer[1]}", here)
        part.fill("personal-data", "not inspected: the file is a Git LFS pointer", here)
        return part
    _personal(part, context)
    return part


def _personal(part: Part, context: FileContext) -> None:
    """Fill sensitiveData and classification from the personal-data sample (no values)."""
    path = context.artifact.path
    try:
        observations = list(personal_data(context, PersonalData()))
    except (AnalyzerError, FileSkipped) as exc:
        reason = exc.message if isinstance(exc, AnalyzerError) else exc.reason
        part.fill("personal-data", f"not inspected: {reason}", Source(Basis.OBSERVED, path))
        return
    found: list[str] = []
    first: int | None = None
    for observation in observations:
        match = PII.search(observation.message or "")
        if match is None:
            continue
        found.append(f"{match['kind']}: {match['count']} (confidence {match['level']})")
        line = observation.location.start_line
        first = line if first is None or (line is not None and line < first) else first
    source = Source(Basis.OBSERVED, path, first)
    if found:
        part.data["sensitiveData"] = sorted(found)
        part.data["classification"] = "personal-data"
        part.note("data.sensitiveData", source)
        part.note("data.classification", source)
        part.fill("personal-data", f"{len(found)} kind(s) in the sample", source)
    else:
        part.fill("personal-data", "none found in the sample", source)


def _dvc_outputs(root: Path, artifact: Artifact) -> Iterator[tuple[str, Part]]:
    """Yield (repository path, data component) for each output a ``.dvc`` file records."""
    documents = read_yaml(root / artifact.path)
    if not documents or len(documents) != 1:
        return
    document = documents[0]
    outs = document.data.get("outs") if isinstance(document.data, dict) else None
    folder = PurePosixPath(artifact.path).parent
    for index, out in enumerate(outs if isinstance(outs, list) else []):
        target = out.get("path") if isinstance(out, dict) else None
        if not isinstance(out, dict) or not isinstance(target, str):
            continue
        path = str(folder / target) if str(folder) != "." else target
        position = document.positions.of(("outs", index, "path"))
        source = Source(Basis.OBSERVED, artifact.path, position[0] if position else 1)
        part = _new(path)
        part.fill("dvc-tracked", artifact.path, source)
        hashes: dict[str, str] = {}
        for key, algorithm in DVC_HASHES.items():
            value = out.get(key)
            if isinstance(value, str) and re.fullmatch(r"[0-9a-f]{32,64}(\.dir)?", value):
                hashes[algorithm] = value.removesuffix(".dir")
                part.fill(f"dvc-{key}", hashes[algorithm], source)
                part.note("hashes", source)
        part.data["dvc-hashes"] = hashes
        if isinstance(out.get("size"), int):
            part.fill("dvc-size", str(out["size"]), source)
        _dvc_declared(part, artifact.path, document, ("outs", index))
        _dvc_declared(part, artifact.path, document, ())
        yield path, part


def _dvc_declared(part: Part, path: str, document: Document, at: tuple[str | int, ...]) -> None:
    """Fill what a ``.dvc`` file's author wrote: ``desc`` and ``meta`` (an output's first)."""
    entry: Any = document.data
    for step in at:
        entry = entry[step]
    if not isinstance(entry, dict):
        return

    def where(key: str) -> Source:
        position = document.positions.of_key((*at, key))
        return Source(Basis.DECLARED, path, position[0] if position else 1)

    desc = entry.get("desc")
    if isinstance(desc, str) and desc.strip() and "description" not in part.data:
        part.data["description"] = " ".join(desc.split())[:400]
        part.note("data.description", where("desc"))
    meta = entry.get("meta")
    for key, value in sorted(meta.items() if isinstance(meta, dict) else []):
        if isinstance(value, str | int | float | bool):
            part.fill(f"dvc-meta:{key}", str(value), where("meta"))
        if key in {"owner", "maintainer"} and isinstance(value, str) and value.strip():
            owner = {"organization": {"name": value.strip()[:200]}}
            part.data.setdefault("governance", {}).setdefault("owners", []).append(owner)
            part.note("data.governance", where("meta"))


def _merge(known: Part, extra: Part) -> None:
    """Add what a DVC record says to the component of the committed file it tracks.

    The hashes DVC recorded stay facts (``dvc-md5``): the committed file may differ from them.
    """
    for name, value in extra.facts.items():
        known.fill(name, value, extra.provenance[name])
    for name, source in extra.provenance.items():
        known.note(name, source)
    for name in ("description", "governance"):
        if name in extra.data and name not in known.data:
            known.data[name] = extra.data[name]
