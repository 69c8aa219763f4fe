r"""A lenient zip reader that reads only headers and trusts none of them alone.

Loaders disagree with strict parsers: PyTorch reads members through the central directory and
the local header's lengths, ignores CRCs, and does not compare the two names. So the members are
listed from the central directory (here) *and* by walking local headers (:mod:`.ziplocal`);
every disagreement (names that differ, entries only one index knows, lying flag bits) is an
anomaly, and every member that can be located is handed back — one bad entry never hides the
others. The members themselves are judged in :mod:`.zipcheck`. Member data is never read here.

What real writers emit, and how it is read:

* **Zip64 end records.** PyTorch's writer (and NumPy's ``savez``) add a zip64 end-of-central-
  directory record and its locator before the classic end record even for a 2 KB file, with
  the classic fields *not* saturated. The central directory ends where the zip64 record
  starts, not at the classic end record; its offsets come from the zip64 record when present.
* **Zip64 extra fields** (tag 1) in central and local headers carry the sizes and the local
  header offset that do not fit in 32 bits, in that order, present only for saturated fields.
* **Data descriptors** (flag bit 3): the local header's CRC and sizes are zero and the real
  ones follow the data, with or without the ``PK\x07\x08`` signature, 32- or 64-bit sized.
* **Aligned entries**: PyTorch pads each local header with an extra field (``FB`` and ``Z``
  bytes) so tensor data starts on a 64-byte boundary; data offsets come from each local
  header's own lengths, never from the central directory's extra length.
* **Prepended bytes** (self-extracting stubs, polyglots) are the distance between where the
  central directory really lies and where the end records say it lies.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field
from typing import IO

from mlsec_policy.analyzers.model_artifacts.source import Budget, FileSlice, Inflated, MiB, Source
from mlsec_policy.models import Severity

LOCAL = b"PK\x03\x04"
CENTRAL = b"PK\x01\x02"
END = b"PK\x05\x06"
END64 = b"PK\x06\x06"
LOCATOR64 = b"PK\x06\x07"
DESCRIPTOR = b"PK\x07\x08"
MAX_ENTRIES = 100_000
MAX_CENTRAL_BYTES = 256 * MiB
METHODS = {0: None, 8: "deflate", 12: "bz2"}
"""Compression methods that can be read (stored, deflate, bzip2)."""
SATURATED16 = 0xFFFF
SATURATED32 = 0xFFFFFFFF
END_SIZE = 22
END64_SIZE = 56
LOCATOR64_SIZE = 20


@dataclass(slots=True)
class Entry:
    """One member as the two indexes describe it."""

    name: str
    method: int
    flags: int
    crc: int
    compressed: int
    size: int
    header: int
    """Offset of the local header, relative to the start of the archive bytes."""
    external: int = 0
    local_name: str | None = None
    data: int | None = None
    """Offset of the member's data, known once the local header was read."""
    in_central: bool = True
    in_local: bool = False
    zip64: bool = False
    """True when a header of the entry carries a zip64 extra field (64-bit descriptor sizes)."""
    sized: bool = True
    """False when no index gave the CRC and sizes (the data was bounded by the next header)."""

    @property
    def encrypted(self) -> bool:
        """Return True when the flag bits claim encryption."""
        return bool(self.flags & 1)

    @property
    def is_dir(self) -> bool:
        """Return True for directory entries."""
        return self.name.endswith("/")

    @property
    def is_symlink(self) -> bool:
        """Return True when the Unix mode in the external attributes is a symlink."""
        return (self.external >> 16) & 0o170000 == 0o120000

    @property
    def has_descriptor(self) -> bool:
        """Return True when the sizes and CRC follow the data (flag bit 3)."""
        return bool(self.flags & 8)


@dataclass(frozen=True, slots=True)
class Anomaly:
    """Something about the container that a well-formed archive never shows."""

    code: str
    severity: Severity
    message: str
    detail: str
    unverifiable: bool = False
    """True when the anomaly means part of the archive could not be read at all."""


@dataclass(slots=True)
class Listing:
    """The members of an archive and everything odd about it."""

    entries: list[Entry] = field(default_factory=list)
    anomalies: list[Anomaly] = field(default_factory=list)
    start: int = 0
    """Where the archive's own bytes begin (after any prepended bytes)."""

    def add(
        self, code: str, severity: Severity, message: str, detail: str, unverifiable: bool = False
    ) -> None:
        """Record an anomaly."""
        self.anomalies.append(Anomaly(code, severity, message, detail, unverifiable))


