"""The store: one file per entry under sharded folders, written atomically, verified on read.

Why files and not sqlite3: an entry is written once under its key and never changed, so the
store needs no transactions, only atomic creation — a temporary file in the entry's folder and
``os.replace`` give that on every platform, and two scans writing the same key write the same
bytes. Readers take no lock, a crashed scan leaves at worst a stray temporary file, eviction is
deleting files, and CI caches (actions/cache, GitLab ``cache:``) save and restore a folder
as it is. A sqlite database would serialise concurrent writers on one lock, can be left
half-written by a killed process (one bad page loses every entry), and must be vacuumed to
shrink.

Each entry is a header line — a magic word, the entry format, the key it was written under and
the SHA-256 of the body — and a JSON body. An entry whose header or digest does not match
(truncated, overwritten by another program, written under another key or format) is a miss,
never a result.

A scan that names a *bundle* (:class:`ResultStore` ``bundle``) reads its entries in one go: at
the end of the scan the store keeps every entry the scan read or wrote in the bundle's two
files, a base and a small delta (:mod:`.bundle`); the next scan with the same name reads those
instead of thousands of files (a warm re-scan of a large tree spent most of its store time
opening files), and a re-scan with one file changed writes the small delta, not the whole
base. The bundle is only an accelerator: a key it lacks is read from its own file, a part that
is missing, truncated or foreign is a miss, and the entries themselves are still written one
file each — except in a store opened ``bundle_only`` (a diff scan: thousands of new entries,
most of them the per-file results of files the change did not touch, which the next diff scan
of the target reads from its bundle), whose new entries are kept in the bundle's parts alone,
written at :meth:`ResultStore.close` in one or two files instead of one file each; another
kind of scan does not see them and runs those parts again. Its lines are trusted as the
entries are (their keys digest everything a result depends on), so a bundle can never give a
result another key would not.

Writing is the cold scan's cost (thousands of entries): each entry is one exclusive ``open``
under a name unique to the process, thread and call, one ``write`` and one rename
(:func:`~mlsec_policy.atomicfile.replace_bytes`); a shard's folder is made only when the open
finds it missing. Closing bounds the store from a remembered total (:func:`.eviction.bound`)
instead of a ``stat`` of every file after every scan that wrote.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from mlsec_policy.atomicfile import replace_bytes
from mlsec_policy.cache.bundle import pack, plan, unpack
from mlsec_policy.cache.eviction import TEMPORARY, bound
from mlsec_policy.cache.key import ENTRY_FORMAT, digest
from mlsec_policy.models import JsonValue

MAGIC = b"mlsec-policy-result"
FOLDER = f"results-v{ENTRY_FORMAT}"
"""The store's folder inside the cache directory (other caches share the directory)."""
_COUNTING = threading.Lock()


class Counts:
    """Counters that several threads add to at once.

    A scan's store serves the native analyzers and semgrep's thread; ``+=`` reads, adds and
    writes back, so two threads counting together could lose an update.
    """

    __slots__ = ()

    def add(self, counter: str, amount: int = 1) -> None:
        """Add ``amount`` to the counter named ``counter``, under one lock for all counters."""
        with _COUNTING:
            setattr(self, counter, getattr(self, counter) + amount)


@dataclass(slots=True)
class CacheStats(Counts):
    """What the store did during one scan (for progress messages and tests)."""

    hits: int = 0
    misses: int = 0
    invalid: int = 0
    """Entries found but not trusted (truncated, foreign, another key): counted as misses too."""
    written: int = 0
    """Entries this scan added or changed on disk (one file each, or in the bundle's parts)."""
    written_bytes: int = 0
    """Bytes of the entry files and bundle parts written (a part rewrites entries it held)."""
    write_failures: int = 0
    evicted: int = 0

    def describe(self) -> str:
        """Return the one-line account a scan's progress shows."""
        summary = f"result cache: {self.hits} entries reused, {self.written} written"
        if self.written_bytes:
            summary += f" ({_amount(self.written_bytes)} to disk)"
        if self.invalid:
            summary += f", {self.invalid} unusable (scanned again)"
        if self.write_failures:
            summary += f", {self.write_failures} could not be written"
        if self.evicted:
            summary += f", {self.evicted} least recently used evicted"
        return summary


