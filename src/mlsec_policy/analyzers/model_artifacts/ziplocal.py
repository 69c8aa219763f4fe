r"""The second index of a zip: its local headers, walked one after the other from the start.

A loader that streams an archive sees the members in local-header order and never reads the
central directory, so a member present only there (a *hidden entry*) is real to it. The walk
crosses each member's data by the sizes the central directory gives for it, or — for a member
only the local headers know — by its local header, or, when that header defers its sizes to a
data descriptor (flag bit 3, what PyTorch and streaming writers emit), by finding the descriptor
whose recorded size matches the distance walked (failing that, by the next header: its sizes
stay unknown). Descriptors come with or without their ``PK\x07\x08`` signature and with 32- or
64-bit sizes; the layout that lands on the next header is the one taken.
"""

from __future__ import annotations

import struct

from mlsec_policy.analyzers.model_artifacts.source import MiB
from mlsec_policy.analyzers.model_artifacts.zipread import (
    CENTRAL,
    DESCRIPTOR,
    END,
    END64,
    LOCAL,
    MAX_ENTRIES,
    Entry,
    Listing,
    View,
    decode_name,
    zip64_extra,
)
from mlsec_policy.models import Severity

NEXT_RECORDS = (LOCAL, CENTRAL, END, END64, b"PK\x05\x05", b"PK\x06\x08")
"""Signatures that may follow a member's data (and its descriptor)."""
DESCRIPTOR_SEARCH = 256 * MiB
"""How far the walk looks for the descriptor of a member whose size only the descriptor gives."""
_SEARCH_CHUNK = 1 * MiB


def walk_local(view: View, known: dict[int, Entry], start: int, listing: Listing) -> list[Entry]:
    """Walk local headers from ``start``; return the members the central directory hides."""
    hidden: list[Entry] = []
    position = start
    for _ in range(MAX_ENTRIES + 1):
        head = view.read(position, 30)
        if len(head) < 30 or not head.startswith(LOCAL):
            break
        fields = struct.unpack("<4s5H3I2H", head)
        flags, method, crc = fields[2], fields[3], fields[6]
        compressed, size, name_len, extra_len = fields[7], fields[8], fields[9], fields[10]
        data = position + 30 + name_len + extra_len
        entry = known.get(position)
        if entry is None:
            name = decode_name(view.read(position + 30, name_len), flags)
            extra = view.read(position + 30 + name_len, extra_len)
            compressed, size, _, zip64 = zip64_extra(extra, compressed, size, 0)
            entry = Entry(name, method, flags, crc, compressed, size, position)
            entry.local_name, entry.in_central, entry.in_local = name, False, True
            entry.data, entry.zip64 = data, zip64
            if entry.has_descriptor and not compressed and not _size_from_descriptor(view, entry):
                _bound_by_next_record(view, entry)
            hidden.append(entry)
            if known:
                listing.add(
                    "hidden-entry",
                    Severity.HIGH,
                    f"{name}: a member present in the local headers but missing from the "
                    "central directory (a loader that streams the archive sees it)",
                    name,
                )
        position = data + entry.compressed
        if flags & 8 and entry.sized:
            position += descriptor_length(view, position, entry.zip64)
    return hidden


def descriptor_length(view: View, position: int, zip64: bool) -> int:
    """Return the length of the data descriptor at ``position``.

    Of the four layouts (signature or not, 32- or 64-bit sizes) the one after which the next
    record starts wins; when none does, the layout the entry's zip64 flag implies is assumed.
    """
    signed = view.read(position, 4) == DESCRIPTOR
    lengths = (20, 12) if zip64 else (12, 20)
    candidates = [length + 4 for length in lengths] if signed else list(lengths)
    for length in candidates:
        if view.read(position + length, 4) in NEXT_RECORDS:
            return length
    return candidates[0]


def _bound_by_next_record(view: View, entry: Entry) -> None:
    """Take a member whose sizes cannot be found to run up to the next header (or the end).

    A descriptor without its signature cannot be searched for; the member's data then ends at
    the next zip record at the latest. Its CRC and sizes stay unknown (``sized`` is False).
    """
    start = entry.data if entry.data is not None else entry.header
    stop = min(view.length, start + DESCRIPTOR_SEARCH)
    end = stop
    offset = start
    while offset < stop:
        chunk = view.read(offset, _SEARCH_CHUNK + 3)
        hits = [i for i in (chunk.find(sig) for sig in NEXT_RECORDS) if 0 <= i < _SEARCH_CHUNK]
        if hits:
            end = offset + min(hits)
            break
        offset += _SEARCH_CHUNK
    entry.compressed = entry.size = end - start
    entry.sized = False


def _size_from_descriptor(view: View, entry: Entry) -> bool:
    """Find the descriptor after a member whose local header left its sizes to it.

    Only descriptors with a signature can be searched for; the first one whose compressed size
    equals the distance from the member's data is taken. Returns False when none is found.
    """
    if entry.data is None:
        return False
    offset = entry.data
    stop = min(view.length, entry.data + DESCRIPTOR_SEARCH)
    while offset < stop:
        chunk = view.read(offset, _SEARCH_CHUNK + 24)
        found = chunk.find(DESCRIPTOR)
        while 0 <= found < _SEARCH_CHUNK:
            at = offset + found
            body = view.read(at + 4, 20)
            for width, layout in ((4, "<III"), (8, "<IQQ")):
                if len(body) < 4 + 2 * width:
                    continue
                crc, compressed, size = struct.unpack(layout, body[: 4 + 2 * width])
                if compressed == at - entry.data:
                    entry.crc, entry.compressed, entry.size = crc, compressed, size
                    entry.zip64 = width == 8
                    return True
            found = chunk.find(DESCRIPTOR, found + 1)
        offset += _SEARCH_CHUNK
    return False
