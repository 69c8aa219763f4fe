"""The SHA-256 of a scan's files, read once across every scan that shares a store.

Result keys (:mod:`.key`) hold a file's SHA-256. For a file git tracks, unmodified and
unconverted (:mod:`.gitindex`), the store also keeps a *mapping* from its blob id and size to
its SHA-256: the first scan that reads the file hashes it, checks that the bytes it read hash to
the blob id the index names, and only then stores the mapping; every later scan — of this
repository or of any other holding the same blob — takes the SHA-256 from the mapping and does
not read the file. A mapping that is missing, truncated, foreign or not a SHA-256 is a miss: the
file is read. Untracked, modified, racily clean, converted (``text``/``eol``/``filter``/LFS/
``ident``), text and symlinked files are read unless the stat memo (:mod:`.statmemo`) vouches
for them: a regular file whose size, times, inode and device are those it had when an earlier
scan sharing the store hashed it is not read again.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path
from weakref import WeakKeyDictionary

from mlsec_policy.cache.gitindex import BlobId, GitIndex, open_index
from mlsec_policy.cache.key import digest
from mlsec_policy.cache.statmemo import StatMemo
from mlsec_policy.cache.store import Counts, ResultStore

_CHUNK = 1 << 20
SMALL = 256 * 1024
"""Files smaller than this are hashed without asking git: reading them costs less than the
index lookup, the attribute check and git's binary probe (source files are read anyway)."""
_SHA256 = re.compile(r"[0-9a-f]{64}")


@dataclass(slots=True)
class DigestStats(Counts):
    """What the digests of one scan cost (for tests and benchmarks)."""

    mapped: int = 0
    """Files whose SHA-256 came from a mapping, unread."""
    remembered: int = 0
    """Files whose SHA-256 came from the stat memo, unread."""
    hashed: int = 0
    hashed_bytes: int = 0
    stored: int = 0
    """Mappings written (the bytes read matched the blob id)."""


class ContentDigests:
    """Gives the SHA-256 of the files under one root, from mappings when it can."""

    def __init__(self, root: Path, store: ResultStore | None, use_git: bool = True) -> None:
        """Prepare for ``root``; ``use_git`` False (no git facts, no store) reads every file."""
        self.root = root
        self.store = store
        self.index: GitIndex | None = open_index(root) if use_git and store else None
        self.memo = StatMemo(store, str(root)) if use_git and store is not None else None
        self.known: dict[str, str] = {}
        self.stats = DigestStats()

    def blob(self, relative: str) -> BlobId | None:
        """Return the blob id git vouches for (None: the file must be read to be known)."""
        if self.index is None:
            return None
        path = self.root / relative
        try:
            if path.lstat().st_size < SMALL:
                return None
        except OSError:
            return None
        return self.index.blob(path)

    def cheap(self, relative: str) -> bool:
        """Return whether the SHA-256 of ``relative`` is known or mapped, so costs no read."""
        if relative in self.known:
            return True
        found = self.blob(relative)
        return found is not None and self._mapped(found) is not None

    def sha256(self, relative: str) -> str:
        """Return the hex SHA-256 of the file ``relative``; raise OSError when it cannot be read."""
        if relative in self.known:
            return self.known[relative]
        path = self.root / relative
        if self.memo is not None:
            try:
                remembered = self.memo.lookup(relative, path.lstat())
            except OSError:
                remembered = None
            if remembered is not None:
                self.stats.add("remembered")
                self.known[relative] = remembered
                return remembered
        found = self.blob(relative)
        mapped = None if found is None else self._mapped(found)
        if mapped is not None:
            self.stats.add("mapped")
            self.known[relative] = mapped
            return mapped
        value, blob_oid = self._hash(path, relative, found)
        if found is not None and blob_oid == found.oid and self.store is not None:
            self.store.put(_mapping_key(found), value)
            self.stats.add("stored")
        self.known[relative] = value
        return value

    def _mapped(self, found: BlobId) -> str | None:
        if self.store is None:
            return None
        value = self.store.get(_mapping_key(found))
        if isinstance(value, str) and _SHA256.fullmatch(value):
            return value
        if value is not None:
            self.store.stats.add("invalid")
        return None

    def save(self) -> None:
        """Keep the stat memo of the files hashed or vouched for (:mod:`.statmemo`)."""
        if self.memo is not None:
            self.memo.save()

    def _hash(self, path: Path, relative: str, found: BlobId | None) -> tuple[str, str | None]:
        """Return the file's SHA-256 and, when git vouched for it, the blob id of what was read.

        A regular file unchanged while it was read goes into the stat memo.
        """
        before = os.lstat(path) if self.memo is not None else None
        content = hashlib.sha256()
        blob = None
        if found is not None:
            blob = hashlib.new(found.algorithm)
            blob.update(b"blob %d\0" % found.size)
        size = 0
        with path.open("rb") as handle:
            while chunk := handle.read(_CHUNK):
                content.update(chunk)
                if blob is not None:
                    blob.update(chunk)
                size += len(chunk)
            if self.memo is not None and before is not None:
                self.memo.record(relative, before, os.fstat(handle.fileno()), content.hexdigest())
        self.stats.add("hashed")
        self.stats.add("hashed_bytes", size)
        if blob is None or found is None or size != found.size:
            return content.hexdigest(), None
        return content.hexdigest(), blob.hexdigest()


def _mapping_key(found: BlobId) -> str:
    return digest("blob-sha256", found.algorithm, found.oid, found.size)


_PER_STORE: WeakKeyDictionary[ResultStore, dict[Path, ContentDigests]] = WeakKeyDictionary()


def save_memos(store: ResultStore) -> None:
    """Keep the stat memo of every root a scan using ``store`` took digests under."""
    for digests in dict.fromkeys((_PER_STORE.get(store) or {}).values()):
        digests.save()


def content_digests(store: ResultStore, root: Path) -> ContentDigests:
    """Return the one :class:`ContentDigests` of ``root`` for a scan using ``store``.

    The engines of one scan share it, so a file is hashed (or its mapping looked up) once.
    ``root`` is resolved once per spelling: the engines ask for every file of the scan, and
    resolving the root each time costs a system call per folder of its path.
    """
    per_root = _PER_STORE.setdefault(store, {})
    found = per_root.get(root)
    if found is None:
        key = root.resolve()
        found = per_root.get(key)
        if found is None:
            found = ContentDigests(key, store)
            per_root[key] = found
        per_root[root] = found
    return found
