"""Paths written inside the target's own files, joined and kept inside the scanned root.

A DVC file, a checksum manifest, a shard index or a requirements ``-r`` line names other files
relative to itself. These helpers join such a path to its file's folder (POSIX, normalised) and
refuse one that would leave the root, so no reader follows a hostile ``../`` or symlink out.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path, PurePosixPath

TextOf = Callable[[str], str | None]
"""The text of a file of the target by its path under the root; None when it is not a regular
file inside the target. A file analyzer passes its context's recorded ``other_text``."""


def join(base: str, relative: str) -> str:
    """Join a path found in a recording file to the folder of that file (POSIX, normalised)."""
    parts: list[str] = [] if base in {"", "."} else base.split("/")
    for part in relative.replace("\\", "/").split("/"):
        if part in {"", "."}:
            continue
        if part == ".." and parts and parts[-1] != "..":
            parts.pop()
        else:
            parts.append(part)
    return "/".join(parts)


def resolve_inside(root: Path, relative: str) -> Path | None:
    """Return the absolute path of ``relative`` when it stays inside root, else None."""
    if relative.startswith("..") or PurePosixPath(relative).is_absolute():
        return None
    candidate = root / relative
    try:
        resolved = candidate.resolve(strict=False)
    except (OSError, RuntimeError):
        return None
    if resolved != root and root not in resolved.parents:
        return None
    return candidate


def text_of(source: Path | TextOf) -> TextOf:
    """Return a reader of the target's files: ``source`` itself, or one reading under a root."""
    if not isinstance(source, Path):
        return source
    root = source

    def read(relative: str) -> str | None:
        resolved = resolve_inside(root, relative)
        if resolved is None or not resolved.is_file():
            return None
        return resolved.read_text(encoding="utf-8", errors="replace")

    return read
