"""What the target holds: its files by kind, the files left out and why, and what git says."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class ArtifactKind(StrEnum):
    """What a file in the target is, decided by name and content."""

    PYTHON = "python"
    NOTEBOOK = "notebook"
    DOCKERFILE = "dockerfile"
    KUBERNETES = "kubernetes"
    COMPOSE = "compose"
    CI_WORKFLOW = "ci-workflow"
    DEPENDENCY_MANIFEST = "dependency-manifest"
    CONFIG = "config"
    SHELL = "shell"
    MODEL_ARTIFACT = "model-artifact"
    DATA_FILE = "data-file"
    DOCS = "docs"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class GitFacts:
    """What git says about the scanned tree."""

    commit: str | None
    """Full SHA of HEAD, or None for a repository without commits."""
    branch: str | None
    """Checked-out branch, or None when HEAD is detached."""
    dirty: bool
    """True when tracked files differ from HEAD."""
    remote_url: str | None
    """URL of the ``origin`` remote (or the first remote) with any credentials removed."""
    root: str
    """Path of the scanned root relative to the repository's top level ('.' if the same)."""


@dataclass(frozen=True, slots=True)
class Artifact:
    """One file of the target that the scan looks at."""

    path: str
    """POSIX path relative to the scanned root."""
    kind: ArtifactKind
    """What the file is."""
    size: int
    """Size in bytes."""
    format: str | None = None
    """A finer label inside the kind (``github-actions``, ``helm-template``, ``requirements``)."""


@dataclass(frozen=True, slots=True)
class SkippedFile:
    """A file (or a part of one) the scan saw but did not inspect, and why.

    A skipped file is not a passed file.
    """

    path: str
    reason: str
    kind: ArtifactKind | None = None
    blocks_checks: bool = False
    """True when checks should have read it (too large, unreadable): their controls error."""
    line: int | None = None
    """For a part of a file left out (a notebook cell that is not Python): the line where the
    part starts. None when the whole file was left out."""


@dataclass(frozen=True, slots=True)
class Inventory:
    """Everything discovered in the target."""

    root: str
    """Absolute path of the scanned root."""
    artifacts: tuple[Artifact, ...]
    """Files to inspect, sorted by path."""
    skipped: tuple[SkippedFile, ...]
    """Files seen but not inspected, sorted by path."""
    git: GitFacts | None
    """Git facts when the root is inside a git work tree."""

    def of_kind(self, *kinds: ArtifactKind) -> tuple[Artifact, ...]:
        """Return the artifacts whose kind is one of ``kinds``."""
        wanted = set(kinds)
        return tuple(a for a in self.artifacts if a.kind in wanted)

    def kind_counts(self) -> dict[str, int]:
        """Return how many artifacts there are of each kind, keyed by kind name, sorted."""
        counts: dict[str, int] = {}
        for artifact in self.artifacts:
            counts[artifact.kind.value] = counts.get(artifact.kind.value, 0) + 1
        return dict(sorted(counts.items()))
