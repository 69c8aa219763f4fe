"""A symbolic pickle machine: walks opcodes, never imports or calls anything.

Opcodes are decoded with :mod:`pickletools`' own table; the stack and the memo are emulated with
*symbols* (strings, small numbers, tuples, :class:`Ref` for an imported name, :class:`Call` for
what a call would return), so ``STACK_GLOBAL`` is resolved exactly — through ``PUT``/``GET``/
``MEMOIZE`` indirection, however the operands were built — and call sites know what they call.
Large byte strings are skipped (seeked over) and remembered only as :class:`BytesRef` offsets,
so memory stays flat whatever the size of the stream.
"""

from __future__ import annotations

import io
import pickletools
import struct
from collections.abc import Callable

from mlsec_policy.analyzers.model_artifacts.pickle.ops import HANDLERS
from mlsec_policy.analyzers.model_artifacts.pickle.values import (
    MARK,
    OPAQUE,
    BytesRef,
    Call,
    Events,
    Outcome,
    PickleError,
    Ref,
    Seq,
    Unresolved,
)
from mlsec_policy.analyzers.model_artifacts.source import Reader, Truncated

SMALL = 4096
"""Strings and byte strings up to this size are kept as values; longer ones are skipped."""
STACK_CAP = 1_000_000
LINE_CAP = 1 << 20

OPCODES: dict[int, pickletools.OpcodeInfo] = {
    op.code.encode("latin-1")[0]: op for op in pickletools.opcodes
}


class Machine:
    """Runs one pickle at a time from a reader; see the module docstring."""

    def __init__(self, reader: Reader, events: Events) -> None:
        """Prepare to read pickles from ``reader``, reporting to ``events``."""
        self.reader = reader
        self.events = events
        self.stack: list[object] = []
        self.marks: list[int] = []
        self.memo: dict[int, object] = {}
        self.protocol = 0

    def run(self) -> Outcome:
        """Emulate one pickle up to its STOP; raise PickleError or Truncated when it breaks."""
        self.stack, self.marks, self.memo, self.protocol = [], [], {}, 0
        start = self.reader.pos
        count = 0
        while True:
            offset = self.reader.pos
            code = self.reader.read(1)[0]
            op = OPCODES.get(code)
            if op is None:
                raise PickleError(f"unknown opcode 0x{code:02x}", offset)
            count += 1
            arg = self._argument(op, offset)
            if op.name == "STOP":
                value = self._pop(offset)
                return Outcome(value, count, self.protocol, start, self.reader.pos)
            handler = HANDLERS.get(op.name)
            if handler is not None:
                handler(self, arg, offset)
            else:
                self._generic(op, offset)
            if len(self.stack) > STACK_CAP:
                raise PickleError(f"the stack grows past {STACK_CAP} items", offset)

    # -- arguments -------------------------------------------------------------------------

    def _argument(self, op: pickletools.OpcodeInfo, offset: int) -> object:
        desc = op.arg
        if desc is None:
            return None
        reader = self.reader
        size = desc.n
        if size >= 0:
            raw = reader.read(size)
            return _FIXED[desc.name](raw) if desc.name in _FIXED else raw
        if size == pickletools.UP_TO_NEWLINE:
            line = reader.readline(LINE_CAP)
            if desc.name == "stringnl_noescape_pair":
                line += reader.readline(LINE_CAP)
            try:
                return desc.reader(io.BytesIO(line))
            except ValueError as exc:
                raise PickleError(f"bad {op.name} argument: {exc}", offset) from None
        width = {-2: 1, -3: 4, -4: 4, -5: 8}[size]
        length = int.from_bytes(reader.read(width), "little", signed=size == -3)
        if length < 0:
            raise PickleError(f"negative length in {op.name}", offset)
        data_offset = reader.pos
        if length > SMALL:
            reader.skip(length)
            return BytesRef(data_offset, length)
        data = reader.read(length)
        return _decode_counted(desc.name, data, op.name, offset)

    # -- stack helpers ---------------------------------------------------------------------

    def _pop(self, offset: int) -> object:
        if not self.stack or self.stack[-1] is MARK:
            raise PickleError("stack underflow", offset)
        return self.stack.pop()

    def _pop_mark(self, offset: int) -> list[object]:
        if not self.marks:
            raise PickleError("no MARK on the stack", offset)
        depth = self.marks.pop()
        items = self.stack[depth + 1 :]
        del self.stack[depth:]
        return items

    def _generic(self, op: pickletools.OpcodeInfo, offset: int) -> None:
        """Apply an opcode's stack effect from pickletools' table, with opaque results."""
        before = list(op.stack_before)
        if pickletools.markobject in before:
            self._pop_mark(offset)
            before = before[: before.index(pickletools.markobject)]
        for _ in before:
            self._pop(offset)
        for item in op.stack_after:
            if item is pickletools.markobject:
                self.marks.append(len(self.stack))
                self.stack.append(MARK)
            else:
                self.stack.append(OPAQUE)

    def push(self, value: object) -> None:
        """Push one value."""
        self.stack.append(value)


def _fixed_int(fmt: str) -> Callable[[bytes], int]:
    return lambda raw: int(struct.unpack(fmt, raw)[0])


_FIXED: dict[str, Callable[[bytes], object]] = {
    "uint1": lambda raw: raw[0],
    "uint2": _fixed_int("<H"),
    "int4": _fixed_int("<i"),
    "uint4": _fixed_int("<I"),
    "uint8": _fixed_int("<Q"),
    "float8": lambda raw: float(struct.unpack(">d", raw)[0]),
}


def _decode_counted(arg: str, data: bytes, opname: str, offset: int) -> object:
    if arg in {"long1", "long4"}:
        return int.from_bytes(data, "little", signed=True)
    if arg.startswith("unicodestring"):
        try:
            return data.decode("utf-8", "surrogatepass")
        except UnicodeDecodeError:
            raise PickleError(f"{opname} holds invalid UTF-8", offset) from None
    if arg in {"string1", "string4"}:
        return data.decode("latin-1")
    return data


__all__ = [
    "MARK",
    "OPAQUE",
    "BytesRef",
    "Call",
    "Events",
    "Machine",
    "Outcome",
    "PickleError",
    "Ref",
    "Seq",
    "Truncated",
    "Unresolved",
]
