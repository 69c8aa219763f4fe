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
from dataclasses import dataclass, field

from mlsec_policy.analyzers.models.source import Reader, Truncated

SMALL = 4096
"""Strings and byte strings up to this size are kept as values; longer ones are skipped."""
CONTAINER_CAP = 256
"""Items kept per emulated list or dict (the rest are counted, not stored)."""
STACK_CAP = 1_000_000
MEMO_CAP = 4_000_000
LINE_CAP = 1 << 20

OPCODES: dict[int, pickletools.OpcodeInfo] = {
    op.code.encode("latin-1")[0]: op for op in pickletools.opcodes
}


class PickleError(Exception):
    """The stream is not a valid pickle from this point on."""

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(f"{message} (at byte {offset})")
        self.offset = offset


class _Mark:
    def __repr__(self) -> str:
        return "MARK"


class _Opaque:
    def __repr__(self) -> str:
        return "..."


MARK = _Mark()
OPAQUE = _Opaque()
"""A value the emulation does not track."""


@dataclass(frozen=True, slots=True)
class Ref:
    """An imported name (``GLOBAL``, ``INST``, ``STACK_GLOBAL``)."""

    module: str
    name: str
    offset: int

    def __repr__(self) -> str:
        return f"{self.module}.{self.name}"


@dataclass(frozen=True, slots=True)
class Unresolved:
    """A ``STACK_GLOBAL`` or extension code whose target cannot be known statically."""

    offset: int
    why: str

    def __repr__(self) -> str:
        return "<unresolved import>"


@dataclass(frozen=True, slots=True)
class BytesRef:
    """A byte string left in the stream: where it starts and how long it is."""

    offset: int
    length: int

    def __repr__(self) -> str:
        return f"<{self.length} bytes>"


@dataclass(eq=False, slots=True)
class Seq:
    """An emulated list, tuple, set or dict (dicts hold (key, value) tuples)."""

    kind: str
    items: list[object] = field(default_factory=list)
    more: int = 0
    """Items seen beyond the cap and not stored."""

    def add(self, value: object) -> None:
        """Append an item, counting it once the cap is reached."""
        if len(self.items) < CONTAINER_CAP:
            self.items.append(value)
        else:
            self.more += 1

    def get(self, key: object) -> object:
        """Return a dict item's value, OPAQUE when absent."""
        for item in self.items:
            if isinstance(item, tuple) and len(item) == 2 and item[0] == key:
                return item[1]
        return OPAQUE

    def __repr__(self) -> str:
        inner = ", ".join(_short(i) for i in self.items[:8])
        tail = ", ..." if len(self.items) > 8 or self.more else ""
        brackets = {"list": "[]", "dict": "{}", "set": "{}"}.get(self.kind, "()")
        return f"{brackets[0]}{inner}{tail}{brackets[1]}"


@dataclass(eq=False, slots=True)
class Call:
    """What calling ``func`` with ``args`` would have returned (REDUCE, NEWOBJ, OBJ, INST)."""

    func: object
    args: object
    state: object = None
    """The state a later BUILD gave the object."""

    def __repr__(self) -> str:
        args = self.args
        inner = ", ".join(_short(a) for a in args.items) if isinstance(args, Seq) else _short(args)
        return f"{self.func!r}({inner})"


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 120 else text[:117] + "..."


class Events:
    """Callbacks a scanner gives the machine; the defaults do nothing."""

    def on_import(self, ref: Ref | Unresolved, opcode: str) -> None:
        """Observe every import (GLOBAL, INST, STACK_GLOBAL, EXT)."""

    def on_call(self, call: Call, opcode: str, offset: int) -> None:
        """Observe every call site (REDUCE, NEWOBJ, NEWOBJ_EX, OBJ, INST)."""

    def on_build(self, target: object, state: object, reader: Reader) -> None:
        """Observe a BUILD; may consume bytes that follow (joblib array data)."""

    def on_persid(self, pid: object) -> None:
        """Observe every persistent id (PyTorch storage references)."""


@dataclass(slots=True)
class Outcome:
    """What one pickle (up to STOP) produced."""

    value: object
    opcodes: int
    protocol: int
    start: int
    end: int


_Handler = Callable[["Machine", object, int], None]


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
            handler = _HANDLERS.get(op.name)
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


# -- opcode handlers ---------------------------------------------------------------------------


def _push_arg(machine: Machine, arg: object, offset: int) -> None:
    machine.push(arg)