class ResultStore:
    """Entries under ``directory``, kept near ``max_bytes`` by :func:`.eviction.bound`.

    After a scan that wrote, the store is at most ``max_bytes`` plus what scans added since
    the bound last walked it and lost in races (see :mod:`.eviction`).
    """

    def __init__(
        self,
        directory: Path,
        max_bytes: int,
        bundle: str | None = None,
        bundle_only: bool = False,
    ) -> None:
        """Open (lazily create) the store in ``directory``.

        ``bundle`` names the working set of one kind of scan (its target and settings): the
        entries such a scan uses are kept together too (see the module docstring).
        ``bundle_only`` (with a ``bundle``) keeps new entries in the bundle alone, written
        when the store closes, not in a file each.
        """
        self.root = directory / FOLDER
        self.max_bytes = max_bytes
        self.stats = CacheStats()
        self.bundle_key = None if bundle is None else digest("bundle", bundle)
        self.delta_key = None if bundle is None else digest("bundle-delta", bundle)
        self._parts: tuple[dict[str, bytes], dict[str, bytes]] | None = None
        self._bundled: dict[str, bytes] | None = None
        self._used: dict[str, bytes] = {}
        self._held: dict[str, bytes] | None = {} if bundle_only and bundle is not None else None
        """Entries put in a ``bundle_only`` store: kept by :meth:`close` in the bundle alone."""
        self._grown = 0
        """Bytes this scan added to the store (files written less the files they replaced)."""
        self._wrote = False
        self._loading = threading.Lock()

    def path_of(self, key: str) -> Path:
        """Return the file that holds the entry ``key``."""
        return self.root / key[:2] / key[2:]

    def get(self, key: str) -> JsonValue | None:
        """Return the value stored under ``key``, or None (a miss) when there is none to trust."""
        body = None if self._held is None else self._held.get(key)
        if body is None:
            body = self._bundle().get(key)
        if body is not None:
            value = _decode(body)
            if value is not None:
                self._used[key] = body
                self.stats.add("hits")
                return value
        path = self.path_of(key)
        try:
            data = path.read_bytes()
        except OSError:
            self.stats.add("misses")
            return None
        body = _verified(data, key)
        value = None if body is None else _decode(body)
        if body is None or value is None:
            self.stats.add("misses")
            self.stats.add("invalid")
            return None
        self._used[key] = body
        self.stats.add("hits")
        _touch(path)
        return value

    def put(self, key: str, value: JsonValue) -> None:
        """Store ``value`` under ``key`` atomically; a failure to write is counted, not raised."""
        body = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        encoded = body.encode("utf-8")
        if self._held is not None:
            self._held[key] = encoded  # written by close, in the bundle's parts
            self._used[key] = encoded
        elif self._write(key, encoded):
            self._used[key] = encoded

    def get_loose(self, key: str) -> JsonValue | None:
        """Return the value of an entry kept apart from the bundle, or None (a miss).

        For an entry rewritten from scan to scan under one key (a memo): kept in the bundle,
        every change of it would rewrite the whole bundle. Not counted in :attr:`stats`; a
        trusted entry is touched like any other (used now: least recently used goes first).
        """
        path = self.path_of(key)
        try:
            data = path.read_bytes()
        except OSError:
            return None
        body = _verified(data, key)
        value = None if body is None else _decode(body)
        if value is not None:
            _touch(path)
        return value

    def put_loose(self, key: str, value: JsonValue) -> None:
        """Store ``value`` under ``key`` atomically, apart from the bundle and uncounted.

        Not counted in :attr:`stats` (a memo is no result), but it makes the store bigger:
        :meth:`close` bounds the store after it as after any entry.
        """
        body = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        self._write(key, body.encode("utf-8"), counted=False, replacing=True)

    def close(self) -> None:
        """Write the bundle's parts if this scan used other entries than they hold; bound the store.

        The store is bounded (least recently used first) once a scan has written to it: an
        entry, a part of the bundle or a loose entry (a memo, which can be the only write).
        """
        if self.bundle_key is not None and self.delta_key is not None:
            base, delta = self._read_parts()
            todo = plan(self._used, base, delta)
            kept = True
            if todo.base is not None:
                kept = self._write(self.bundle_key, pack(todo.base), counted=False, replacing=True)
            if todo.delta is not None:
                kept = (
                    self._write(self.delta_key, pack(todo.delta), counted=False, replacing=True)
                    and kept
                )
            if todo.drop_delta:
                self._drop(self.delta_key)
            if self._held:
                # entries the parts read held already, with the same body, were not written now
                new = sum(1 for key, body in self._held.items() if self._bundle().get(key) != body)
                self.stats.add("written" if kept else "write_failures", new)
        if self._wrote:
            self.stats.add("evicted", bound(self.root, self.max_bytes, self._grown))

    def _write(self, key: str, body: bytes, counted: bool = True, replacing: bool = False) -> bool:
        """Write one entry atomically; count a failure (and, if ``counted``, a success).

        ``replacing`` (an entry rewritten under its key: a memo, the bundle) takes the size of
        the file it replaces off what the scan added to the store.
        """
        header = b" ".join(
            [
                MAGIC,
                str(ENTRY_FORMAT).encode(),
                key.encode("ascii"),
                hashlib.sha256(body).hexdigest().encode("ascii"),
            ]
        )
        path = self.path_of(key)
        data = header + b"\n" + body
        replaced = _size_of(path) if replacing else 0
        try:
            replace_bytes(path, data, prefix=TEMPORARY, folder_mode=0o700)
        except OSError:
            self.stats.add("write_failures")
            return False
        with _COUNTING:
            self._grown += len(data) - replaced
            self._wrote = True
        if counted:
            self.stats.add("written")
        if counted or key in (self.bundle_key, self.delta_key):
            self.stats.add("written_bytes", len(data))
        return True

    def _drop(self, key: str) -> None:
        path = self.path_of(key)
        replaced = _size_of(path)
        with contextlib.suppress(OSError):
            path.unlink()
            self._grown -= replaced

    def _bundle(self) -> dict[str, bytes]:
        """Return the bodies of the bundle's entries by key, read once (empty: no bundle)."""
        if self._bundled is None:
            base, delta = self._read_parts()
            self._bundled = {**base, **delta} if delta else base
        return self._bundled

    def _read_parts(self) -> tuple[dict[str, bytes], dict[str, bytes]]:
        """Return the bundle's base and delta, each read once (empty: none to trust)."""
        if self._parts is not None:
            return self._parts
        with self._loading:  # semgrep's thread and the analyzers ask at once
            if self._parts is None:
                self._parts = (self._read_part(self.bundle_key), self._read_part(self.delta_key))
        return self._parts

    def _read_part(self, key: str | None) -> dict[str, bytes]:
        if key is None:
            return {}
        path = self.path_of(key)
        try:
            data = path.read_bytes()
        except OSError:
            return {}
        body = _verified(data, key)
        found = None if body is None else unpack(body)
        if found is None:
            self.stats.add("invalid")
            return {}
        _touch(path)
        return found


def _verified(data: bytes, key: str) -> bytes | None:
    """Return an entry's body when its header names ``key`` and the body's digest, else None."""
    header, newline, body = data.partition(b"\n")
    if not newline:
        return None
    fields = header.split(b" ")
    expected = [MAGIC, str(ENTRY_FORMAT).encode(), key.encode("ascii")]
    if len(fields) != 4 or fields[:3] != expected:
        return None
    if hashlib.sha256(body).hexdigest().encode("ascii") != fields[3]:
        return None
    return body


def _decode(body: bytes) -> JsonValue | None:
    try:
        value: JsonValue = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    return value


def _touch(path: Path) -> None:
    with contextlib.suppress(OSError):  # a read-only cache still serves its entries
        os.utime(path)  # the entry was used: least recently used goes first


def _size_of(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _amount(size: int) -> str:
    """Return ``size`` bytes as the progress line shows it (``812 B``, ``14.2 kB``, ``8.5 MB``)."""
    if size < 1000:
        return f"{size} B"
    if size < 1_000_000:
        return f"{size / 1000:.1f} kB"
    return f"{size / 1_000_000:.1f} MB"
