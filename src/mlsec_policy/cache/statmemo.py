"""The SHA-256 of a target's files remembered by their stat data, from one scan to the next.

A warm re-scan needs the SHA-256 of every file (it is in every result key), and hashing the
small files of a large tree was most of what such a scan read. This memo keeps, per scanned
root, each regular file's SHA-256 with the stat data it had when it was hashed: size,
modification and change times (nanoseconds), inode and device. A later scan trusts the digest
only when all five are unchanged; anything else hashes the file again.

A write within the same tick of the file system's clock could leave size and times as they
were, so a digest is remembered only for a file whose modification and change times are at
least :data:`SETTLED_NS` older than the moment it was hashed, and whose stat data were the
same before and after the read (git refuses its own stat data for such *racily clean*
entries in the same way). A later write sets the change time to the time of writing, which
no process can set back, so a file changed after it was remembered never matches.

Only regular files, never a symlink (its own stat data say nothing of what it points to).
The memo is one entry per root, read and written apart from the scan's bundle
(:meth:`.ResultStore.get_loose`); a memo that is missing, damaged or foreign is empty, and a
scan that learns nothing new does not write it. It counts toward the store's size bound
like any entry (writing it bounds the store; reading it marks it used). Two scans writing at
once each write a whole memo (the last one stays); every line of either is checked against
the file before use.
"""

from __future__ import annotations

import os
import re
import stat
import time

from mlsec_policy.cache.key import digest
from mlsec_policy.cache.store import ResultStore
from mlsec_policy.models import JsonValue

SETTLED_NS = 2 * 10**9
"""How much older than the hashing a file's times must be for its digest to be remembered:
above the coarsest timestamp granularity of common file systems (FAT's two seconds)."""
_SHA256 = re.compile(r"[0-9a-f]{64}")

Stamp = tuple[int, int, int, int, int]
"""(size, mtime_ns, ctime_ns, inode, device) of a regular file."""


def stamp(info: os.stat_result) -> Stamp | None:
    """Return the stat data the memo compares, or None for anything but a regular file."""
    if not stat.S_ISREG(info.st_mode):
        return None
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino, info.st_dev)


class StatMemo:
    """The remembered digests of the files under one root, for one scan (see the module)."""

    def __init__(self, store: ResultStore, root: str) -> None:
        """Prepare the memo of ``root`` (a resolved path) in ``store``; nothing is read yet."""
        self.store = store
        self.key = digest("stat-memo", root)
        self._loaded: dict[str, tuple[Stamp, str]] | None = None
        self._kept: dict[str, tuple[Stamp, str]] = {}

    def lookup(self, relative: str, info: os.stat_result) -> str | None:
        """Return the remembered SHA-256 of ``relative`` when its stat data are unchanged."""
        current = stamp(info)
        found = self._entries().get(relative)
        if current is None or found is None or found[0] != current:
            return None
        self._kept[relative] = found
        return found[1]

    def record(
        self, relative: str, before: os.stat_result, after: os.stat_result, sha256: str
    ) -> None:
        """Remember a digest taken between ``before`` and ``after``, when the file was settled."""
        kept = stamp(before)
        if kept is None or kept != stamp(after):
            return  # not a regular file, or it changed while it was read
        if max(after.st_mtime_ns, after.st_ctime_ns) > time.time_ns() - SETTLED_NS:
            return  # written too recently: a write in the same tick could go unnoticed
        self._kept[relative] = (kept, sha256)

    def save(self) -> None:
        """Write the memo of the files seen this scan, when it differs from the one read."""
        if self._kept == self._entries():
            return
        files: dict[str, JsonValue] = {
            name: [*found[0], found[1]] for name, found in sorted(self._kept.items())
        }
        self.store.put_loose(self.key, {"files": files})

    def _entries(self) -> dict[str, tuple[Stamp, str]]:
        if self._loaded is None:
            self._loaded = _parsed(self.store.get_loose(self.key))
        return self._loaded


def _parsed(value: JsonValue | None) -> dict[str, tuple[Stamp, str]]:
    """Return the memo's lines that have the expected shape (none when it is not a memo)."""
    files = value.get("files") if isinstance(value, dict) else None
    if not isinstance(files, dict):
        return {}
    found: dict[str, tuple[Stamp, str]] = {}
    for name, line in files.items():
        if not isinstance(line, list) or len(line) != 6:
            continue
        *numbers, sha256 = line
        if not all(type(n) is int for n in numbers):
            continue
        if not isinstance(sha256, str) or not _SHA256.fullmatch(sha256):
            continue
        size, mtime, ctime, inode, device = (int(n) for n in numbers if isinstance(n, int))
        found[name] = ((size, mtime, ctime, inode, device), sha256)
    return found
