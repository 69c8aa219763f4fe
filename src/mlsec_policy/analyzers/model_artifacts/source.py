"""Bounded byte readers over files, archive members and decompressed streams.

Every scanner reads through a :class:`Reader`: exact reads that fail loudly on a short file,
line reads with a length cap, and skips that seek instead of reading when the underlying stream
allows it — which is how a multi-gigabyte checkpoint is crossed without touching its tensors.
A :class:`Source` can be opened any number of times, so a scanner can come back to a byte range
(a nested pickle) without keeping it in memory.
"""

from __future__ import annotations

import bz2
import io
import lzma
import tempfile
import zlib
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Protocol

CHUNK = 64 * 1024
MiB = 1024 * 1024


class Truncated(Exception):
    """The data ended before a structure it started was complete."""


class LimitExceeded(Exception):
    """Reading further would pass a configured size limit."""


class RawStream(Protocol):
    """The least a byte stream must offer: ``read(n)`` returning at most ``n`` bytes."""

    def read(self, size: int = -1, /) -> bytes:
        """Return up to ``size`` bytes (fewer only at the end)."""
        ...


class Reader:
    """Exact, position-tracking reads over a raw stream, with cheap skips."""

    def __init__(
        self, raw: RawStream, *, limit: int | None = None, seek: IO[bytes] | None = None
    ) -> None:
        """Wrap ``raw``; read at most ``limit`` bytes; ``seek`` is raw's seekable file, if any."""
        self._raw = raw
        self._left = limit
        self._seek = seek
        self._buf = b""
        self._off = 0
        self.pos = 0
        """Bytes consumed so far (the offset of the next byte)."""

    def _fill(self, want: int) -> bool:
        """Make at least ``want`` bytes available in the buffer if the stream has them."""
        while len(self._buf) - self._off < want:
            size = max(CHUNK, want - (len(self._buf) - self._off))
            if self._left is not None:
                size = min(size, self._left)
            if size <= 0:
                return False
            data = self._raw.read(size)
            if not data:
                return False
            if self._left is not None:
                self._left -= len(data)
            self._buf = self._buf[self._off :] + data
            self._off = 0
        return True

    def read(self, size: int) -> bytes:
        """Return exactly ``size`` bytes; raise Truncated when the data ends first."""
        if size < 0:
            raise ValueError(f"negative read size {size}")
        if not self._fill(size):
            self.pos += len(self._buf) - self._off
            self._buf, self._off = b"", 0
            raise Truncated(f"wanted {size} bytes at offset {self.pos}, the data ends first")
        data = self._buf[self._off : self._off + size]
        self._off += size
        self.pos += size
        return data

    def read_upto(self, size: int) -> bytes:
        """Return up to ``size`` bytes (fewer at the end of the data)."""
        self._fill(size)
        data = self._buf[self._off : self._off + size]
        self._off += len(data)
        self.pos += len(data)
        return data

    def peek(self, size: int = 1) -> bytes:
        """Return up to ``size`` next bytes without consuming them."""
        self._fill(size)
        return self._buf[self._off : self._off + size]

    def readline(self, cap: int) -> bytes:
        r"""Return one line including its ``\\n``; raise Truncated past ``cap`` bytes or at EOF."""
        start = self._off
        while True:
            index = self._buf.find(b"\n", start)
            if index >= 0:
                line = self._buf[self._off : index + 1]
                self._off = index + 1
                self.pos += len(line)
                return line
            if len(self._buf) - self._off > cap:
                raise Truncated(f"a text line at offset {self.pos} is longer than {cap} bytes")
            start = len(self._buf)
            consumed = start - self._off
            if not self._fill(consumed + 1):
                raise Truncated(f"a text line at offset {self.pos} never ends")
            start = self._off + consumed

    def skip(self, size: int) -> None:
        """Move ``size`` bytes forward, seeking when possible; raise Truncated past the end."""
        if size < 0:
            raise ValueError(f"negative skip {size}")
        buffered = len(self._buf) - self._off
        if size <= buffered:
            self._off += size
            self.pos += size
            return
        rest = size - buffered
        self.pos += buffered
        self._buf, self._off = b"", 0
        if self._left is not None and rest > self._left:
            self.pos += self._left
            self._left = 0
            raise Truncated(f"wanted to skip {size} bytes, the data ends first")
        if self._seek is not None:
            here = self._seek.tell()
            end = self._seek.seek(0, 2)
            if here + rest > end:
                self.pos += end - here
                raise Truncated(f"wanted to skip {size} bytes, the data ends first")
            self._seek.seek(here + rest)
            if self._left is not None:
                self._left -= rest
            self.pos += rest
            return
        while rest:
            data = self._raw.read(min(rest, CHUNK * 16))
            if not data:
                raise Truncated(f"wanted to skip {size} bytes, the data ends first")
            rest -= len(data)
            self.pos += len(data)
            if self._left is not None:
                self._left -= len(data)

    def at_end(self) -> bool:
        """Return True when no byte is left."""
        return not self.peek(1)


