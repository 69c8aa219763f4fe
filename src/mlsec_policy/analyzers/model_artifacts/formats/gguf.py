"""GGUF: a sane header and metadata, tensors inside the file, and chat templates without code.

The header (magic, version 1–3, tensor and metadata counts) is checked, every metadata value
is walked (large arrays such as vocabularies are crossed, not kept), and the tensor table is
read to check each tensor's data lies inside the file. ``tokenizer.chat_template`` values are
Jinja2 templates that servers render: templates that reach Python internals (``__class__``,
``__globals__``, ``__subclasses__``...) escape the sandbox and run code (CVE-2024-34359).
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass

from mlsec_policy.analyzers.model_artifacts.issues import Concern, Issue, where
from mlsec_policy.analyzers.model_artifacts.members import unverifiable
from mlsec_policy.analyzers.model_artifacts.source import Reader, Source, Truncated
from mlsec_policy.models import Severity

MAX_TENSORS = 1_000_000
MAX_KEYS = 1_000_000
MAX_STRING = 64 * 1024 * 1024
TEMPLATE_CAP = 1024 * 1024
SCALARS = {0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8}
"""Value type → byte size for the fixed-size GGUF value types."""
STRING, ARRAY = 8, 9
BLOCKS = {
    0: (1, 4), 1: (1, 2), 2: (32, 18), 3: (32, 20), 6: (32, 22), 7: (32, 24), 8: (32, 34),
    9: (32, 36), 10: (256, 84), 11: (256, 110), 12: (256, 144), 13: (256, 176),
    14: (256, 210), 15: (256, 292), 16: (256, 66), 17: (256, 74), 18: (256, 98),
    19: (256, 50), 20: (32, 18), 21: (256, 110), 22: (256, 82), 23: (256, 136), 24: (1, 1),
    25: (1, 2), 26: (1, 4), 27: (1, 8), 28: (1, 8), 29: (256, 56), 30: (1, 2),
    34: (256, 54), 35: (256, 66), 39: (32, 17),
}  # fmt: skip
"""ggml tensor type → (elements per block, bytes per block), for the size check."""
CODE_CONSTRUCTS = re.compile(
    r"__\w+__|\|\s*attr\b|\b(lipsum|cycler|joiner|self\._TemplateReference|request|config)\b"
    r"|\bos\.|\bsubprocess\b|\bimport\b|\beval\b|\bexec\b|\bpopen\b"
)


class GgufError(ValueError):
    """The GGUF structure is invalid."""


def scan_gguf(source: Source, member: str) -> list[Issue]:
    """Check the header, metadata, tensor table and chat templates of a GGUF file."""
    issues: list[Issue] = []
    try:
        with source.open() as reader:
            header = _header_and_metadata(reader)
            for key, template in header.templates:
                issues.extend(_template_issues(key, template, member))
            issues.extend(_tensors(reader, header, source.size, member))
    except (GgufError, Truncated, UnicodeDecodeError, struct.error) as exc:
        issues.append(
            unverifiable(member, "bad-gguf", f"is not a valid GGUF file: {exc}", Severity.MEDIUM)
        )
    return issues


@dataclass(frozen=True, slots=True)
class _Header:
    wide: bool
    """Version 2 and later use 64-bit counts and lengths."""
    tensors: int
    templates: list[tuple[str, str]]
    alignment: int


def _header_and_metadata(reader: Reader) -> _Header:
    magic, version = struct.unpack("<4sI", reader.read(8))
    if magic != b"GGUF" or version not in (1, 2, 3):
        raise GgufError(f"unsupported version {version}")
    wide = version > 1
    tensors = _count(reader, wide, MAX_TENSORS, "tensors")
    keys = _count(reader, wide, MAX_KEYS, "metadata keys")
    templates: list[tuple[str, str]] = []
    alignment = 32
    for _ in range(keys):
        key = _string(reader, wide, 65_536)
        kind = struct.unpack("<I", reader.read(4))[0]
        if key.startswith("tokenizer.chat_template") and kind == STRING:
            templates.append((key, _string(reader, wide, TEMPLATE_CAP)))
        elif key == "general.alignment" and kind == 4:
            alignment = struct.unpack("<I", reader.read(4))[0]
            if alignment == 0 or alignment & (alignment - 1):
                raise GgufError(f"general.alignment {alignment} is not a power of two")
        else:
            _skip_value(reader, kind, wide, depth=0)
    return _Header(wide, tensors, templates, alignment)


def _count(reader: Reader, wide: bool, cap: int, what: str) -> int:
    value = struct.unpack("<Q" if wide else "<I", reader.read(8 if wide else 4))[0]
    if value > cap:
        raise GgufError(f"declares {value} {what}")
    return int(value)


def _string(reader: Reader, wide: bool, cap: int) -> str:
    length = struct.unpack("<Q" if wide else "<I", reader.read(8 if wide else 4))[0]
    if length > cap:
        raise GgufError(f"a string of {length} bytes")
    return reader.read(length).decode("utf-8")


def _skip_value(reader: Reader, kind: int, wide: bool, depth: int) -> None:
    if kind in SCALARS:
        reader.skip(SCALARS[kind])
    elif kind == STRING:
        length = struct.unpack("<Q" if wide else "<I", reader.read(8 if wide else 4))[0]
        if length > MAX_STRING:
            raise GgufError(f"a string of {length} bytes")
        reader.skip(length)
    elif kind == ARRAY and depth < 4:
        inner = struct.unpack("<I", reader.read(4))[0]
        count = struct.unpack("<Q" if wide else "<I", reader.read(8 if wide else 4))[0]
        if inner in SCALARS:
            reader.skip(count * SCALARS[inner])
        else:
            for _ in range(count):
                _skip_value(reader, inner, wide, depth + 1)
    else:
        raise GgufError(f"unknown metadata value type {kind}")


def _tensors(reader: Reader, header: _Header, size: int | None, member: str) -> list[Issue]:
    alignment = header.alignment
    spans: list[tuple[int, int, str]] = []
    for _ in range(header.tensors):
        name = _string(reader, header.wide, 65_536)
        dims = struct.unpack("<I", reader.read(4))[0]
        if dims > 8:
            raise GgufError(f"tensor {name!r} has {dims} dimensions")
        width = "Q" if header.wide else "I"
        shape = struct.unpack(f"<{dims}{width}", reader.read((8 if header.wide else 4) * dims))
        kind, offset = struct.unpack("<IQ", reader.read(12))
        elements = 1
        for dim in shape:
            elements *= dim
        block = BLOCKS.get(kind)
        if block is not None:
            spans.append((offset, offset + -(-elements // block[0]) * block[1], name))
    data_start = -(-reader.pos // alignment) * alignment
    issues: list[Issue] = []
    for offset, end, name in spans:
        if offset % alignment:
            issues.append(
                unverifiable(
                    member, "gguf-alignment", f"tensor {name!r} is misaligned", Severity.MEDIUM
                )
            )
        if size is not None and data_start + end > size:
            issues.append(
                unverifiable(
                    member,
                    "gguf-truncated",
                    f"tensor {name!r} ends past the end of the file: the model is incomplete",
                    Severity.MEDIUM,
                )
            )
            break
    return issues


def _template_issues(key: str, template: str, member: str) -> list[Issue]:
    found = sorted({m.group(0) for m in CODE_CONSTRUCTS.finditer(template)})
    if not found:
        return []
    dunder = any(f.startswith("__") for f in found)
    return [
        Issue(
            Concern.TEMPLATE,
            Severity.CRITICAL if dunder else Severity.HIGH,
            "template-code",
            f"{where(member)}{key} uses {', '.join(found[:6])}: a chat template that reaches "
            "Python internals escapes the Jinja2 sandbox and runs code on the server that "
            "renders it (CVE-2024-34359)",
            member,
            key,
            template[:200],
        )
    ]
