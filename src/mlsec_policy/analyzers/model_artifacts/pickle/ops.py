"""Opcode handlers of the symbolic pickle machine: what each opcode does to the stack."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from mlsec_policy.analyzers.model_artifacts.pickle.values import (
    MARK,
    OPAQUE,
    Call,
    PickleError,
    Ref,
    Seq,
    Unresolved,
    short,
)

if TYPE_CHECKING:
    from mlsec_policy.analyzers.model_artifacts.pickle.vm import Machine

MEMO_CAP = 4_000_000

Handler = Callable[["Machine", object, int], None]


def _push_arg(machine: Machine, arg: object, offset: int) -> None:
    machine.push(arg)


def _push_const(value: object) -> Handler:
    return lambda machine, arg, offset: machine.push(value)


def _proto(machine: Machine, arg: object, offset: int) -> None:
    machine.protocol = int(arg) if isinstance(arg, int) else 0


def _nothing(machine: Machine, arg: object, offset: int) -> None:
    return None


def _new_seq(kind: str) -> Handler:
    return lambda machine, arg, offset: machine.push(Seq(kind))


def _seq_from_mark(kind: str) -> Handler:
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


def _tuple_n(count: int) -> Handler:
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
        target = Unresolved(offset, f"operands {short(module)} and {short(name)} are not strings")
    machine.events.on_import(target, "STACK_GLOBAL")
    machine.push(target)


def _ext(machine: Machine, arg: object, offset: int) -> None:
    target = Unresolved(offset, f"extension code {arg!r} names an import from the copyreg registry")
    machine.events.on_import(target, "EXT")
    machine.push(target)


def _call(machine: Machine, opcode: str, offset: int) -> None:
    """Pop a callable and its arguments, report the call, push its (symbolic) result."""
    args = machine._pop(offset)
    func = machine._pop(offset)
    call = Call(func, args)
    machine.events.on_call(call, opcode, offset)
    machine.push(call)


def _reduce(machine: Machine, arg: object, offset: int) -> None:
    _call(machine, "REDUCE", offset)


def _newobj(machine: Machine, arg: object, offset: int) -> None:
    _call(machine, "NEWOBJ", offset)


def _newobj_ex(machine: Machine, arg: object, offset: int) -> None:
    machine._pop(offset)  # kwargs
    _call(machine, "NEWOBJ_EX", offset)


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
HANDLERS: dict[str, Handler] = {
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
