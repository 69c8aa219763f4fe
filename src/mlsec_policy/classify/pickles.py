"""Pickles by their first bytes: is it a pickle at all, and does it hold a model or only data.

A file that is one pickle of at most 1 MiB whose every import is a data container (builtins,
``collections``, ``datetime``, NumPy arrays, pandas indexes, series and frames) and whose
name does not call it a model (a pickled index of column names, a label map, a small table)
is ``data-pickle``: still a pickle, still scanned for what it imports (it runs code when
loaded like any other), but not a *model* for the controls that ask whether a repository
ships models (a model card). Every other pickle — one that imports anything else
(scikit-learn, PyTorch, ``argparse``, a project's own classes), one larger than that, one
followed by more bytes — is ``pickle``, a model.
"""

from __future__ import annotations

import io
import pickletools
import re

PEEK_BYTES = 8192
"""How much of a file classification may read (the same as the package's)."""
WHOLE_PICKLE = 1024 * 1024
"""Pickles up to this size are read whole to tell data from a model; bigger ones are models."""
DATA_MODULES = frozenset(
    {
        "builtins",
        "__builtin__",
        "collections",
        "copyreg",
        "copy_reg",
        "_codecs",
        "datetime",
        "decimal",
        "fractions",
        "uuid",
        "numpy",
        "pandas",
    }
)
"""Top-level modules whose names a pickle of plain data imports."""
MODEL_NAME = re.compile(
    r"model|weight|checkpoint|ckpt|state_?dict|param|estimator|classifier|regressor|clf"
    r"|pipeline|net\b|_net|network|encoder|tokenizer|embedding"
)
"""File names that call a pickle a model: it stays one even when it holds only arrays."""
_STRINGS = frozenset(
    {"SHORT_BINUNICODE", "BINUNICODE", "BINUNICODE8", "UNICODE", "STRING", "BINSTRING"}
    | {"SHORT_BINSTRING"}
)
_GETS = frozenset({"GET", "BINGET", "LONG_BINGET"})
_PUTS = frozenset({"PUT", "BINPUT", "LONG_BINPUT"})


def pickle_format(data: bytes, name: str) -> str:
    """Return ``data-pickle`` when ``data`` — a whole file — is one pickle of data containers.

    Anything else is ``pickle``: a pickle that imports other names, one that does not end in
    ``data``, one followed by more bytes (legacy PyTorch files, several pickles back to back),
    or one whose file ``name`` calls it a model (weights can be plain arrays).
    """
    if MODEL_NAME.search(name.lower()):
        return "pickle"
    found = _imports_to_stop(data)
    if found is None:
        return "pickle"
    modules, end = found
    if data[end:].strip() or not all(_is_data(module) for module in modules):
        return "pickle"
    return "data-pickle"


def _imports_to_stop(head: bytes) -> tuple[set[str], int] | None:
    """Return the modules the first pickle imports and where it ends, or None if not in ``head``.

    ``STACK_GLOBAL`` takes its module and name from the two values pushed last; strings pushed
    directly or fetched from the memo are followed, anything else makes the import unknown.
    """
    modules: set[str] = set()
    pushed: list[object] = [None, None]
    memo: dict[object, object] = {}
    try:
        for opcode, arg, position in pickletools.genops(io.BytesIO(head)):
            name = opcode.name
            if name == "STOP":
                return modules, (position or 0) + 1
            if name in _STRINGS:
                pushed.append(arg)
            elif name in _GETS:
                pushed.append(memo.get(arg))
            elif name in _PUTS:
                memo[arg] = pushed[-1]
            elif name == "MEMOIZE":
                memo[len(memo)] = pushed[-1]
            elif name in {"GLOBAL", "INST"}:
                modules.add(str(arg).split(" ", 1)[0])
                pushed.append(None)
            elif name == "STACK_GLOBAL":
                if not isinstance(pushed[-2], str):
                    return None
                modules.add(pushed[-2])
                pushed.append(None)
            elif opcode.stack_after:
                pushed.append(None)
            del pushed[:-2]
    except (ValueError, UnicodeError, EOFError, KeyError, IndexError, OverflowError):
        return None
    return None


def _is_data(module: str) -> bool:
    top, _, rest = module.partition(".")
    return top in DATA_MODULES and not rest.startswith(("io", "testing", "f2py", "distutils"))


def looks_like_pickle(head: bytes) -> bool:
    """Return True when the bytes start like a pickle of any protocol.

    Protocols 2-5 start with PROTO (0x80 and the protocol number). Protocols 0 and 1 have no
    magic: the head is decoded opcode by opcode, and it counts as a pickle when it reaches STOP,
    or imports a well-formed ``module name`` pair, or decodes into many opcodes without error.
    Text almost never survives this: prose fails on its first few characters.
    """
    if len(head) >= 2 and head[0] == 0x80 and 2 <= head[1] <= 5:
        return True
    if not head or head[0] not in _PICKLE_STARTS:
        return False
    count = 0
    imported = False
    memo: set[object] = set()
    depth, marks = 0, list[int]()  # the stack is emulated: text rarely keeps it consistent
    try:
        for opcode, arg, position in pickletools.genops(io.BytesIO(head)):
            count += 1
            if opcode.name in {"GET", "BINGET", "LONG_BINGET"} and arg not in memo:
                return False  # reads a memo slot nothing stored: CSS such as "h2.svelte{"
            if opcode.name in {"PUT", "BINPUT", "LONG_BINPUT"}:
                memo.add(arg)
            before = list(opcode.stack_before)
            if pickletools.markobject in before:
                if not marks:
                    return False
                depth = marks.pop()
                before = before[: before.index(pickletools.markobject)]
            if depth < len(before) or (opcode.name == "STOP" and (depth != 1 or marks)):
                return False
            depth -= len(before)
            for item in opcode.stack_after:
                if item is pickletools.markobject:
                    marks.append(depth)
                else:
                    depth += 1
            if imported:
                return True  # an import followed by a well-formed opcode
            if opcode.name in {"GLOBAL", "INST"}:
                if _IMPORT.fullmatch(str(arg)) is None:
                    return False
                imported = True
            if opcode.name == "STOP":
                return count >= 2 and _ends_cleanly(head[(position or 0) + 1 :])
            if count >= 64:
                return True
    except (ValueError, UnicodeError, EOFError, KeyError, IndexError, OverflowError):
        return count >= 64 and len(head) >= PEEK_BYTES
    return False


def _ends_cleanly(rest: bytes) -> bool:
    """Return True when what follows a STOP is nothing, or the start of another pickle."""
    rest = rest.lstrip(b"\r\n")
    return not rest or looks_like_pickle(rest[:PEEK_BYTES])


_PICKLE_STARTS = frozenset(b"(cdilt}])NIJKLMFGSTUVXaehpq\x85\x88\x89")
_IMPORT = re.compile(r"[A-Za-z_][\w.]* [A-Za-z_][\w.]*")