def _push_const(value: object) -> _Handler:
    return lambda machine, arg, offset: machine.push(value)


def _proto(machine: Machine, arg: object, offset: int) -> None:
    machine.protocol = int(arg) if isinstance(arg, int) else 0


def _nothing(machine: Machine, arg: object, offset: int) -> None:
    return None


def _new_seq(kind: str) -> _Handler:
    return lambda machine, arg, offset: machine.push(Seq(kind))


def _seq_from_mark(kind: str) -> _Handler:
    def handler(machine: Machine, arg: object, offset: int) -> None:
        items = machine._pop_mark(offset)
        seq = Seq(kind)
        if kind == "dict":
            for key, value in zip(items[::2], items[1::2], strict=False):
                seq.add((key, value))
        else:
            for item in items:
                seq.add(item)
        machine.push(seq)

    return handler


def _tuple_n(count: int) -> _Handler:
    def handler(machine: Machine, arg: object, offset: int) -> None:
        items = [machine._pop(offset) for _ in range(count)][::-1]
        machine.push(Seq("tuple", items))

    return handler


def _append(machine: Machine, arg: object, offset: int) -> None:
    value = machine._pop(offset)
    target = machine._pop(offset)
    if isinstance(target, Seq):
        target.add(value)
    machine.push(target)


def _appends(machine: Machine, arg: object, offset: int) -> None:
    items = machine._pop_mark(offset)
    target = machine._pop(offset)
    if isinstance(target, Seq):
        for item in items:
            target.add(item)
    machine.push(target)


def _setitem(machine: Machine, arg: object, offset: int) -> None:
    value = machine._pop(offset)
    key = machine._pop(offset)
    target = machine._pop(offset)
    if isinstance(target, Seq):
        target.add((key, value))
    machine.push(target)


def _setitems(machine: Machine, arg: object, offset: int) -> None:
    items = machine._pop_mark(offset)
    target = machine._pop(offset)
    if isinstance(target, Seq):
        for key, value in zip(items[::2], items[1::2], strict=False):
            target.add((key, value))
    machine.push(target)


def _mark(machine: Machine, arg: object, offset: int) -> None:
    machine.marks.append(len(machine.stack))
    machine.push(MARK)


def _pop_top(machine: Machine, arg: object, offset: int) -> None:
    if machine.stack and machine.stack[-1] is MARK:
        machine._pop_mark(offset)
    else:
        machine._pop(offset)


def _pop_mark_op(machine: Machine, arg: object, offset: int) -> None:
    machine._pop_mark(offset)


def _dup(machine: Machine, arg: object, offset: int) -> None:
    value = machine._pop(offset)
    machine.push(value)
    machine.push(value)


def _put(machine: Machine, arg: object, offset: int) -> None:
    if not machine.stack or machine.stack[-1] is MARK:
        raise PickleError("nothing to memoize", offset)
    index = len(machine.memo) if arg is None else arg
    if not isinstance(index, int):
        raise PickleError("bad memo index", offset)
    if len(machine.memo) >= MEMO_CAP and index not in machine.memo:
        raise PickleError(f"the memo grows past {MEMO_CAP} entries", offset)
    machine.memo[index] = machine.stack[-1]


def _get(machine: Machine, arg: object, offset: int) -> None:
    if not isinstance(arg, int) or arg not in machine.memo:
        raise PickleError(f"memo slot {arg!r} was never stored", offset)
    machine.push(machine.memo[arg])


def _global(machine: Machine, arg: object, offset: int) -> None:
    module, _, name = str(arg).partition(" ")
    ref = Ref(module, name, offset)
    machine.events.on_import(ref, "GLOBAL")
    machine.push(ref)


def _stack_global(machine: Machine, arg: object, offset: int) -> None:
    name = machine._pop(offset)
    module = machine._pop(offset)
    target: Ref | Unresolved
    if isinstance(module, str) and isinstance(name, str):
        target = Ref(module, name, offset)
    else:
        target = Unresolved(offset, f"operands {_short(module)} and {_short(name)} are not strings")
    machine.events.on_import(target, "STACK_GLOBAL")
    machine.push(target)


def _ext(machine: Machine, arg: object, offset: int) -> None:
    target = Unresolved(offset, f"extension code {arg!r} names an import from the copyreg registry")
    machine.events.on_import(target, "EXT")
    machine.push(target)