class View:
    """Bounded random access to the archive bytes inside a (possibly larger) file."""

    def __init__(self, handle: IO[bytes], offset: int, length: int) -> None:
        self.handle = handle
        self.offset = offset
        self.length = length

    def read(self, position: int, size: int) -> bytes:
        """Return up to ``size`` bytes at ``position`` (fewer at the end, none outside)."""
        if position < 0 or position >= self.length or size <= 0:
            return b""
        size = min(size, self.length - position)
        self.handle.seek(self.offset + position)
        return self.handle.read(size)


def member_source(
    archive: FileSlice, entry: Entry, cap: int, budget: Budget | None = None
) -> Source | None:
    """Return the member's (decompressed) bytes as a source, or None if unreadable."""
    if entry.data is None or entry.method not in METHODS:
        return None
    raw = archive.sub(entry.data, entry.compressed)
    method = METHODS[entry.method]
    if method is None:
        return raw
    return Inflated(raw, method, cap, entry.size if entry.sized else None, budget)


@dataclass(frozen=True, slots=True)
class _End:
    """Where the central directory is, as the end records state it."""

    ends_at: int
    """Where the directory must end: the zip64 record if there is one, else the end record."""
    count: int
    size: int
    offset: int


def read_central(view: View, listing: Listing) -> list[Entry]:
    """Return the central directory's entries; set ``listing.start`` past prepended bytes."""
    end = _read_end(view, listing)
    if end is None:
        return []
    shift = end.ends_at - end.size - end.offset
    if shift < 0 or end.size > MAX_CENTRAL_BYTES:
        listing.add(
            "bad-central-directory",
            Severity.HIGH,
            "has an end-of-central-directory record pointing outside the file",
            "eocd-range",
            unverifiable=True,
        )
        return []
    listing.start = shift
    if shift:
        listing.add(
            "prefixed-archive",
            Severity.MEDIUM,
            f"starts with {shift} bytes that are not part of the archive (a polyglot or "
            "self-extracting file)",
            "prefix",
        )
    data = view.read(end.offset + shift, end.size)
    return _parse_central(data, shift, end.count, listing)


def _read_end(view: View, listing: Listing) -> _End | None:
    tail_size = min(view.length, 65_536 + END_SIZE)
    tail = view.read(view.length - tail_size, tail_size)
    index = tail.rfind(END)
    while index >= 0 and len(tail) - index < END_SIZE:
        index = tail.rfind(END, 0, index)
    if index < 0:
        listing.add(
            "no-central-directory",
            Severity.HIGH,
            "has no end-of-central-directory record (truncated or not a real zip); members "
            "were located by walking local headers only",
            "eocd",
            unverifiable=True,
        )
        return None
    end_at = view.length - tail_size + index
    fields = struct.unpack("<4sHHHHIIH", tail[index : index + END_SIZE])
    classic = _End(end_at, fields[4], fields[5], fields[6])
    zip64 = _read_end64(view, end_at)
    saturated = classic.count == SATURATED16 or SATURATED32 in (classic.size, classic.offset)
    if zip64 is None:
        if saturated and view.read(end_at - LOCATOR64_SIZE, 4) == LOCATOR64:
            listing.add(
                "bad-zip64-end",
                Severity.HIGH,
                "has a zip64 locator that points at no zip64 end record; where the central "
                "directory lies cannot be told",
                "zip64",
                unverifiable=True,
            )
            return None
        return classic
    disagree = [
        label
        for label, mine, theirs, full in (
            ("member count", classic.count, zip64.count, SATURATED16),
            ("directory size", classic.size, zip64.size, SATURATED32),
            ("directory offset", classic.offset, zip64.offset, SATURATED32),
        )
        if mine != full and mine != theirs
    ]
    if disagree:
        listing.add(
            "end-records-disagree",
            Severity.HIGH,
            f"its zip64 and classic end records disagree on the {', '.join(disagree)}; "
            "readers that trust one or the other see different members",
            "zip64",
        )
    return zip64


def _read_end64(view: View, end_at: int) -> _End | None:
    """Return the zip64 end record's figures when a locator precedes the end record."""
    locator_at = end_at - LOCATOR64_SIZE
    locator = view.read(locator_at, LOCATOR64_SIZE)
    if len(locator) < LOCATOR64_SIZE or not locator.startswith(LOCATOR64):
        return None
    recorded = struct.unpack("<Q", locator[8:16])[0]
    for record_at in dict.fromkeys((locator_at - END64_SIZE, recorded)):
        record = view.read(record_at, END64_SIZE)
        if len(record) == END64_SIZE and record.startswith(END64):
            fields = struct.unpack("<4sQHHIIQQQQ", record)
            if record_at + 12 + fields[1] <= locator_at:
                return _End(record_at, fields[7], fields[8], fields[9])
    return None


