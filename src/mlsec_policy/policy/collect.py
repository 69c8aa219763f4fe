"""Problems found while loading packs, gathered so that a pack author sees all of them at once.

Every file of every pack is read and checked before anything is reported; each problem keeps
its file, line, column and a hint.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from mlsec_policy.errors import PolicyError
from mlsec_policy.yamlpos import Document, YamlError, load_single


@dataclass
class Collector:
    """Gathers problems from every file so they are reported together."""

    errors: list[PolicyError] = field(default_factory=list)

    def add(self, errors: Sequence[PolicyError]) -> None:
        """Keep problems found by a schema check."""
        self.errors.extend(errors)

    def error(
        self,
        message: str,
        path: Path | str,
        position: tuple[int, int] | None = None,
        hint: str | None = None,
    ) -> None:
        """Record one problem at a file position (line, column), with an optional hint."""
        line, column = position if position else (None, None)
        self.errors.append(
            PolicyError(message, path=str(path), line=line, column=column, hint=hint)
        )


def closest_hint(name: str, known: Iterable[str]) -> str | None:
    """Return ``did you mean ...?`` for the known name closest to ``name``, or None."""
    close = difflib.get_close_matches(name, sorted(known), n=1)
    return f"did you mean {close[0]!r}?" if close else None


def read_yaml(path: Path, collect: Collector, pack_root: Path | None = None) -> Document | None:
    """Read one YAML file with positions; record why it cannot be read and return None.

    A file that resolves outside ``pack_root`` (a symlink out of the pack) is not read: an
    error about it would quote what it holds, and a policy pack is no way to read a file.
    """
    if pack_root is not None and not resolves_inside(path, pack_root):
        collect.error("not read: it is a link to a file outside the policy pack", path)
        return None
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        collect.error(f"cannot read the file: {exc}", path)
        return None
    try:
        return load_single(text)
    except YamlError as exc:
        position = (exc.line, exc.column or 1) if exc.line else None
        collect.error(f"invalid YAML: {exc.message}", path, position)
        return None


def resolves_inside(path: Path, root: Path) -> bool:
    """Return True when ``path``, links followed, is ``root`` or lies inside it."""
    try:
        target, top = path.resolve(), root.resolve()
    except (OSError, RuntimeError):
        return False
    return target == top or top in target.parents


def sorted_errors(errors: Sequence[PolicyError]) -> list[PolicyError]:
    """Return problems ordered by file, line, column and message."""
    return sorted(errors, key=lambda e: (e.path, e.line or 0, e.column or 0, e.message))
