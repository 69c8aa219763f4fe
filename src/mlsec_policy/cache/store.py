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
the end of the scan the store writes one more entry, under a key of that name, holding every
entry the scan read or wrote (one JSON object, a line per entry); the next scan with the same
name reads that one file instead of thousands (a warm re-scan of a large tree spent most of its
store time opening files). The bundle is an entry like any other — header, digest, atomic
write — and only an accelerator: a key it lacks is read from its own file, a bundle that is
missing, truncated or foreign is a miss, and the entries themselves are still written one file
each. Its lines are trusted as the entries are (their keys digest everything a result depends
on), so a bundle can never give a result another key would not.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import threading
from dataclasses import dataclass
from pathlib import Path

from mlsec_policy.atomicfile import replace_file
from mlsec_policy.cache.eviction import TEMPORARY, evict
from mlsec_policy.cache.key import ENTRY_FORMAT, digest
from mlsec_policy.models import JsonValue

MAGIC = b"mlsec-policy-result"
FOLDER = f"results-v{ENTRY_FORMAT}"
"""The store's folder inside the cache directory (other caches share the directory)."""
_COUNTING = threading.Lock()
_HEX = re.compile(rb"[0-9a-f]{64}")


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
    write_failures: int = 0
    evicted: int = 0

    def describe(self) -> str:
        """Return the one-line account a scan's progress shows."""
        summary = f"result cache: {self.hits} entries reused, {self.written} written"
        if self.invalid:
            summary += f", {self.invalid} unusable (scanned again)"
        if self.write_failures:
            summary += f", {self.write_failures} could not be written"
        if self.evicted:
            summary += f", {self.evicted} least recently used evicted"
        return summary


class ResultStore:
    """Entries under ``directory``; at most ``max_bytes`` after each scan that wrote one."""

    def __init__(self, directory: Path, max_bytes: int, bundle: str | None = None) -> None:
        """Open (lazily create) the store in ``directory``.

        ``bundle`` names the working set of one kind of scan (its target and settings): the
        entries such a scan uses are kept together too (see the module docstring).
        """
        self.root = directory / FOLDER
        self.max_bytes = max_bytes
        self.stats = CacheStats()
        self.bundle_key = None if bundle is None else digest("bundle", bundle)
        self._bundled: dict[str, bytes] | None = None
        self._used: dict[str, bytes] = {}
        self._dirty = False
        self._grew = False
        """Set once this scan wrote an entry apart from the bundle (a memo): bound the store."""
        self._loading = threading.Lock()

    def path_of(self, key: str) -> Path:
        """Return the file that holds the entry ``key``."""
        return self.root / key[:2] / key[2:]

    def get(self, key: str) -> JsonValue | None:
        """Return the value stored under ``key``, or None (a miss) when there is none to trust."""
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
        if self._write(key, encoded):
            self._used[key] = encoded
            if self._bundle().get(key) != encoded:  # new, or replacing a stale result
                self._dirty = True

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
        if self._write(key, body.encode("utf-8"), counted=False):
            self._grew = True

    def close(self) -> None:
        """Write the bundle if this scan used other entries than it holds; bound the store.

        The store is bounded (least recently used first) once a scan has written to it: an
        entry, the bundle or a loose entry (a memo, which can be the only write of a scan).
        """
        if self.bundle_key is not None and (
            self._dirty or self._used.keys() != self._bundle().keys()
        ):
            self._write(self.bundle_key, _bundled(self._used))
        if self.stats.written or self._grew:
            self.stats.add("evicted", evict(self.root, self.max_bytes))

    def _write(self, key: str, body: bytes, counted: bool = True) -> bool:
        """Write one entry atomically; count a failure (and, if ``counted``, a success)."""
        header = b" ".join(
            [
                MAGIC,
                str(ENTRY_FORMAT).encode(),
                key.encode("ascii"),
                hashlib.sha256(body).hexdigest().encode("ascii"),
            ]
        )
        path = self.path_of(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            replace_file(path, lambda out: out.write(header + b"\n" + body), prefix=TEMPORARY)
        except OSError:
            self.stats.add("write_failures")
            return False
        if counted:
            self.stats.add("written")
        return True

    def _bundle(self) -> dict[str, bytes]:
        """Return the bodies of the bundle's entries by key, read once (empty: no bundle)."""
        if self._bundled is not None:
            return self._bundled
        with self._loading:  # semgrep's thread and the analyzers ask at once
            if self._bundled is None:
                self._bundled = self._read_bundle()
        return self._bundled

    def _read_bundle(self) -> dict[str, bytes]:
        if self.bundle_key is None:
            return {}
        path = self.path_of(self.bundle_key)
        try:
            data = path.read_bytes()
        except OSError:
            return {}
        body = _verified(data, self.bundle_key)
        if body is None:
            self.stats.add("invalid")
            return {}
        found = _unbundled(body)
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


def _bundled(entries: dict[str, bytes]) -> bytes:
    """Return a bundle's body: a JSON object of the entries, one ``"key":body`` line each.

    Compact JSON never holds a raw newline, so each entry's body stays one line, found again
    without parsing the others.
    """
    lines = [b'"%s":%s' % (key.encode("ascii"), body) for key, body in entries.items()]
    return b"{" + b"\n,".join(lines) + b"\n}"


def _unbundled(body: bytes) -> dict[str, bytes] | None:
    """Return the entries' bodies by key from a bundle's body (None: not one we wrote)."""
    lines = body.split(b"\n")
    if len(lines) < 2 or not lines[0].startswith(b"{") or lines[-1] != b"}":
        return None
    found: dict[str, bytes] = {}
    for number, line in enumerate(lines[:-1]):
        if number and not line.startswith(b","):
            return None
        key, value = line[2:66], line[66:]
        if line[1:2] != b'"' or not value.startswith(b'":') or not _HEX.fullmatch(key):
            return None
        found[key.decode("ascii")] = value[2:]
    return found


def _decode(body: bytes) -> JsonValue | None:
    try:
        value: JsonValue = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    return value


def _touch(path: Path) -> None:
    with contextlib.suppress(OSError):  # a read-only cache still serves its entries
        os.utime(path)  # the entry was used: least recently used goes first