def _parse_central(data: bytes, shift: int, count: int, listing: Listing) -> list[Entry]:
    entries: list[Entry] = []
    position = 0
    while position + 46 <= len(data) and data[position : position + 4] == CENTRAL:
        fields = struct.unpack("<4s6H3I5H2I", data[position : position + 46])
        flags, method, crc, compressed, size = fields[3], fields[4], fields[7], fields[8], fields[9]
        name_len, extra_len, comment_len = fields[10], fields[11], fields[12]
        external, header = fields[15], fields[16]
        name_raw = data[position + 46 : position + 46 + name_len]
        extra = data[position + 46 + name_len : position + 46 + name_len + extra_len]
        compressed, size, header, zip64 = zip64_extra(extra, compressed, size, header)
        entry = Entry(
            decode_name(name_raw, flags),
            method,
            flags,
            crc,
            compressed,
            size,
            header + shift,
            external,
        )
        entry.zip64 = zip64
        entries.append(entry)
        position += 46 + name_len + extra_len + comment_len
        if len(entries) > MAX_ENTRIES:
            listing.add(
                "too-many-entries",
                Severity.HIGH,
                f"lists more than {MAX_ENTRIES} members; the rest were not inspected",
                "entries",
                unverifiable=True,
            )
            break
    if len(entries) != count and len(entries) <= MAX_ENTRIES:
        listing.add(
            "central-directory-count",
            Severity.HIGH,
            f"declares {count} members but its central directory holds {len(entries)} readable "
            "entries (corrupt or tampered)",
            "count",
            unverifiable=True,
        )
    return entries


def zip64_extra(
    extra: bytes, compressed: int, size: int, header: int
) -> tuple[int, int, int, bool]:
    """Return (compressed, size, header offset, had a zip64 field) after the zip64 extra.

    The zip64 field holds, in this order, the uncompressed size, the compressed size and the
    local header offset — each only when the 32-bit field it replaces is saturated.
    """
    position = 0
    found = False
    while position + 4 <= len(extra):
        tag, length = struct.unpack("<HH", extra[position : position + 4])
        body = extra[position + 4 : position + 4 + length]
        if tag == 1:
            found = True
            values = [struct.unpack("<Q", body[i : i + 8])[0] for i in range(0, len(body) - 7, 8)]
            if size == SATURATED32 and values:
                size = values.pop(0)
            if compressed == SATURATED32 and values:
                compressed = values.pop(0)
            if header == SATURATED32 and values:
                header = values.pop(0)
        position += 4 + length
    return compressed, size, header, found


def decode_name(raw: bytes, flags: int) -> str:
    """Return a member name as the flags say it is encoded (UTF-8 or code page 437)."""
    if flags & 0x800:
        return raw.decode("utf-8", "replace")
    return raw.decode("cp437")


def read_local(view: View, entry: Entry, listing: Listing) -> None:
    """Read the local header the central directory points at and compare the two."""
    head = view.read(entry.header, 30)
    if len(head) < 30 or not head.startswith(LOCAL):
        listing.add(
            "missing-local-header",
            Severity.HIGH,
            f"{entry.name}: the central directory points at byte {entry.header}, where no local "
            "header is; the member cannot be read",
            entry.name,
            unverifiable=True,
        )
        return
    fields = struct.unpack("<4s5H3I2H", head)
    flags, method, name_len, extra_len = fields[2], fields[3], fields[9], fields[10]
    name = decode_name(view.read(entry.header + 30, name_len), flags)
    extra = view.read(entry.header + 30 + name_len, extra_len)
    entry.zip64 = entry.zip64 or zip64_extra(extra, 0, 0, 0)[3]
    entry.local_name = name
    entry.in_local = True
    entry.data = entry.header + 30 + name_len + extra_len
    if name != entry.name:
        listing.add(
            "name-mismatch",
            Severity.HIGH,
            f"{entry.name}: the local header names the member {name!r} while the central "
            f"directory says {entry.name!r}; scanners and loaders can disagree on what it is "
            "(CVE-2025-1944)",
            entry.name,
        )
    if (flags & 1) != (entry.flags & 1) or method != entry.method:
        listing.add(
            "header-mismatch",
            Severity.HIGH,
            f"{entry.name}: the local header and the central directory disagree on the "
            "encryption flag or the compression method (CVE-2025-1945)",
            entry.name,
        )
