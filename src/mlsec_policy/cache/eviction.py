"""Bounding the store: least recently used entries go first.

An entry's modification time is its last use (the store touches an entry each time it serves
it). When the store holds more than its bound, the oldest entries are deleted until it holds at
most :data:`LOW_WATER` of the bound, so that the next scans do not evict again at once.
Temporary files left by a killed scan are removed once they are an hour old. Deleting an entry
another scan is reading is harmless: that scan reads it whole or misses.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

LOW_WATER = 0.8
"""The fraction of the bound eviction brings the store down to."""
TEMPORARY = ".tmp-"
"""How the store's temporary files begin (:func:`mlsec_policy.atomicfile.replace_file`)."""
STALE_TEMPORARY = 3600.0
"""Seconds after which a temporary file is a leftover of a killed scan."""


def evict(root: Path, max_bytes: int, now: float | None = None) -> int:
    """Delete least recently used entries under ``root`` until it fits; return how many."""
    now = time.time() if now is None else now
    entries: list[tuple[float, int, str]] = []
    total = 0
    try:
        shards = list(os.scandir(root))
    except OSError:
        return 0
    for shard in shards:
        if not shard.is_dir(follow_symlinks=False):
            continue
        try:
            files = list(os.scandir(shard.path))
        except OSError:
            continue
        for entry in files:
            try:
                info = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            if entry.name.startswith(TEMPORARY):
                if now - info.st_mtime > STALE_TEMPORARY:
                    _remove(entry.path)
                continue
            entries.append((info.st_mtime, info.st_size, entry.path))
            total += info.st_size
    if total <= max_bytes:
        return 0
    removed = 0
    goal = int(max_bytes * LOW_WATER)
    for _mtime, size, path in sorted(entries):
        if total <= goal:
            break
        if _remove(path):
            removed += 1
            total -= size
    return removed


def _remove(path: str) -> bool:
    try:
        Path(path).unlink()
    except OSError:
        return False
    return True
