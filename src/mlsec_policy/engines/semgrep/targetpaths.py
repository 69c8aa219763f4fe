"""How semgrep spells an explicitly given target when it matches a rule's ``paths`` patterns.

Measured with semgrep 1.182.0 (``docs/rule-performance.md``, "How semgrep reads paths:
exclude"; ``tests/test_semgrep_target_paths.py``):

- osemgrep resolves the target's symbolic links, then looks in each folder above it, nearest
  first, for a ``.git`` (a folder or a file, even one that is not a valid repository), ``.hg``,
  ``.svn`` or ``_darcs`` entry. In the first folder that holds one — the project root — a
  pattern is matched against the path from that folder (``/sub/a.py``), whether the file is
  tracked, untracked or git-ignored, and whatever the working folder. With no such folder it
  is matched against the file's name alone (``/a.py``).
- the classic CLI (the fallback) matches a relative target's path as given, from the working
  folder; an absolute target (a view in the scratch folder) matches no anchored pattern.

A pattern is anchored (``/…``) and, like a ``.gitignore`` line, also matches everything under
the folder it names. :class:`TargetPaths` gives each target the spelling meant to exclude it
as osemgrep reads it, and every spelling it could be matched under in any reading (from every
folder above it that holds a marker of any kind, the name, the path from the working folder):
a pattern is used only when no target that must keep the rule can be matched by it. Under the
classic CLI, then, an exclusion may not hold (the rule runs there), but never reaches a file
that must keep the rule.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

MARKERS = (".git", ".hg", ".svn", "_darcs")
"""Entries whose folder osemgrep takes for the project root (the nearest one wins)."""

SAFE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-+=@,%~/")
"""Characters a spelling may hold to be used as a pattern: none means anything in a semgrep
path pattern, so no escaping is needed (a path with another character keeps the rule)."""


@dataclass(frozen=True, slots=True)
class Spelling:
    """How one target may be matched: the patterns meant for it, and everything that reaches it."""

    meant: tuple[str, ...]
    """The anchored pattern that matches the target as osemgrep reads it (none when it would
    need escaping)."""
    reached_by: frozenset[str]
    """Every pattern (case-folded) that could match the target in any reading: each spelling
    it may be matched under, and each folder above it in that spelling."""


@dataclass
class TargetPaths:
    """Spellings of a scan's targets, each given relative to ``cwd`` or absolute.

    ``cwd`` is semgrep's working folder; the folders' markers are looked up once per folder.
    """

    cwd: Path
    _roots: dict[Path, tuple[Path | None, tuple[Path, ...]]] = field(default_factory=dict)
    _spelled: dict[str, Spelling] = field(default_factory=dict)

    def spelling(self, scanned: str) -> Spelling:
        """Return how semgrep may spell the target ``scanned``."""
        known = self._spelled.get(scanned)
        if known is None:
            known = self._spelled[scanned] = self._spell(scanned)
        return known

    def _spell(self, scanned: str) -> Spelling:
        lexical = Path(os.path.normpath(self.cwd.absolute() / scanned))
        physical = lexical.resolve()
        root = self._root(physical.parent)[0]
        meant = _below(physical, root) if root is not None else "/" + physical.name
        # every reading the target may be matched under, whichever root semgrep picks; the
        # classic CLI's (from the working folder) is not meant: each pattern costs osemgrep
        # a match per rule and target, and the classic CLI only runs when osemgrep failed
        possible = {meant, "/" + lexical.name, "/" + physical.name}
        if not Path(scanned).is_absolute():
            possible.add("/" + os.path.normpath(scanned))
        for path in {lexical, physical}:
            possible.update(_below(path, folder) for folder in self._root(path.parent)[1])
        reached: set[str] = set()
        for spelling in possible:
            reached.update(folders(spelling.casefold()))
        return Spelling((meant,) if usable(meant) else (), frozenset(reached))

    def _root(self, folder: Path) -> tuple[Path | None, tuple[Path, ...]]:
        """Return osemgrep's root for a file in ``folder``, and every candidate root.

        The root is the nearest folder from ``folder`` up where a marker exists; a candidate,
        any such folder holding an entry named as a marker (a dangling link too).
        """
        known = self._roots.get(folder)
        if known is not None:
            return known
        entries = [folder / marker for marker in MARKERS]
        here = any(_exists(entry) for entry in entries)
        named = here or any(_exists(entry, link=True) for entry in entries)
        above: tuple[Path | None, tuple[Path, ...]] = (
            (None, ()) if folder.parent == folder else self._root(folder.parent)
        )
        found = (folder if here else above[0], (folder, *above[1]) if named else above[1])
        self._roots[folder] = found
        return found


def _exists(entry: Path, link: bool = False) -> bool:
    """Return whether ``entry`` exists (with ``link``: is a link, dangling or not).

    An entry that cannot be looked at (a folder above the target the user may not search)
    counts as there: the folder becomes a candidate root, whose spellings only keep more rules.
    """
    try:
        return entry.is_symlink() if link else entry.exists()
    except OSError:
        return True


def usable(pattern: str) -> bool:
    """Return True when a spelling can be a pattern as it is.

    It must hold only :data:`SAFE` characters, and no part may be empty or start with ``.``
    (``..``, hidden folders).
    """
    parts = pattern.split("/")[1:]
    return (
        set(pattern) <= SAFE
        and bool(parts)
        and all(part and not part.startswith(".") for part in parts)
    )


def _below(path: Path, folder: Path) -> str:
    """Return ``path`` as an anchored spelling from ``folder`` (a folder above it)."""
    return "/" + path.relative_to(folder).as_posix()


def folders(spelled: str) -> Iterator[str]:
    """Yield a spelling and each folder above it (``/a/b/c`` → ``/a/b/c``, ``/a/b``, ``/a``)."""
    parts = spelled.split("/")
    for end in range(len(parts), 1, -1):
        yield "/".join(parts[:end])


def spelled(batch: Sequence[str], paths: TargetPaths) -> list[tuple[str, Spelling]]:
    """Return each target of a run with its spelling."""
    return [(scanned, paths.spelling(scanned)) for scanned in batch]
