"""Repository-level analyzer: files that are (or are not) present, by gitignore-style pattern.

Used both ways: as evidence (a ``SECURITY.md``, a lock file, a ``CODEOWNERS``) and as a
violation (a committed ``.env`` or private key). Optional ``contains`` narrows matches to files
whose text matches a regular expression, ``min-bytes`` ignores empty placeholders and
``exclude-formats`` leaves out artifacts of some finer formats (a pickle of plain data is not a
model for the model-card control).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from mlsec_policy import pathmatch
from mlsec_policy.analyzers.base import AnalyzerSpec, Observation, RepoContext
from mlsec_policy.models import ArtifactKind, JsonValue, Location

MAX_READ = 1024 * 1024


def files_present(context: RepoContext, params: Mapping[str, JsonValue]) -> Iterable[Observation]:
    """Yield one observation per file matching ``patterns`` (and ``contains``, if given)."""
    patterns = [str(p) for p in params.get("patterns", []) or []]  # type: ignore[union-attr]
    matcher = pathmatch.spec(patterns)
    contains = params.get("contains")
    regex = re.compile(str(contains), re.MULTILINE | re.IGNORECASE) if contains else None
    min_bytes = int(params.get("min-bytes", 1) or 0)  # type: ignore[arg-type]
    pool = context.artifacts if params.get("kinds-only") else context.all_artifacts
    skipped = {str(f) for f in params.get("exclude-formats", []) or []}  # type: ignore[union-attr]
    limit = params.get("limit")
    found = 0
    for artifact in pool:
        if isinstance(limit, int) and found >= limit:
            return
        if not matcher.match_file(artifact.path) or artifact.size < min_bytes:
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
    params_schema={
        "type": "object",
        "additionalProperties": False,
        "required": ["patterns"],
        "properties": {
            "patterns": {"type": "array", "minItems": 1, "items": {"type": "string"}},
            "contains": {"type": "string", "format": "regex"},
            "min-bytes": {"type": "integer", "minimum": 0},
            "limit": {
                "type": "integer",
                "minimum": 1,
                "description": "Report at most this many files (a scope needs only one).",
            },
            "kinds-only": {
                "type": "boolean",
                "description": "Look only at artifacts of the check's kinds (default: all files).",
            },
            "exclude-formats": {
                "type": "array",
                "items": {"type": "string"},
                "description": "Leave out artifacts of these formats (``data-pickle``...).",
            },
        },
    },
    repo=files_present,
)