class Source(ABC):
    """Bytes that can be opened again and again: a file, a slice of one, a decompressed member."""

    size: int | None
    """Length in bytes when known without reading."""

    @abstractmethod
    @contextmanager
    def open(self) -> Iterator[Reader]:
        """Yield a fresh reader positioned at the first byte."""

    def head(self, size: int) -> bytes:
        """Return up to ``size`` first bytes."""
        with self.open() as reader:
            return reader.read_upto(size)

    def file_slice(self) -> tuple[Path, int, int] | None:
        """Return (file, offset, length) when the bytes sit uncompressed in a real file."""
        return None


@dataclass(frozen=True, slots=True)
class FileSlice(Source):
    """``length`` bytes of a real file starting at ``offset``: seekable, never copied."""

    path: Path
    offset: int
    length: int

    @property
    def size(self) -> int:  # type: ignore[override]
        """Return the slice length."""
        return self.length

    @contextmanager
    def open(self) -> Iterator[Reader]:
        """Yield a reader over the slice."""
        with self.path.open("rb") as handle:
            handle.seek(self.offset)
            yield Reader(handle, limit=self.length, seek=handle)

    def file_slice(self) -> tuple[Path, int, int]:
        """Return where the bytes are."""
        return self.path, self.offset, self.length

    def sub(self, offset: int, length: int) -> FileSlice:
        """Return a slice of this slice."""
        return FileSlice(self.path, self.offset + offset, length)


def whole_file(path: Path) -> FileSlice:
    """Return a source over an entire file."""
    return FileSlice(path, 0, path.stat().st_size)


Decompressor = Callable[[], "_Decompressor"]


class _Decompressor(Protocol):
    def decompress(self, data: bytes, max_length: int = ..., /) -> bytes: ...


class Budget:
    """Bytes all decompression of one scanned file may still produce (against bombs)."""

    def __init__(self, total: int) -> None:
        """Allow ``total`` decompressed bytes in all."""
        self.left = total
        self.total = total

    def spend(self, size: int) -> None:
        """Charge ``size`` bytes; raise LimitExceeded when the budget runs out."""
        self.left -= size
        if self.left < 0:
            raise LimitExceeded(
                f"needs more than the {self.total // MiB} MiB decompression budget of one file"
            )


class _Inflating:
    """A raw stream decompressing another reader's bytes, with an output cap."""

    def __init__(self, reader: Reader, make: Decompressor, cap: int, budget: Budget | None) -> None:
        self._reader = reader
        self._engine = make()
        self._cap = cap
        self._budget = budget
        self._produced = 0
        self._pending = b""
        self._done = False

    def read(self, size: int = -1, /) -> bytes:
        size = CHUNK if size < 0 else size
        out = b""
        while len(out) < size and not self._done:
            try:  # a corrupt stream is reported as a cut-off one, never as the codec's error
                out += self._step(size - len(out))
            except (zlib.error, lzma.LZMAError, OSError, EOFError) as exc:  # bz2: OSError
                raise Truncated(f"the compressed data is corrupt: {exc}") from None
        self._produced += len(out)
        if self._budget is not None:
            self._budget.spend(len(out))
        if self._produced > self._cap:
            raise LimitExceeded(f"decompresses to more than {self._cap // MiB} MiB")
        return out

    def _step(self, want: int) -> bytes:
        engine = self._engine
        if hasattr(engine, "needs_input"):  # bz2 and lzma keep unread input themselves
            data = self._reader.read_upto(CHUNK) if engine.needs_input else b""
            if engine.needs_input and not data:
                self._done = True
                return b""
            piece = engine.decompress(data, want)
        else:  # zlib hands back what it did not consume
            if not self._pending:
                self._pending = self._reader.read_upto(CHUNK)
            if not self._pending:
                self._done = True
                return bytes(getattr(engine, "flush", lambda: b"")())
            piece = engine.decompress(self._pending, want)
            self._pending = bytes(getattr(engine, "unconsumed_tail", b""))
        if getattr(engine, "eof", False):
            self._done = True
        return bytes(piece)


