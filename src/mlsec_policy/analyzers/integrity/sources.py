"""Scope for the integrity controls: the files that record what data and models should hash to.

Yields one observation per recording file — a ``.dvc`` file or ``dvc.lock``, a checksum
manifest, a shard index, a ``.gitattributes`` sending files through Git LFS, or an LFS pointer —
so that an integrity control is applicable only where something was recorded.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Literal

from mlsec_policy.analyzers.base import AnalyzerSpec, Observation, RepoContext
from mlsec_policy.analyzers.integrity.common import Subject, subject_of
from mlsec_policy.analyzers.integrity.lfs import LFS_ATTRIBUTE, POINTER_MAX, parse_pointer
from mlsec_policy.analyzers.integrity.manifest import manifest_kind
from mlsec_policy.analyzers.params import Params
from mlsec_policy.models import Artifact, ArtifactKind, Location

Source = Literal["dvc", "manifest", "lfs", "shards"]
SOURCES: tuple[Source, ...] = ("dvc", "manifest", "lfs", "shards")


@dataclass(frozen=True, slots=True)
class IntegritySources:
    """Parameters of ``integrity-sources``."""

    subject: Subject = Subject.ANY
    """Report only records of data files, of model files, or of any file."""
    sources: tuple[Source, ...] = ()
    """The kinds of record to report (empty: all of them)."""


def integrity_sources(context: RepoContext, params: IntegritySources) -> Iterable[Observation]:
    """Yield each file that records digests, sizes or shards for the check's subject."""
    subject = params.subject
    sources = params.sources or SOURCES
    for artifact in context.all_artifacts:
        source = _source(context, artifact)
        if source is None or source not in sources:
            continue
        if not _covers(subject, source, artifact.path):
            continue
        yield Observation(Location(artifact.path), message=f"{source} record", key=artifact.path)


def _source(context: RepoContext, artifact: Artifact) -> str | None:
    name = PurePosixPath(artifact.path).name
    if name.endswith(".dvc") or name == "dvc.lock":
        return "dvc"
    if name.endswith(".index.json"):
        return "shards"
    if manifest_kind(artifact.path) is not None:
        return "manifest"
    if name == ".gitattributes":
        text = context.file(artifact).read_bytes(64 * POINTER_MAX).decode("utf-8", "replace")
        return "lfs" if LFS_ATTRIBUTE.search(text) else None
    if artifact.size <= POINTER_MAX:
        head = context.file(artifact).read_bytes(POINTER_MAX + 1)
        return "lfs" if parse_pointer(head) is not None else None
    return None


def _covers(subject: Subject, source: str, path: str) -> bool:
    if subject is Subject.ANY:
        return True
    if source == "shards":
        return subject is Subject.MODEL
    name = PurePosixPath(path).name
    if source == "dvc" and name.endswith(".dvc"):
        return subject_of(path[: -len(".dvc")]) is subject
    if source == "lfs" and name != ".gitattributes":
        return subject_of(path) is subject
    return True


SPEC = AnalyzerSpec(
    name="integrity-sources",
    description="Files that record digests of data or models (DVC, manifests, LFS, shards).",
    kinds=frozenset(ArtifactKind),
    params=Params.beside(IntegritySources, __name__, "integrity-sources"),
    repo=integrity_sources,
)
