"""Bounding the store: least recently used entries go first.

An entry's modification time is its last use (the store touches an entry each time it serves
it). When the store holds more than its bound, the oldest entries are deleted until it holds at
most :data:`LOW_WATER` of the bound, so that the next scans do not evict again at once.
Temporary files left by a killed scan are removed once they are an hour old. Deleting an entry
another scan is reading is harmless: that scan reads it whole or misses.

Walking the store (a ``stat`` of every file) after every scan that wrote cost more than the
scan's writes on a large store, so :func:`bound` walks only when its remembered total
(:data:`TALLY`, a one-line file in the store's folder: the total in bytes when last walked plus
what the scans since added, and the time of that walk) cannot be trusted: missing or not ours,
over the bound once this scan's bytes are added, or :data:`REWALK` old. Two scans adding at
once may lose one's bytes, and a file deleted or replaced behind the store's back is not
subtracted; the periodic walk puts both right, so the store is over its bound by at most what
scans added since the last walk and lost in such races.
"""

from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path

from mlsec_policy.atomicfile import replace_bytes

LOW_WATER = 0.8
"""The fraction of the bound eviction brings the store down to."""
TEMPORARY = ".tmp-"
"""How the store's temporary files begin (:func:`mlsec_policy.atomicfile.replace_bytes`)."""
STALE_TEMPORARY = 3600.0
"""Seconds after which a temporary file is a leftover of a killed scan."""
TALLY = "size"
"""The file, in the store's folder, remembering the store's total (see the module)."""
REWALK = 3600.0
"""Seconds after which the remembered total is checked by a walk of the store again."""
_TALLY_MAGIC = b"mlsec-policy-size"


def bound(root: Path, max_bytes: int, added: int, now: float | None = None) -> int:
    """Keep ``root`` under ``max_bytes`` after a scan that added ``added`` bytes; return evictions.

    Walks the store (:func:`evict`) only when the remembered total cannot be trusted (see the
    module); otherwise adds ``added`` to it.
    """
    now = time.time() if now is None else now
    remembered = _read_tally(root)
    if remembered is not None:
        total, walked = remembered
        if 0 <= now - walked < REWALK and total + added <= max_bytes:
            _write_tally(root, max(0, total + added), walked)
            return 0
    removed, total = _evict(root, max_bytes, now)
    _write_tally(root, total, now)
    return removed


def _read_tally(root: Path) -> tuple[int, float] | None:
    try:
        data = (root / TALLY).read_bytes()
    except OSError:
        return None
    fields = data.split(b" ")
    if len(fields) != 3 or fields[0] != _TALLY_MAGIC or not data.endswith(b"\n"):
        return None
    try:
        return int(fields[1]), float(int(fields[2]))
    except ValueError:
        return None


def _write_tally(root: Path, total: int, walked: float) -> None:
    line = b"%s %d %d\n" % (_TALLY_MAGIC, total, int(walked))
    with contextlib.suppress(OSError):  # a read-only cache: the next scan walks again
        replace_bytes(root / TALLY, line, prefix=TEMPORARY)


def evict(root: Path, max_bytes: int, now: float | None = None) -> int:
    """Delete least recently used entries under ``root`` until it fits; return how many."""
    return _evict(root, max_bytes, time.time() if now is None else now)[0]


def _evict(root: Path, max_bytes: int, now: float) -> tuple[int, int]:
    """Walk ``root`` and evict as :func:`evict` does; return evictions and the bytes kept."""
    entries: list[tuple[float, int, str]] = []
    total = 0
    try:
        shards = list(os.scandir(root))
    except OSError:
        return 0, 0
    for shard in shards:
        if not shard.is_dir(follow_symlinks=False):
            if shard.name.startswith(TEMPORARY):  # the tally's, left by a killed scan
                _remove_stale(shard, now)
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
        return 0, total
    removed = 0
    goal = int(max_bytes * LOW_WATER)
    for _mtime, size, path in sorted(entries):
        if total <= goal:
            break
        if _remove(path):
            removed += 1
            total -= size
    return removed, total


def _remove_stale(entry: os.DirEntry[str], now: float) -> None:
    try:
        old = now - entry.stat(follow_symlinks=False).st_mtime > STALE_TEMPORARY
    except OSError:
        return
    if old:
        _remove(entry.path)


def _remove(path: str) -> bool:
    try:
        Path(path).unlink()
    except OSError:
        return False
    return True
