"""Git LFS integrity: what a pointer records is what the repository holds.

Two situations are checked:

- a *pointer file* in the work tree (LFS content not checked out): when its object is in the
  local LFS store (``.git/lfs/objects``), the object must match the pointer's sha256 and size;
  without the object the file is reported as unverifiable;
- a *checked-out* LFS file (matched by ``filter=lfs`` in ``.gitattributes``): the pointer
  recorded in the git index must match the file in the work tree.

Git objects are read through GitPython's object database; no git-lfs binary and no network.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path, PurePosixPath
from typing import Any

from mlsec_policy import pathmatch
from mlsec_policy.analyzers.base import AnalyzerSpec, Observation, RepoContext
from mlsec_policy.analyzers.integrity.common import (
    Record,
    SubjectParams,
    select,
    verify,
    wanted,
)
from mlsec_policy.analyzers.params import Params
from mlsec_policy.gitsafe import safe_environment
from mlsec_policy.models import Artifact, ArtifactKind, Location, Severity

POINTER_MAX = 1024
POINTER = re.compile(
    rb"^version https://git-lfs\.github\.com/spec/v1\s*\n(?:.*\n)*?oid sha256:(?P<oid>[0-9a-f]{64})"
    rb"\s*\n(?:.*\n)*?size (?P<size>\d+)",
    re.MULTILINE,
)
LFS_ATTRIBUTE = re.compile(r"^\s*(?P<pattern>\S+)\s+.*\bfilter=lfs\b", re.MULTILINE)


def parse_pointer(data: bytes) -> tuple[str, int] | None:
    """Return (sha256, size) when ``data`` is a Git LFS pointer, else None."""
    if len(data) > POINTER_MAX or not data.startswith(b"version https://git-lfs"):
        return None
    match = POINTER.search(data if data.endswith(b"\n") else data + b"\n")
    return (match.group("oid").decode(), int(match.group("size"))) if match else None


def lfs_objects(context: RepoContext, params: SubjectParams) -> Iterable[Observation]:
    """Yield findings for LFS files that differ from, or cannot be checked against, git."""
    git = _GitStore.open(context.root)
    records: list[Record] = []
    observations: list[Observation] = []
    patterns = lfs_patterns(context)
    tracked = pathmatch.spec(patterns) if git is not None and patterns else None
    for artifact in context.all_artifacts:
        # cheapest first: most files are neither a pointer (one under 1 KiB) nor tracked, and
        # judging a path's subject classifies its name
        try:
            pointer = _pointer_in_tree(context, artifact)
        except OSError:
            if wanted(params.subject, artifact.path):
                raise  # a file of the check's subject that cannot be read is an error
            continue
        candidate = pointer is not None or (
            tracked is not None and tracked.match_file(artifact.path)
        )
        if not candidate or not wanted(params.subject, artifact.path):
            continue
        if pointer is not None:
            oid, size = pointer
            obj = git.object_path(oid) if git else None
            if obj is None or not obj.is_file():
                observations.append(
                    Observation(
                        Location(artifact.path, 1),
                        message=f"{artifact.path} is a Git LFS pointer whose content is not "
                        "available locally, so it cannot be verified (run `git lfs pull`)",
                        severity=Severity.LOW,
                        key=f"unverifiable:{artifact.path}",
                    )
                )
                continue
            records.append(
                Record(
                    Location(artifact.path, 1),
                    artifact.path,
                    "sha256",
                    oid,
                    size,
                    what="its Git LFS pointer",
                    file=obj,
                )
            )
            continue
        if git is not None:
            recorded = git.pointer_for(context.root / artifact.path)
            if recorded is not None:
                oid, size = recorded
                records.append(
                    Record(
                        Location(artifact.path),
                        artifact.path,
                        "sha256",
                        oid,
                        size,
                        what="the Git LFS pointer committed for it",
                    )
                )
    yield from observations
    yield from verify(
        context.root,
        select(records, params.subject),
        context.hash_cache,
        sha256=context.sha256,
    )


def lfs_patterns(context: RepoContext) -> list[str]:
    """Return the gitignore-style patterns that ``.gitattributes`` files send through LFS."""
    patterns: list[str] = []
    for artifact in context.all_artifacts:
        if PurePosixPath(artifact.path).name != ".gitattributes":
            continue
        base = str(PurePosixPath(artifact.path).parent)
        text = context.file(artifact).read_bytes(POINTER_MAX * 64).decode("utf-8", "replace")
        for match in LFS_ATTRIBUTE.finditer(text):
            pattern = match.group("pattern")
            if base not in {"", "."}:
                pattern = (
                    f"/{base}/{pattern.lstrip('/')}"
                    if "/" in pattern
                    else (f"/{base}/**/{pattern}")
                )
            patterns.append(pattern)
    return patterns


def _pointer_in_tree(context: RepoContext, artifact: Artifact) -> tuple[str, int] | None:
    if artifact.size > POINTER_MAX:
        return None
    return parse_pointer(context.file(artifact).read_bytes(POINTER_MAX + 1))


class _GitStore:
    """The git repository holding the target: its LFS store and the pointers in its index."""

    def __init__(self, repo: Any, top: Path) -> None:
        self.repo = repo
        self.top = top
        self.entries: dict[str, bytes] | None = None

    @classmethod
    def open(cls, root: Path) -> _GitStore | None:
        try:
            import git
        except ImportError:
            return None
        try:
            repo = git.Repo(root, search_parent_directories=True)
            repo.git.update_environment(**safe_environment(root))  # nothing configured runs
            top = Path(repo.working_tree_dir or root).resolve()
        except (git.InvalidGitRepositoryError, git.NoSuchPathError, git.GitCommandError, OSError):
            return None
        return cls(repo, top)

    def object_path(self, oid: str) -> Path:
        return Path(self.repo.common_dir) / "lfs" / "objects" / oid[:2] / oid[2:4] / oid

    def pointer_for(self, path: Path) -> tuple[str, int] | None:
        if self.entries is None:
            try:
                self.entries = {
                    key[0]: entry.binsha
                    for key, entry in self.repo.index.entries.items()
                    if key[1] == 0
                }
            except (OSError, ValueError):
                self.entries = {}
        try:
            relative = path.resolve().relative_to(self.top).as_posix()
        except ValueError:
            return None
        binsha = self.entries.get(relative)
        if binsha is None:
            return None
        stream = self.repo.odb.stream(binsha)
        if stream.size > POINTER_MAX:
            return None
        return parse_pointer(stream.read())


SPEC = AnalyzerSpec(
    name="lfs-objects",
    description="Git LFS files and pointers match the sha256 recorded for them.",
    kinds=frozenset(ArtifactKind),
    params=Params.beside(SubjectParams, __name__, "lfs-objects"),
    repo=lfs_objects,
)
