"""Drive a real headless Chromium from the OS packages, and decode the PNGs it writes.

Tests that need it call :func:`chromium` and are skipped, with the reason, only where no
Chromium is installed (``.ci/run`` installs Debian's ``chromium``).
"""

from __future__ import annotations

import shutil
import struct
import subprocess
import zlib
from dataclasses import dataclass
from pathlib import Path

import pytest

NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def chromium() -> str:
    """Return the Chromium binary, or skip the calling test saying why."""
    for name in NAMES:
        found = shutil.which(name)
        if found:
            return found
    pytest.skip("no Chromium on this machine (apt-get install chromium; .ci/run does)")


def run_chromium(work: Path, page: Path, *args: str, query: str = "") -> str:
    """Run Chromium on ``page`` with a fresh profile; return what it printed to stdout."""
    profile = work / f"profile-{len(list(work.glob('profile-*')))}"
    command = [
        chromium(),
        *FLAGS,
        f"--user-data-dir={profile}",
        *args,
        page.resolve().as_uri() + query,
    ]
    process = subprocess.run(command, capture_output=True, text=True, timeout=180, check=False)
    assert process.returncode == 0, process.stderr[-2000:]
    return process.stdout


SETTLE = ("--run-all-compositor-stages-before-draw", "--virtual-time-budget=5000")
"""Capture only after the page's script, layout and paint have run their course: without these
a screenshot taken on a loaded machine can show a frame from before the stylesheet applied."""


def screenshot(work: Path, page: Path, width: int, height: int) -> Path:
    """Render ``page`` in a ``width`` x ``height`` window once it has settled; return the PNG."""
    shot = work / f"shot-{len(list(work.glob('shot-*.png')))}.png"
    run_chromium(work, page, f"--window-size={width},{height}", *SETTLE, f"--screenshot={shot}")
    return shot


@dataclass(frozen=True)
class Image:
    """A decoded 8-bit RGB or RGBA image."""

    width: int
    height: int
    channels: int
    rows: list[bytes]

    def pixel(self, x: int, y: int) -> tuple[int, int, int]:
        """Return the RGB colour at (x, y)."""
        start = x * self.channels
        r, g, b = self.rows[y][start : start + 3]
        return r, g, b


def decode_png(data: bytes) -> Image:
    """Decode a non-interlaced 8-bit RGB/RGBA PNG (what Chromium writes) with zlib only."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    position, idat, header = 8, b"", b""
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        body = data[position + 8 : position + 8 + length]
        position += 12 + length
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", header)
    assert depth == 8 and colour in (2, 6) and interlace == 0, (depth, colour, interlace)
    channels = 3 if colour == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * channels
    rows: list[bytes] = []
    previous = bytes(stride)
    for y in range(height):
        start = y * (stride + 1)
        row = _unfilter(
            raw[start], bytearray(raw[start + 1 : start + 1 + stride]), previous, channels
        )
        rows.append(bytes(row))
        previous = row
    return Image(width, height, channels, rows)


def _unfilter(kind: int, row: bytearray, above: bytes, bpp: int) -> bytes:
    if kind == 0:
        return bytes(row)
    if kind == 2:
        return bytes((a + b) & 0xFF for a, b in zip(row, above, strict=True))
    for i in range(len(row)):
        left = row[i - bpp] if i >= bpp else 0
        up = above[i]
        if kind == 1:
            row[i] = (row[i] + left) & 0xFF
        elif kind == 3:
            row[i] = (row[i] + ((left + up) >> 1)) & 0xFF
        elif kind == 4:
            corner = above[i - bpp] if i >= bpp else 0
            p = left + up - corner
            pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
            predictor = left if pa <= pb and pa <= pc else up if pb <= pc else corner
            row[i] = (row[i] + predictor) & 0xFF
        else:
            raise AssertionError(f"unknown PNG filter {kind}")
    return bytes(row)
