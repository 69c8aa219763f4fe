"""Repository-level analyzer: files that are (or are not) present, by gitignore-style pattern.

Used both ways: as evidence (a ``SECURITY.md``, a lock file, a ``CODEOWNERS``) and as a
violation (a committed ``.env`` or private key). Optional ``contains`` narrows matches to files
whose text matches a regular expression, ``min-bytes`` ignores empty placeholders and
``exclude-formats`` leaves out artifacts of some finer formats (a pickle of plain data is not a
model for the model-card control).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from mlsec_policy import pathmatch
from mlsec_policy.analyzers.base import AnalyzerSpec, Observation, RepoContext
from mlsec_policy.analyzers.params import Params
from mlsec_policy.models import ArtifactKind, Location

MAX_READ = 1024 * 1024


@dataclass(frozen=True, slots=True)
class FilesPresent:
    """Parameters of ``files-present``."""

    patterns: tuple[str, ...]
    """gitignore-style patterns of the files to report."""
    contains: str | None = None
    """A regular expression the file's text must match."""
    min_bytes: int = 1
    """Files smaller than this are placeholders and are not reported."""
    limit: int | None = None
    """Report at most this many files."""
    kinds_only: bool = False
    """Look only at the check's kinds instead of every file."""
    exclude_formats: tuple[str, ...] = ()
    """Leave out artifacts of these formats (``data-pickle``...)."""


def files_present(context: RepoContext, params: FilesPresent) -> Iterable[Observation]:
    """Yield one observation per file matching ``patterns`` (and ``contains``, if given)."""
    matcher = pathmatch.spec(list(params.patterns))
    contains = params.contains
    regex = re.compile(contains, re.MULTILINE | re.IGNORECASE) if contains else None
    pool = context.artifacts if params.kinds_only else context.all_artifacts
    skipped = set(params.exclude_formats)
    found = 0
    for artifact in pool:
        if params.limit is not None and found >= params.limit:
            return
        if not matcher.match_file(artifact.path) or artifact.size < params.min_bytes:
            continue
        if artifact.format in skipped:
            continue
        if regex is None:
            found += 1
            yield Observation(Location(artifact.path), key=artifact.path)
            continue
        text = context.file(artifact).read_bytes(MAX_READ).decode("utf-8", errors="replace")
        match = regex.search(text)
        if match:
            found += 1
            line = text.count("\n", 0, match.start()) + 1
            yield Observation(Location(artifact.path, line), key=artifact.path)


SPEC = AnalyzerSpec(
    name="files-present",
    description="Files matching gitignore-style patterns, optionally containing a regex.",
    kinds=frozenset(ArtifactKind),
    params=Params.beside(FilesPresent, __name__, "files-present"),
    repo=files_present,
)
