"""Hostile inputs for the parsers: any bytes, and structured mutations of a valid file.

A random byte string rarely gets past a format's magic number, so most of the search starts
from a valid file (a seed) and breaks it the way hostile or damaged files are broken:
truncated, bits flipped, a length or count field set huge, a slice repeated, bytes spliced in,
or, for text formats, one value replaced by something nested very deeply. One to four
mutations are stacked. Every input stays under :data:`MAX_BYTES`, so a parser's time and
memory on it are bounded by its own limits, not by the size of what it was given.
"""

from __future__ import annotations

import struct
from collections.abc import Callable, Sequence

from hypothesis import strategies as st

MAX_BYTES = 256 * 1024
"""Largest input drawn."""
HUGE = (
    struct.pack("<I", 0x7FFFFFFF),
    struct.pack("<I", 0xFFFFFFFF),
    struct.pack("<Q", 0x7FFFFFFFFFFFFFFF),
    struct.pack("<Q", 0xFFFFFFFFFFFFFFFF),
    struct.pack("<Q", 1 << 62),
    struct.pack(">I", 0xFFFFFFFF),
    b"\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01",  # the longest varint
    b"\x80" * 11,  # a varint that never ends
)
"""Length and count fields as a hostile file sets them: at or past every bound."""

Nest = Callable[[int], bytes]
"""Build a value of a text format nested ``depth`` levels deep."""


def any_bytes(max_size: int = 4096) -> st.SearchStrategy[bytes]:
    """Return arbitrary bytes."""
    return st.binary(max_size=max_size)


def mutated(seeds: Sequence[bytes], nest: Nest | None = None) -> st.SearchStrategy[bytes]:
    """Return valid seeds broken by one to four stacked mutations (and the seeds as they are)."""
    return st.builds(_apply, st.sampled_from(list(seeds)), st.lists(_mutation(nest), max_size=4))


def hostile(seeds: Sequence[bytes], nest: Nest | None = None) -> st.SearchStrategy[bytes]:
    """Return mostly mutated seeds, sometimes arbitrary bytes."""
    return st.one_of(mutated(seeds, nest), any_bytes())


def as_text(data: st.SearchStrategy[bytes]) -> st.SearchStrategy[str]:
    """Return the inputs decoded as the readers decode a file (invalid bytes replaced)."""
    return data.map(lambda raw: raw.decode("utf-8", errors="replace"))


Mutation = Callable[[bytes], bytes]


def _apply(seed: bytes, mutations: list[Mutation]) -> bytes:
    data = seed
    for mutate in mutations:
        data = mutate(data)[:MAX_BYTES]
    return data


def _mutation(nest: Nest | None) -> st.SearchStrategy[Mutation]:
    where = st.floats(min_value=0.0, max_value=1.0)
    kinds = [
        st.builds(_truncate, where),
        st.builds(_flip, where, st.integers(0, 7)),
        st.builds(_overwrite, where, st.sampled_from(HUGE)),
        st.builds(_overwrite, where, st.binary(min_size=1, max_size=8)),
        st.builds(_splice, where, st.binary(min_size=1, max_size=64)),
        st.builds(_repeat, where, st.integers(1, 64), st.integers(2, 2000)),
        st.builds(_delete, where, st.integers(1, 64)),
    ]
    if nest is not None:
        kinds.append(st.builds(_nested, where, st.integers(1, 60_000), st.just(nest)))
    return st.one_of(kinds)


def _at(data: bytes, where: float) -> int:
    return min(len(data), int(where * len(data)))


def _truncate(where: float) -> Mutation:
    return lambda data: data[: _at(data, where)]


def _flip(where: float, bit: int) -> Mutation:
    def mutate(data: bytes) -> bytes:
        if not data:
            return data
        at = min(len(data) - 1, _at(data, where))
        return data[:at] + bytes([data[at] ^ (1 << bit)]) + data[at + 1 :]

    return mutate


def _overwrite(where: float, value: bytes) -> Mutation:
    def mutate(data: bytes) -> bytes:
        at = _at(data, where)
        return data[:at] + value + data[at + len(value) :]

    return mutate


def _splice(where: float, value: bytes) -> Mutation:
    def mutate(data: bytes) -> bytes:
        at = _at(data, where)
        return data[:at] + value + data[at:]

    return mutate


def _repeat(where: float, size: int, times: int) -> Mutation:
    def mutate(data: bytes) -> bytes:
        at = _at(data, where)
        piece = data[at : at + size]
        times_kept = min(times, MAX_BYTES // max(1, len(piece)))
        return data[:at] + piece * times_kept + data[at:]

    return mutate


def _delete(where: float, size: int) -> Mutation:
    def mutate(data: bytes) -> bytes:
        at = _at(data, where)
        return data[:at] + data[at + size :]

    return mutate


def _nested(where: float, depth: int, nest: Nest) -> Mutation:
    def mutate(data: bytes) -> bytes:
        at = _at(data, where)
        return data[:at] + nest(depth) + data[at:]

    return mutate


def json_nest(depth: int) -> bytes:
    """Return JSON lists and objects nested ``depth`` deep."""
    half = depth // 2
    return b'{"a":' * half + b"[" * (depth - half) + b"]" * (depth - half) + b"}" * half


def yaml_nest(depth: int) -> bytes:
    """Return YAML flow collections nested ``depth`` deep, then block mappings indented deep."""
    flow = min(depth, 20_000)
    block = b"".join(b" " * level + b"k:\n" for level in range(min(depth, 300)))
    return b"[" * flow + b"]" * flow + b"\n" + block


def toml_nest(depth: int) -> bytes:
    """Return a TOML inline array nested ``depth`` deep."""
    return b"x = " + b"[" * depth + b"]" * depth + b"\n"