@dataclass(frozen=True, slots=True)
class Inflated(Source):
    """The decompressed form of another source (a deflated zip member, a gzip file...)."""

    inner: Source
    method: str
    """``deflate`` (raw), ``zlib``, ``gzip``, ``bz2`` or ``xz``."""
    cap: int
    """Most bytes the decompressed form may have before reading stops with LimitExceeded."""
    declared: int | None = None
    """The uncompressed size an archive header claims, when there is one."""
    budget: Budget | None = field(default=None, compare=False)
    """Shared with every other decompression of the same scanned file."""

    @property
    def size(self) -> int | None:  # type: ignore[override]
        """Return the declared uncompressed size, if any."""
        return self.declared

    @contextmanager
    def open(self) -> Iterator[Reader]:
        """Yield a reader over the decompressed bytes."""
        with self.inner.open() as reader:
            yield Reader(_Inflating(reader, DECOMPRESSORS[self.method], self.cap, self.budget))


DECOMPRESSORS: dict[str, Decompressor] = {
    "deflate": lambda: zlib.decompressobj(-15),
    "zlib": lambda: zlib.decompressobj(15),
    "gzip": lambda: zlib.decompressobj(31),
    "bz2": bz2.BZ2Decompressor,
    "xz": lzma.LZMADecompressor,
    "lzma": lambda: lzma.LZMADecompressor(format=lzma.FORMAT_ALONE),
}


@contextmanager
def spooled(source: Source, cap: int) -> Iterator[FileSlice]:
    """Copy a non-seekable source to a temporary file (at most ``cap`` bytes) and yield it.

    Nested archives inside compressed members need random access; the copy goes to disk, so
    memory stays flat. Raises LimitExceeded when the source is larger than ``cap``.
    """
    with tempfile.NamedTemporaryFile(prefix="mlsec-policy-nested-") as spool:
        total = 0
        with source.open() as reader:
            while True:
                data = reader.read_upto(CHUNK * 16)
                if not data:
                    break
                total += len(data)
                if total > cap:
                    raise LimitExceeded(f"is larger than the {cap // MiB} MiB nesting limit")
                spool.write(data)
        spool.flush()
        yield FileSlice(Path(spool.name), 0, total)


@dataclass(frozen=True, slots=True)
class Window(Source):
    """``length`` bytes of another source starting at ``offset`` (reached by skipping)."""

    inner: Source
    offset: int
    length: int

    @property
    def size(self) -> int:  # type: ignore[override]
        """Return the window length."""
        return self.length

    @contextmanager
    def open(self) -> Iterator[Reader]:
        """Yield a reader over the window."""
        with self.inner.open() as reader:
            reader.skip(self.offset)
            yield Reader(_Bounded(reader), limit=self.length)


class _Bounded:
    """Adapts a Reader back into a raw stream."""

    def __init__(self, reader: Reader) -> None:
        self._reader = reader

    def read(self, size: int = -1, /) -> bytes:
        return self._reader.read_upto(CHUNK if size < 0 else size)


@dataclass(frozen=True, slots=True)
class Memory(Source):
    """A few bytes already in memory (a short literal found inside a pickle)."""

    data: bytes

    @property
    def size(self) -> int:  # type: ignore[override]
        """Return the number of bytes."""
        return len(self.data)

    @contextmanager
    def open(self) -> Iterator[Reader]:
        """Yield a reader over the bytes."""
        yield Reader(io.BytesIO(self.data))


def window(source: Source, offset: int, length: int) -> Source:
    """Return ``length`` bytes of ``source`` from ``offset``, as cheaply as the source allows."""
    if isinstance(source, FileSlice):
        return source.sub(offset, length)
    return Window(source, offset, length)
