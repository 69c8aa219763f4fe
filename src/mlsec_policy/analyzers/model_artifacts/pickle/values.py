"""The symbols a pickle is emulated with, and the callbacks a scanner receives."""

from __future__ import annotations

from dataclasses import dataclass, field

from mlsec_policy.analyzers.model_artifacts.source import Reader

CONTAINER_CAP = 256
"""Items kept per emulated list or dict (the rest are counted, not stored)."""


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
        inner = ", ".join(short(i) for i in self.items[:8])
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
        inner = ", ".join(short(a) for a in args.items) if isinstance(args, Seq) else short(args)
        return f"{self.func!r}({inner})"


def short(value: object) -> str:
    """Return a repr cut to 120 characters."""
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