def _reduce(machine: Machine, arg: object, offset: int) -> None:
    args = machine._pop(offset)
    func = machine._pop(offset)
    call = Call(func, args)
    machine.events.on_call(call, "REDUCE", offset)
    machine.push(call)


def _newobj(machine: Machine, arg: object, offset: int) -> None:
    args = machine._pop(offset)
    cls = machine._pop(offset)
    call = Call(cls, args)
    machine.events.on_call(call, "NEWOBJ", offset)
    machine.push(call)


def _newobj_ex(machine: Machine, arg: object, offset: int) -> None:
    machine._pop(offset)  # kwargs
    args = machine._pop(offset)
    cls = machine._pop(offset)
    call = Call(cls, args)
    machine.events.on_call(call, "NEWOBJ_EX", offset)
    machine.push(call)


def _obj(machine: Machine, arg: object, offset: int) -> None:
    items = machine._pop_mark(offset)
    if not items:
        raise PickleError("OBJ without a class", offset)
    call = Call(items[0], Seq("tuple", items[1:]))
    machine.events.on_call(call, "OBJ", offset)
    machine.push(call)


def _inst(machine: Machine, arg: object, offset: int) -> None:
    module, _, name = str(arg).partition(" ")
    ref = Ref(module, name, offset)
    machine.events.on_import(ref, "INST")
    items = machine._pop_mark(offset)
    call = Call(ref, Seq("tuple", items))
    machine.events.on_call(call, "INST", offset)
    machine.push(call)


def _build(machine: Machine, arg: object, offset: int) -> None:
    state = machine._pop(offset)
    target = machine._pop(offset)
    if isinstance(target, Call):
        target.state = state
    machine.push(target)
    machine.events.on_build(target, state, machine.reader)


def _persid(machine: Machine, arg: object, offset: int) -> None:
    machine.events.on_persid(arg)
    machine.push(OPAQUE)


def _binpersid(machine: Machine, arg: object, offset: int) -> None:
    machine.events.on_persid(machine._pop(offset))
    machine.push(OPAQUE)


_CONSTANTS = {"NONE": None, "NEWTRUE": True, "NEWFALSE": False}
_HANDLERS: dict[str, _Handler] = {
    **{name: _push_const(value) for name, value in _CONSTANTS.items()},
    **dict.fromkeys(
        [
            "INT",
            "BININT",
            "BININT1",
            "BININT2",
            "LONG",
            "LONG1",
            "LONG4",
            "FLOAT",
            "BINFLOAT",
            "STRING",
            "BINSTRING",
            "SHORT_BINSTRING",
            "BINBYTES",
            "SHORT_BINBYTES",
            "BINBYTES8",
            "UNICODE",
            "SHORT_BINUNICODE",
            "BINUNICODE",
            "BINUNICODE8",
        ],
        _push_arg,
    ),
    "BYTEARRAY8": lambda machine, arg, offset: machine.push(OPAQUE),
    "PROTO": _proto,
    "FRAME": _nothing,
    "EMPTY_LIST": _new_seq("list"),
    "EMPTY_TUPLE": _new_seq("tuple"),
    "EMPTY_DICT": _new_seq("dict"),
    "EMPTY_SET": _new_seq("set"),
    "LIST": _seq_from_mark("list"),
    "TUPLE": _seq_from_mark("tuple"),
    "DICT": _seq_from_mark("dict"),
    "FROZENSET": _seq_from_mark("set"),
    "TUPLE1": _tuple_n(1),
    "TUPLE2": _tuple_n(2),
    "TUPLE3": _tuple_n(3),
    "APPEND": _append,
    "APPENDS": _appends,
    "ADDITEMS": _appends,
    "SETITEM": _setitem,
    "SETITEMS": _setitems,
    "MARK": _mark,
    "POP": _pop_top,
    "POP_MARK": _pop_mark_op,
    "DUP": _dup,
    "PUT": _put,
    "BINPUT": _put,
    "LONG_BINPUT": _put,
    "MEMOIZE": _put,
    "GET": _get,
    "BINGET": _get,
    "LONG_BINGET": _get,
    "GLOBAL": _global,
    "STACK_GLOBAL": _stack_global,
    "EXT1": _ext,
    "EXT2": _ext,
    "EXT4": _ext,
    "REDUCE": _reduce,
    "NEWOBJ": _newobj,
    "NEWOBJ_EX": _newobj_ex,
    "OBJ": _obj,
    "INST": _inst,
    "BUILD": _build,
    "PERSID": _persid,
    "BINPERSID": _binpersid,
}


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
