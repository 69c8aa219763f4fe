"""DVC integrity: the files a ``.dvc`` file or ``dvc.lock`` records must be there, unchanged.

Each output's recorded ``size`` and ``md5`` are compared with the file in the work tree. DVC 3
outputs (``hash: md5``) are plain MD5; older ones were computed with CRLF normalised for text
files, so both forms are accepted for them. A directory output (``md5: ….dir``) is verified
file by file through its ``.dir`` listing in the local DVC cache; without that listing it is
reported as "cannot verify". DVC outputs are usually git-ignored, so presence is checked on disk,
never through the inventory.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from mlsec_policy.analyzers.base import AnalyzerError, AnalyzerSpec, FileContext, Observation
from mlsec_policy.analyzers.integrity.common import (
    Record,
    Subject,
    select,
    verify,
    wanted,
)
from mlsec_policy.analyzers.params import Params
from mlsec_policy.analyzers.read.paths import join
from mlsec_policy.models import ArtifactKind, JsonValue, Location, Severity
from mlsec_policy.textfile import load_json
from mlsec_policy.yamlpos import Document, YamlError, load_single

MAX_DIR_LISTING = 64 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class DvcOutputs:
    """Parameters of ``dvc-outputs``."""

    subject: Subject = Subject.ANY
    """Judge only data files, only model files, or any recorded file."""
    missing: bool = True
    """Report outputs that are absent from the work tree."""


def dvc_outputs(context: FileContext, params: DvcOutputs) -> Iterable[Observation]:
    """Yield findings for missing or changed outputs recorded in one DVC file."""
    name = PurePosixPath(context.artifact.path).name
    if not (name.endswith(".dvc") or name == "dvc.lock"):
        return
    try:
        document = load_single(context.read_text())
    except YamlError as exc:
        raise AnalyzerError(
            f"the DVC file cannot be read: {exc.message}",
            kind="parse-error",
            line=exc.line,
            hint="repair it (dvc commit rewrites it) or exclude it",
        ) from None
    records: list[Record] = []
    observations: list[Observation] = []
    for path, out in _outs(document):
        line = (document.positions.of(path) or (1, 1))[0]
        _record(context, out, line, records, observations, params.subject)
    yield from observations
    yield from verify(
        context.root,
        select(records, params.subject),
        context.hash_cache,
        params.missing,
        sha256=context.sha256,
    )


def _outs(document: Document) -> Iterator[tuple[tuple[str | int, ...], dict[str, JsonValue]]]:
    """Yield (position path, output mapping) for every output of a .dvc file or dvc.lock."""
    data = document.data
    if not isinstance(data, dict):
        return
    containers: list[tuple[tuple[str | int, ...], JsonValue]] = [(("outs",), data.get("outs"))]
    stages = data.get("stages")
    if isinstance(stages, dict):
        containers += [
            ((s, "outs"), v.get("outs")) for s, v in stages.items() if isinstance(v, dict)
        ]
    for prefix, outs in containers:
        if not isinstance(outs, list):
            continue
        for index, out in enumerate(outs):
            if isinstance(out, dict) and isinstance(out.get("path"), str):
                yield (*prefix, index), out


def _record(
    context: FileContext,
    out: dict[str, JsonValue],
    line: int,
    records: list[Record],
    observations: list[Observation],
    subject: Subject,
) -> None:
    """Turn one DVC output into records (a directory output into one per listed file)."""
    base = str(PurePosixPath(context.artifact.path).parent)
    target = join(base, str(out["path"]))
    md5 = out.get("md5")
    where = Location(context.artifact.path, line)
    what = f"{PurePosixPath(context.artifact.path).name} (DVC)"
    if not isinstance(md5, str) or not md5:
        return  # an output without a recorded hash (cache: false, or not yet committed)
    legacy = out.get("hash") != "md5"
    alternates = ("md5-dos2unix",) if legacy else ()
    size = out.get("size")
    if not md5.endswith(".dir"):
        size_value = size if isinstance(size, int) and not isinstance(size, bool) else None
        records.append(Record(where, target, "md5", md5, size_value, alternates, what))
        return
    listing = _dir_listing(context.root, context.artifact.path, md5[: -len(".dir")])
    if listing is None:
        if wanted(subject, target + "/"):
            observations.append(
                Observation(
                    where,
                    message=f"the directory {target} cannot be verified: its file listing "
                    f"({md5}) is not in the local DVC cache; run `dvc fetch` before scanning",
                    severity=Severity.LOW,
                    key=f"unverifiable:{target}",
                )
            )
        return
    for entry in listing:
        relpath, entry_md5 = entry.get("relpath"), entry.get("md5")
        if isinstance(relpath, str) and isinstance(entry_md5, str):
            entry_size = entry.get("size")
            records.append(
                Record(
                    where,
                    join(target, relpath),
                    "md5",
                    entry_md5,
                    entry_size if isinstance(entry_size, int) else None,
                    alternates,
                    what,
                )
            )


def _dir_listing(root: Path, dvc_file: str, digest: str) -> list[dict[str, JsonValue]] | None:
    """Return the ``.dir`` listing of a directory output from the DVC cache, if present."""
    folder = PurePosixPath(dvc_file).parent
    candidates = [folder, *folder.parents]
    for base in candidates:
        cache = root / str(base) / ".dvc" / "cache"
        if not cache.is_dir():
            continue
        for listing in (
            cache / "files" / "md5" / digest[:2] / (digest[2:] + ".dir"),
            cache / digest[:2] / (digest[2:] + ".dir"),
        ):
            if not listing.is_file() or listing.stat().st_size > MAX_DIR_LISTING:
                continue
            try:
                data = load_json(listing.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                return None
            return [e for e in data if isinstance(e, dict)] if isinstance(data, list) else None
    return None


SPEC = AnalyzerSpec(
    name="dvc-outputs",
    description="Files recorded in .dvc files and dvc.lock are present and match their md5.",
    kinds=frozenset({ArtifactKind.OTHER, ArtifactKind.CONFIG}),
    params=Params.beside(DvcOutputs, __name__, "dvc-outputs"),
    file=dvc_outputs,
    # an integrity check hashes the bytes on disk on every scan, never a cached verdict
    cached=False,
)
