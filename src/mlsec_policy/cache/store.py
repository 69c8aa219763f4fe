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
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from mlsec_policy.atomicfile import replace_file
from mlsec_policy.cache.eviction import TEMPORARY, evict
from mlsec_policy.cache.key import ENTRY_FORMAT
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

    def __init__(self, directory: Path, max_bytes: int) -> None:
        """Open (lazily create) the store in ``directory``."""
        self.root = directory / FOLDER
        self.max_bytes = max_bytes
        self.stats = CacheStats()

    def path_of(self, key: str) -> Path:
        """Return the file that holds the entry ``key``."""
        return self.root / key[:2] / key[2:]

    def get(self, key: str) -> JsonValue | None:
        """Return the value stored under ``key``, or None (a miss) when there is none to trust."""
        path = self.path_of(key)
        try:
            data = path.read_bytes()
        except OSError:
            self.stats.add("misses")
            return None
        value = _parse(data, key)
        if value is None:
            self.stats.add("misses")
            self.stats.add("invalid")
            return None
        self.stats.add("hits")
        with contextlib.suppress(OSError):  # a read-only cache still serves its entries
            os.utime(path)  # the entry was used: least recently used goes first
        return value

    def put(self, key: str, value: JsonValue) -> None:
        """Store ``value`` under ``key`` atomically; a failure to write is counted, not raised."""
        body = json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        encoded = body.encode("utf-8")
        header = b" ".join(
            [
                MAGIC,
                str(ENTRY_FORMAT).encode(),
                key.encode("ascii"),
                hashlib.sha256(encoded).hexdigest().encode("ascii"),
            ]
        )
        path = self.path_of(key)
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            replace_file(path, lambda out: out.write(header + b"\n" + encoded), prefix=TEMPORARY)
        except OSError:
            self.stats.add("write_failures")
            return
        self.stats.add("written")

    def close(self) -> None:
        """Bound the store's size once a scan has written to it (least recently used first)."""
        if self.stats.written:
            self.stats.add("evicted", evict(self.root, self.max_bytes))


def _parse(data: bytes, key: str) -> JsonValue | None:
    header, newline, body = data.partition(b"\n")
    if not newline:
        return None
    fields = header.split(b" ")
    expected = [MAGIC, str(ENTRY_FORMAT).encode(), key.encode("ascii")]
    if len(fields) != 4 or fields[:3] != expected:
        return None
    if hashlib.sha256(body).hexdigest().encode("ascii") != fields[3]:
        return None
    try:
        value: JsonValue = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    return value
