"""gitignore-style path filters, as used by ``--exclude`` and by checks' include/exclude.

``pathspec`` is imported with this module. Importing it only when a pattern list is first
compiled saved nothing: every scan with the built-in pack compiles patterns (the repository
analyzer ``files_present`` does on each scan), so pathspec was loaded anyway, only later.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Protocol

import pathspec


class _HasPaths(Protocol):
    @property
    def include(self) -> tuple[str, ...]: ...

    @property
    def exclude(self) -> tuple[str, ...]: ...


_Spec = pathspec.PathSpec[pathspec.Pattern]


@dataclass(frozen=True, slots=True)
class PathFilter:
    """Allows a path when it matches an include pattern (if any) and no exclude pattern."""

    include: _Spec | None
    exclude: _Spec | None

    @staticmethod
    def of(owner: _HasPaths) -> PathFilter:
        """Return the (cached) filter for an object with ``include``/``exclude`` patterns."""
        return build_filter(owner.include, owner.exclude)

    def allows(self, path: str) -> bool:
        """Return True when ``path`` (relative, POSIX) passes the filter."""
        if self.include is not None and not self.include.match_file(path):
            return False
        return self.exclude is None or not self.exclude.match_file(path)


@cache
def build_filter(include: tuple[str, ...], exclude: tuple[str, ...]) -> PathFilter:
    """Return a filter for these pattern lists (cached: checks share them)."""
    return PathFilter(spec(include) if include else None, spec(exclude) if exclude else None)


def spec(patterns: Sequence[str]) -> _Spec:
    """Return a matcher for gitignore-style ``patterns`` (matched against relative paths)."""
    return pathspec.PathSpec.from_lines("gitignore", patterns)
