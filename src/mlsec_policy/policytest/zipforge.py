"""Zips laid out the way streaming writers lay them out (PyTorch's, Python's on a pipe).

:func:`forge.zip_of` writes what ``zipfile`` writes to a seekable file: sizes in every local
header, no zip64 records. Real checkpoint writers differ, and a reader built only on the first
shape misreads the second: PyTorch (miniz) defers every member's CRC and sizes to a data
descriptor, pads each local header with an ``FB`` extra field so data starts on a 64-byte
boundary, and writes a zip64 end record and locator before the classic end record even for a
tiny file. :func:`streamed_zip` writes those shapes — and the variants other writers choose
(descriptors without signature, 64-bit descriptors, bytes prepended to the archive).
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Collection, Mapping
from typing import Literal

LOCAL = b"PK\x03\x04"
CENTRAL = b"PK\x01\x02"
END = b"PK\x05\x06"
END64 = b"PK\x06\x06"
LOCATOR64 = b"PK\x06\x07"
DESCRIPTOR = b"PK\x07\x08"
UTF8 = 0x800
DEFERRED = 0x08

Descriptor = Literal["signed", "unsigned", "zip64", "none"]


def streamed_zip(
    members: Mapping[str, bytes],
    *,
    descriptor: Descriptor = "signed",
    align: int = 64,
    zip64_end: bool = True,
    prefix: bytes = b"",
    hide: Collection[str] = (),
) -> bytes:
    """Return a stored (uncompressed) zip of ``members`` in a streaming writer's layout.

    ``descriptor`` says how sizes follow each member (``none``: in the local header, as a
    seekable writer does); ``align`` pads local headers so data starts on that boundary (0: no
    padding); ``zip64_end`` adds the zip64 end record and locator; ``prefix`` is prepended,
    with every offset kept relative to the archive (a self-extracting stub, a polyglot);
    members named in ``hide`` get a local header but no central directory entry.
    """
    out = bytearray()
    central: list[bytes] = []
    for name, data in members.items():
        offset = len(out)
        raw = name.encode()
        crc = zlib.crc32(data)
        flags = UTF8 | (0 if descriptor == "none" else DEFERRED)
        extra = _zip64_local() if descriptor == "zip64" else b""
        extra += _padding(len(prefix) + offset + 30 + len(raw) + len(extra), align)
        sizes = (crc, len(data), len(data))
        if descriptor == "zip64":
            sizes = (0, 0xFFFFFFFF, 0xFFFFFFFF)
        elif descriptor != "none":
            sizes = (0, 0, 0)
        out += struct.pack("<4s5H3I2H", LOCAL, 20, flags, 0, 0, 0, *sizes, len(raw), len(extra))
        out += raw + extra + data
        out += _descriptor(descriptor, crc, len(data))
        if name in hide:
            continue
        central.append(
            struct.pack(
                "<4s6H3I5H2I",
                CENTRAL,
                0x031E,
                20,
                flags,
                0,
                0,
                0,
                crc,
                len(data),
                len(data),
                len(raw),
                0,
                0,
                0,
                0,
                0o100644 << 16,
                offset,
            )
            + raw
        )
    directory = b"".join(central)
    start, count = len(out), len(central)
    out += directory
    if zip64_end:
        record_at = len(out)
        out += struct.pack(
            "<4sQHHIIQQQQ", END64, 44, 45, 45, 0, 0, count, count, len(directory), start
        )
        out += struct.pack("<4sIQI", LOCATOR64, 0, record_at, 1)
    out += struct.pack("<4s4H2IH", END, 0, 0, count, count, len(directory), start, 0)
    return prefix + bytes(out)


def _padding(data_at: int, align: int) -> bytes:
    """Return PyTorch's alignment extra field: ``FB``, a length, and ``Z`` bytes."""
    if not align:
        return b""
    pad = (-(data_at + 4)) % align
    return b"FB" + struct.pack("<H", pad) + b"Z" * pad


def _zip64_local() -> bytes:
    return struct.pack("<HHQQ", 1, 16, 0, 0)


def _descriptor(kind: Descriptor, crc: int, size: int) -> bytes:
    if kind == "signed":
        return struct.pack("<4sIII", DESCRIPTOR, crc, size, size)
    if kind == "unsigned":
        return struct.pack("<III", crc, size, size)
    if kind == "zip64":
        return struct.pack("<4sIQQ", DESCRIPTOR, crc, size, size)
    return b""
