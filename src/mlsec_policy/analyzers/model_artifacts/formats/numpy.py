"""NumPy ``.npy`` arrays: the header is read as a literal, object arrays are pickles.

The header is a Python dict literal; it is parsed with :func:`ast.literal_eval`, which builds
literals and nothing else. An array whose dtype holds objects is stored as a pickle after the
header and can only be loaded with ``allow_pickle=True`` — that pickle is scanned like any other.
Plain arrays must be exactly as long as their shape and dtype say.
"""

from __future__ import annotations

import ast
import re

from mlsec_policy.analyzers.model_artifacts.context import Context
from mlsec_policy.analyzers.model_artifacts.issues import Concern, Issue, where
from mlsec_policy.analyzers.model_artifacts.members import unverifiable
from mlsec_policy.analyzers.model_artifacts.pickle.scan import scan_pickle
from mlsec_policy.analyzers.model_artifacts.source import Source, Truncated, window
from mlsec_policy.models import Severity

HEADER_CAP = 1 << 20
_SIMPLE = re.compile(r"[<>|=]?([a-zA-Z])(\d*)")


class HeaderError(ValueError):
    """The header is not what NumPy writes."""


def read_header(source: Source) -> tuple[dict[str, object], int]:
    """Return the header dict and the offset where the data starts."""
    with source.open() as reader:
        magic = reader.read(8)
        major = magic[6]
        width = 2 if major == 1 else 4
        if major not in (1, 2, 3):
            raise HeaderError(f"unknown .npy format version {major}")
        length = int.from_bytes(reader.read(width), "little")
        if length > HEADER_CAP:
            raise HeaderError(f"header of {length} bytes")
        text = reader.read(length).decode("utf-8" if major == 3 else "latin-1")
    try:
        header = ast.literal_eval(text)
    except (ValueError, SyntaxError) as exc:
        raise HeaderError(f"header is not a literal: {exc}") from None
    if not isinstance(header, dict) or not {"descr", "fortran_order", "shape"} <= set(header):
        raise HeaderError("header lacks descr, fortran_order or shape")
    return header, 8 + width + length


def holds_objects(descr: object) -> bool:
    """Return True when a dtype description includes Python objects."""
    if isinstance(descr, str):
        return bool(_SIMPLE.fullmatch(descr)) and descr.lstrip("<>|=").startswith("O")
    if isinstance(descr, list | tuple):
        return any(holds_objects(part) for part in descr)
    return False


def item_size(descr: object) -> int | None:
    """Return the bytes per element of a dtype description, None when it cannot be told."""
    if isinstance(descr, str):
        match = _SIMPLE.fullmatch(descr)
        if not match or not match.group(2):
            return None
        kind, digits = match.group(1), int(match.group(2))
        return digits * 4 if kind == "U" else digits
    if isinstance(descr, list):
        total = 0
        for field in descr:
            if not isinstance(field, tuple) or len(field) < 2:
                return None
            size = item_size(field[1])
            if size is None:
                return None
            count = 1
            for dim in field[2] if len(field) > 2 and isinstance(field[2], tuple) else ():
                count *= int(dim)
            total += size * count
        return total
    return None


def scan_npy(source: Source, member: str, context: Context) -> list[Issue]:
    """Scan one ``.npy`` array."""
    try:
        header, start = read_header(source)
    except (HeaderError, Truncated, UnicodeDecodeError, IndexError) as exc:
        return [unverifiable(member, "bad-npy", f"has an unreadable .npy header: {exc}")]
    descr, shape = header["descr"], header["shape"]
    size = source.size
    if holds_objects(descr):
        body = window(source, start, (size - start) if size is not None else 1 << 62)
        return [
            Issue(
                Concern.CODE,
                Severity.MEDIUM,
                "object-array",
                f"{where(member)}is an object array: numpy.load needs allow_pickle=True, which "
                "unpickles its data; store plain numeric arrays instead",
                member,
                "object-array",
            ),
            *scan_pickle(body, member),
        ]
    if not isinstance(shape, tuple) or not all(isinstance(d, int) and d >= 0 for d in shape):
        return [unverifiable(member, "bad-npy", f"has an invalid shape {shape!r}", Severity.MEDIUM)]
    itemsize = item_size(descr)
    if itemsize is None or size is None:
        return []
    count = 1
    for dim in shape:
        count *= dim
    expected = start + count * itemsize
    if size < expected:
        return [
            unverifiable(
                member,
                "short-array",
                f"holds {size - start} data bytes but its header describes {count * itemsize}: "
                "the array is incomplete",
                Severity.MEDIUM,
            )
        ]
    return []
