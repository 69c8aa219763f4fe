"""Paths written inside the target's own files, joined and kept inside the scanned root.

A DVC file, a checksum manifest, a shard index or a requirements ``-r`` line names other files
relative to itself. These helpers join such a path to its file's folder (POSIX, normalised) and
refuse one that would leave the root, so no reader follows a hostile ``../`` or symlink out.
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath


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
