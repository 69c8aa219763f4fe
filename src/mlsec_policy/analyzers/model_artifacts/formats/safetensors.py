"""safetensors: the format carries no code, so what is checked is that it is well formed.

An 8-byte little-endian header length, a JSON header of that length, then the tensor bytes.
Every tensor needs a known dtype, a shape of non-negative integers, and ``data_offsets`` inside
the data area whose length equals shape × dtype size; tensors may not overlap, and the data area
should hold nothing no tensor accounts for (bytes that no tensor claims can smuggle a payload).
"""

from __future__ import annotations

from collections.abc import Callable

from mlsec_policy.analyzers.model_artifacts.issues import Issue
from mlsec_policy.analyzers.model_artifacts.members import unverifiable
from mlsec_policy.analyzers.model_artifacts.source import Source
from mlsec_policy.models import Severity
from mlsec_policy.textfile import load_json

HEADER_CAP = 100 * 1024 * 1024
BITS = {
    "BOOL": 8, "U8": 8, "I8": 8, "F8_E5M2": 8, "F8_E4M3": 8, "F8_E8M0": 8, "I16": 16,
    "U16": 16, "F16": 16, "BF16": 16, "I32": 32, "U32": 32, "F32": 32, "F64": 64, "I64": 64,
    "U64": 64, "C64": 64, "F4": 4, "F6_E2M3": 6, "F6_E3M2": 6,
}  # fmt: skip
"""Bits per element of every dtype the safetensors specification knows."""


def scan_safetensors(source: Source, member: str) -> list[Issue]:
    """Check the header and tensor layout of a safetensors file."""
    problems = _problems(source)
    return [unverifiable(member, code, text, Severity.MEDIUM) for code, text in problems[:10]]


def _problems(source: Source) -> list[tuple[str, str]]:
    size = source.size
    with source.open() as reader:
        raw = reader.read_upto(8)
        if len(raw) < 8:
            return [("safetensors-header", "is too short to hold a safetensors header")]
        length = int.from_bytes(raw, "little")
        if length > HEADER_CAP or (size is not None and 8 + length > size):
            return [("safetensors-header", f"declares a header of {length} bytes, beyond the file")]
        text = reader.read_upto(length)
    if len(text) < length:
        return [("safetensors-header", "ends inside its header")]
    if not text.lstrip(b" ").startswith(b"{"):
        return [("safetensors-header", "has a header that is not a JSON object")]
    duplicates: list[str] = []
    try:
        header = load_json(text.decode("utf-8"), object_pairs_hook=_pairs(duplicates))
    except (ValueError, UnicodeDecodeError) as exc:
        return [("safetensors-header", f"has a header that is not valid JSON: {exc}")]
    if not isinstance(header, dict):
        return [("safetensors-header", "has a header that is not a JSON object")]
    problems = [("safetensors-duplicate", f"names tensor {d!r} twice") for d in duplicates]
    data_size = None if size is None else size - 8 - length
    problems.extend(_layout(header, data_size))
    return problems


def _pairs(duplicates: list[str]) -> Callable[[list[tuple[str, object]]], dict[str, object]]:
    def hook(pairs: list[tuple[str, object]]) -> dict[str, object]:
        result: dict[str, object] = {}
        for key, value in pairs:
            if key in result:
                duplicates.append(key)
            result[key] = value
        return result

    return hook


def _layout(header: dict[str, object], data_size: int | None) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    metadata = header.get("__metadata__")
    if metadata is not None and not (
        isinstance(metadata, dict) and all(isinstance(v, str) for v in metadata.values())
    ):
        problems.append(("safetensors-metadata", "has __metadata__ that is not a string map"))
    spans: list[tuple[int, int, str]] = []
    for name, info in header.items():
        if name == "__metadata__":
            continue
        span, problem = _tensor(name, info, data_size)
        if problem:
            problems.append(("safetensors-tensor", problem))
        elif span is not None:
            spans.append(span)
    spans.sort()
    covered = 0
    for begin, end, name in spans:
        if begin < covered:
            problems.append(("safetensors-overlap", f"has tensor {name!r} overlapping another"))
        elif begin > covered:
            problems.append(
                ("safetensors-gap", f"has {begin - covered} bytes no tensor claims before {name!r}")
            )
        covered = max(covered, end)
    if data_size is not None and covered < data_size and not problems:
        problems.append(
            ("safetensors-gap", f"has {data_size - covered} bytes after the last tensor")
        )
    return problems


def _tensor(
    name: str, info: object, data_size: int | None
) -> tuple[tuple[int, int, str] | None, str | None]:
    if not isinstance(info, dict):
        return None, f"describes tensor {name!r} with something that is not an object"
    dtype, shape, offsets = info.get("dtype"), info.get("shape"), info.get("data_offsets")
    if dtype not in BITS:
        return None, f"gives tensor {name!r} the unknown dtype {dtype!r}"
    if not isinstance(shape, list) or not all(isinstance(d, int) and d >= 0 for d in shape):
        return None, f"gives tensor {name!r} an invalid shape {shape!r}"
    if (
        not isinstance(offsets, list)
        or len(offsets) != 2
        or not all(isinstance(o, int) and o >= 0 for o in offsets)
        or offsets[0] > offsets[1]
    ):
        return None, f"gives tensor {name!r} invalid data_offsets {offsets!r}"
    begin, end = offsets
    if data_size is not None and end > data_size:
        return None, f"places tensor {name!r} past the end of the file (truncated)"
    count = 1
    for dim in shape:
        count *= dim
    expected_bits = count * BITS[str(dtype)]
    if (end - begin) * 8 != expected_bits and (expected_bits + 7) // 8 != end - begin:
        return None, (
            f"gives tensor {name!r} {end - begin} bytes where shape {shape} of {dtype} "
            f"needs {(expected_bits + 7) // 8}"
        )
    return (begin, end, name), None
