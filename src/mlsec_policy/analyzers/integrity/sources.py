"""Scope for the integrity controls: the files that record what data and models should hash to.

Yields one observation per recording file — a ``.dvc`` file or ``dvc.lock``, a checksum
manifest, a shard index, a ``.gitattributes`` sending files through Git LFS, or an LFS pointer —
so that an integrity control is applicable only where something was recorded.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import PurePosixPath

from mlsec_policy.analyzers.base import AnalyzerSpec, Observation, RepoContext
from mlsec_policy.analyzers.integrity.common import SUBJECT_PARAM, Subject, subject_of
from mlsec_policy.analyzers.integrity.lfs import LFS_ATTRIBUTE, POINTER_MAX, parse_pointer
from mlsec_policy.analyzers.integrity.manifest import manifest_kind
from mlsec_policy.models import Artifact, ArtifactKind, JsonValue, Location

SOURCES = ("dvc", "manifest", "lfs", "shards")


def integrity_sources(
    context: RepoContext, params: Mapping[str, JsonValue]
) -> Iterable[Observation]:
    """Yield each file that records digests, sizes or shards for the check's subject."""
    subject = Subject(str(params.get("subject", Subject.ANY.value)))
    sources = params.get("sources") or list(SOURCES)
    assert isinstance(sources, list)
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
    params_schema={
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "subject": SUBJECT_PARAM,
            "sources": {"type": "array", "items": {"enum": list(SOURCES)}, "minItems": 1},
        },
    },
    repo=integrity_sources,
)
