"""Hash target files for integrity checks: streamed in chunks, in parallel, cached on disk.

Files are read in 1 MiB chunks, so memory stays flat whatever their size, by a small thread
pool (hashlib releases the GIL on large buffers). Results may be kept in a JSON cache file keyed
by absolute path, size, modification time (ns) and algorithm; a file whose size or mtime
changed is hashed again. The cache is optional: without a cache file nothing is written.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import threading
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

CHUNK = 1024 * 1024
WORKERS = 4
MAX_ENTRIES = 50_000
"""Oldest entries are dropped beyond this, so the cache file stays small."""
CACHE_VERSION = 1


@dataclass(frozen=True, slots=True)
class HashRequest:
    """One file to hash with one algorithm."""

    path: Path
    algorithm: str
    """A hashlib name (``sha256``, ``md5``) or ``md5-dos2unix`` (DVC 2 text files)."""


class HashCache:
    """Digests remembered by (path, size, mtime, algorithm); thread safe; saved atomically."""

    def __init__(self, file: Path | None) -> None:
        """Open the cache kept in ``file`` (None: remember nothing across scans)."""
        self.file = file
        self._lock = threading.Lock()
        self._entries: dict[str, str] = {}
        self._dirty = False
        if file is not None:
            try:
                data = json.loads(file.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                data = {}
            if isinstance(data, dict) and data.get("version") == CACHE_VERSION:
                entries = data.get("entries", {})
                if isinstance(entries, dict):
                    self._entries = {str(k): str(v) for k, v in entries.items()}

    @staticmethod
    def _key(request: HashRequest, stat: os.stat_result) -> str:
        return f"{request.algorithm}|{stat.st_size}|{stat.st_mtime_ns}|{request.path}"

    def get(self, request: HashRequest, stat: os.stat_result) -> str | None:
        """Return the remembered digest of an unchanged file, or None."""
        with self._lock:
            return self._entries.get(self._key(request, stat))

    def put(self, request: HashRequest, stat: os.stat_result, digest: str) -> None:
        """Remember a digest."""
        with self._lock:
            self._entries[self._key(request, stat)] = digest
            self._dirty = True

    def save(self) -> None:
        """Write the cache file atomically (a failure to write only loses the cache)."""
        if self.file is None or not self._dirty:
            return
        with self._lock:
            entries = dict(list(self._entries.items())[-MAX_ENTRIES:])
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.file.parent, prefix=".hashes.")
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump({"version": CACHE_VERSION, "entries": entries}, out)
            Path(temporary).replace(self.file)
        except OSError:
            return


def digest_file(path: Path, algorithm: str) -> str:
    """Return the hex digest of one file, read in chunks."""
    if algorithm == "md5-dos2unix":
        return _dos2unix_md5(path)
    hasher = hashlib.new(algorithm)
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            hasher.update(chunk)
    return hasher.hexdigest()


def _dos2unix_md5(path: Path) -> str:
    """MD5 of the file with CRLF turned into LF, as DVC 2 computed it for text files."""
    hasher = hashlib.md5(usedforsecurity=False)
    carry = b""
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            data = (carry + chunk).replace(b"\r\n", b"\n")
            carry = b"\r" if data.endswith(b"\r") else b""
            hasher.update(data[:-1] if carry else data)
    hasher.update(carry)
    return hasher.hexdigest()


def digest_many(
    requests: Iterable[HashRequest],
    cache: HashCache | None = None,
    known: Callable[[HashRequest], str | None] | None = None,
) -> Mapping[HashRequest, str | OSError]:
    """Hash every request in parallel; each result is a hex digest or the OSError met.

    ``known`` is asked first: a digest it gives (or an OSError it raises) is the result.
    """
    wanted = list(dict.fromkeys(requests))
    store = cache or HashCache(None)

    def one(request: HashRequest) -> str | OSError:
        try:
            given = known(request) if known is not None else None
            if given is not None:
                return given
            stat = request.path.stat()
            remembered = store.get(request, stat)
            if remembered is not None:
                return remembered
            digest = digest_file(request.path, request.algorithm)
            store.put(request, stat, digest)
            return digest
        except OSError as exc:
            return exc

    if len(wanted) <= 1:
        results = [one(r) for r in wanted]
    else:
        with ThreadPoolExecutor(max_workers=min(WORKERS, len(wanted))) as pool:
            results = list(pool.map(one, wanted))
    store.save()
    return dict(zip(wanted, results, strict=True))
