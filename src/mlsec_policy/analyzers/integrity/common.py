"""What the integrity analyzers share: recorded digests, and checking files against them.

A *record* says "this file should exist with this size and digest", as read from a DVC file, a
checksum manifest or a Git LFS pointer. Verifying a record yields an observation when the file
is missing (incomplete), differs (tampered) or cannot be reached. Records are split by subject
(data or model) so that each control judges only its own files.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path, PurePosixPath

from mlsec_policy.analyzers.base import Observation, Sha256Of
from mlsec_policy.analyzers.integrity.hashing import HashCache, HashRequest, digest_many
from mlsec_policy.analyzers.read.paths import resolve_inside
from mlsec_policy.classify import AMBIGUOUS_MODEL_EXTENSIONS, classify
from mlsec_policy.models import ArtifactKind, Location, Severity


class Subject(StrEnum):
    """Which files a control judges."""

    DATA = "data"
    MODEL = "model"
    ANY = "any"


@dataclass(frozen=True, slots=True)
class SubjectParams:
    """Parameters of the integrity analyzers that take only a subject."""

    subject: Subject = Subject.ANY
    """Judge only data files, only model files, or any recorded file."""


MODEL_WORDS = ("model", "checkpoint", "ckpt", "weights")


def subject_of(path: str) -> Subject:
    """Return whether a recorded path is a model artifact or data (decided by its name)."""
    pure = PurePosixPath(path)
    if classify(path, b"").kind is ArtifactKind.MODEL_ARTIFACT:
        return Subject.MODEL
    lowered = path.lower()
    if pure.suffix.lower() in AMBIGUOUS_MODEL_EXTENSIONS and any(w in lowered for w in MODEL_WORDS):
        return Subject.MODEL
    if pure.suffix == "" and any(w in lowered for w in MODEL_WORDS):
        return Subject.MODEL
    return Subject.DATA


def wanted(subject: Subject, path: str) -> bool:
    """Return True when the check's subject covers ``path``."""
    return subject is Subject.ANY or subject_of(path) is subject


@dataclass(frozen=True, slots=True)
class Record:
    """A file some recording file says should exist, with what it should hash to."""

    source: Location
    """The recording file and the line of the entry (a .dvc file, a manifest, a pointer)."""
    target: str
    """The recorded file, relative to the scanned root (may contain ``..`` when hostile)."""
    algorithm: str
    digest: str
    size: int | None = None
    alternates: tuple[str, ...] = ()
    """Other algorithms whose digest also counts as a match (DVC 2 text normalisation)."""
    what: str = "recorded"
    """How the source names itself in messages (``the .dvc file``, ``SHA256SUMS``)."""
    file: Path | None = None
    """The file to hash when it is not ``root/target`` (a Git LFS object in the git store)."""


def verify(
    root: Path,
    records: Sequence[Record],
    cache_file: Path | None,
    missing: bool = True,
    sha256: Sha256Of | None = None,
) -> Iterator[Observation]:
    """Yield an observation for every record whose file is missing, unreachable or different.

    ``sha256`` (the scan's shared digests) gives the SHA-256 of files under ``root``, so a file
    that several records or checks list is read once, or not at all when the result cache maps
    its git blob id; other algorithms are hashed here.
    """
    present: list[tuple[Record, Path]] = []
    for record in records:
        path = record.file or resolve_inside(root, record.target)
        if path is None:
            yield Observation(
                record.source,
                message=f"{record.what} lists {record.target}, which lies outside the target; "
                "it cannot be verified",
                severity=Severity.HIGH,
                key=f"outside:{record.target}",
            )
            continue
        if not path.is_file():
            if missing:
                yield Observation(
                    record.source,
                    message=f"{record.target} is listed in {record.what} but is not present: "
                    "the stored copy is incomplete (fetch it, e.g. `dvc pull`/`git lfs pull`, "
                    "before scanning, or remove the stale entry)",
                    severity=Severity.MEDIUM,
                    key=f"missing:{record.target}",
                )
            continue
        if record.size is not None and path.stat().st_size != record.size:
            actual = path.stat().st_size
            yield _tampered(record, f"its size is {actual} bytes, {record.size} were recorded")
            continue
        present.append((record, path))
    requests = [HashRequest(p, r.algorithm) for r, p in present]
    requests += [HashRequest(p, alt) for r, p in present for alt in r.alternates]
    digests = digest_many(requests, HashCache(cache_file), _shared(root, sha256))
    for record, path in present:
        results = [digests[HashRequest(path, a)] for a in (record.algorithm, *record.alternates)]
        failure = next((r for r in results if isinstance(r, OSError)), None)
        if failure is not None:
            yield Observation(
                record.source,
                message=f"{record.target} cannot be read to verify it: {failure.strerror}",
                severity=Severity.HIGH,
                key=f"unreadable:{record.target}",
            )
            continue
        if record.digest.lower() not in {str(r).lower() for r in results}:
            yield _tampered(
                record, f"its {record.algorithm} is {results[0]}, {record.digest} was recorded"
            )


def _shared(root: Path, sha256: Sha256Of | None) -> Callable[[HashRequest], str | None] | None:
    """Return the look-up of SHA-256 requests for files under ``root`` in the scan's digests."""
    if sha256 is None:
        return None
    top = root.resolve()

    def known(request: HashRequest) -> str | None:
        if request.algorithm != "sha256":
            return None
        try:
            relative = request.path.resolve().relative_to(top)
        except (OSError, RuntimeError, ValueError):
            return None
        return sha256(relative.as_posix())

    return known


def _tampered(record: Record, detail: str) -> Observation:
    return Observation(
        record.source,
        message=f"{record.target} does not match {record.what}: {detail}. The file was changed "
        "after it was recorded (tampered, corrupted, or updated without re-recording)",
        severity=Severity.HIGH,
        key=f"mismatch:{record.target}",
    )


def select(records: Iterable[Record], subject: Subject) -> list[Record]:
    """Return the records whose target the check's subject covers."""
    return [r for r in records if wanted(subject, r.target)]
