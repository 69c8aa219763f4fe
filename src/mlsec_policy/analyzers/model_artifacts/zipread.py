"""A lenient zip reader that reads only headers and trusts none of them alone.

Loaders disagree with strict parsers: PyTorch reads members through the central directory and
the local header's lengths, ignores CRCs, and does not compare the two names. So this reader
lists members from the central directory *and* by walking local headers, reports every
disagreement (names that differ, entries only one index knows, lying flag bits) as an anomaly,
and hands back every member it can locate — one bad entry never hides the others. The members
themselves (traversal names, symlinks, bomb ratios, overlapping data) are judged in
:mod:`.zipcheck`. Member data is never read here.
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
MAX_ENTRIES = 100_000
MAX_CENTRAL_BYTES = 256 * MiB
METHODS = {0: None, 8: "deflate", 12: "bz2"}
"""Compression methods that can be read (stored, deflate, bzip2)."""


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

    def add(
        self, code: str, severity: Severity, message: str, detail: str, unverifiable: bool = False
    ) -> None:
        """Record an anomaly."""
        self.anomalies.append(Anomaly(code, severity, message, detail, unverifiable))


def read_listing(archive: FileSlice) -> Listing:
    """Return the members of the zip held in ``archive`` from both of its indexes.

    Disagreements between the indexes are recorded as anomalies; the members themselves are
    judged by :func:`~mlsec_policy.analyzers.model_artifacts.zipcheck.list_zip`.
    """
    listing = Listing()
    with archive.path.open("rb") as handle:
        view = _View(handle, archive.offset, archive.length)
        central = _read_central(view, listing)
        by_header = {entry.header: entry for entry in central}
        for entry in central:
            _read_local(view, entry, listing)
        hidden = _walk_local(view, by_header, listing)
    listing.entries = central + hidden
    return listing


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
    return Inflated(raw, method, cap, entry.size, budget)


class _View:
    """Bounded random access to the archive bytes inside a (possibly larger) file."""

    def __init__(self, handle: IO[bytes], offset: int, length: int) -> None:
        self.handle = handle
        self.offset = offset
        self.length = length

    def read(self, position: int, size: int) -> bytes:
        if position < 0 or position >= self.length:
            return b""
        size = min(size, self.length - position)
        self.handle.seek(self.offset + position)
        return self.handle.read(size)


def _read_central(view: _View, listing: Listing) -> list[Entry]:
    tail_size = min(view.length, 65_536 + 22)
    tail = view.read(view.length - tail_size, tail_size)
    index = tail.rfind(END)
    while index >= 0 and len(tail) - index < 22:
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
        return []
    end_at = view.length - tail_size + index
    (_, _, _, _, count, cd_size, cd_offset, _) = struct.unpack(
        "<4sHHHHIIH", tail[index : index + 22]
    )
    if 0xFFFF in (count,) or 0xFFFFFFFF in (cd_size, cd_offset):
        count, cd_size, cd_offset = _zip64_end(view, end_at, count, cd_size, cd_offset)
    shift = end_at - cd_size - cd_offset
    if shift < 0 or cd_size > MAX_CENTRAL_BYTES:
        listing.add(
            "bad-central-directory",
            Severity.HIGH,
            "has an end-of-central-directory record pointing outside the file",
            "eocd-range",
            unverifiable=True,
        )
        return []
    if shift:
        listing.add(
            "prefixed-archive",
            Severity.MEDIUM,
            f"starts with {shift} bytes that are not part of the archive (a polyglot or "
            "self-extracting file)",
            "prefix",
        )
    data = view.read(cd_offset + shift, cd_size)
    return _parse_central(data, shift, count, listing)


def _zip64_end(
    view: _View, end_at: int, count: int, size: int, offset: int
) -> tuple[int, int, int]:
    locator = view.read(end_at - 20, 20)
    if len(locator) == 20 and locator.startswith(LOCATOR64):
        record_at = struct.unpack("<Q", locator[8:16])[0]
        record = view.read(record_at, 56)
        if record.startswith(END64) and len(record) == 56:
            fields = struct.unpack("<4sQHHIIQQQQ", record)
            count, size, offset = fields[7], fields[8], fields[9]
            return count, size, offset
    return count, size, offset


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
        compressed, size, header = _zip64_extra(extra, compressed, size, header)
        entries.append(
            Entry(
                _decode(name_raw, flags),
                method,
                flags,
                crc,
                compressed,
                size,
                header + shift,
                external,
            )
        )
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


def _zip64_extra(extra: bytes, compressed: int, size: int, header: int) -> tuple[int, int, int]:
    position = 0
    while position + 4 <= len(extra):
        tag, length = struct.unpack("<HH", extra[position : position + 4])
        body = extra[position + 4 : position + 4 + length]
        if tag == 1:
            values = [struct.unpack("<Q", body[i : i + 8])[0] for i in range(0, len(body) - 7, 8)]
            if size == 0xFFFFFFFF and values:
                size = values.pop(0)
            if compressed == 0xFFFFFFFF and values:
                compressed = values.pop(0)
            if header == 0xFFFFFFFF and values:
                header = values.pop(0)
        position += 4 + length
    return compressed, size, header


def _decode(raw: bytes, flags: int) -> str:
    if flags & 0x800:
        return raw.decode("utf-8", "replace")
    return raw.decode("cp437")


def _read_local(view: _View, entry: Entry, listing: Listing) -> None:
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
    name = _decode(view.read(entry.header + 30, name_len), flags)
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


def _walk_local(view: _View, known: dict[int, Entry], listing: Listing) -> list[Entry]:
    """Walk local headers from the start; return the members the central directory hides."""
    hidden: list[Entry] = []
    position = 0
    steps = 0
    while steps <= MAX_ENTRIES:
        steps += 1
        head = view.read(position, 30)
        if len(head) < 30 or not head.startswith(LOCAL):
            break
        fields = struct.unpack("<4s5H3I2H", head)
        flags, method, crc = fields[2], fields[3], fields[6]
        compressed, size, name_len, extra_len = fields[7], fields[8], fields[9], fields[10]
        entry = known.get(position)
        if entry is None:
            name = _decode(view.read(position + 30, name_len), flags)
            extra = view.read(position + 30 + name_len, extra_len)
            compressed, size, _ = _zip64_extra(extra, compressed, size, 0)
            if flags & 8 and compressed == 0:
                break  # data descriptor with unknown length: cannot find the next header
            entry = Entry(name, method, flags, crc, compressed, size, position)
            entry.local_name, entry.in_central, entry.in_local = name, False, True
            entry.data = position + 30 + name_len + extra_len
            hidden.append(entry)
            if known:
                listing.add(
                    "hidden-entry",
                    Severity.HIGH,
                    f"{name}: a member present in the local headers but missing from the "
                    "central directory (a loader that streams the archive sees it)",
                    name,
                )
        data = position + 30 + name_len + extra_len
        position = data + entry.compressed
        if entry.flags & 8:
            position += _descriptor_length(view, position)
    return hidden


def _descriptor_length(view: _View, position: int) -> int:
    head = view.read(position, 4)
    return 16 if head == b"PK\x07\x08" else 12
