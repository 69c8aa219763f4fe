r"""Text edits: positions by line and column, applied to a text with overlaps refused.

A fix is a list of :class:`~mlsec_policy.models.TextEdit` per file: the region to remove, by
1-based line and column (in characters), and the text to put there. Lines are counted at
``\n`` (a ``\r`` before it belongs to the line's end). Every engine's fix, semgrep's or a
native one, ends up in this form, and this module alone turns it back into a new text.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import pairwise

from mlsec_policy.models import TextEdit


class EditConflict(ValueError):
    """Two edits of one file touch the same text, or an edit lies outside the file."""


@dataclass(frozen=True, slots=True)
class Span:
    """An edit as character offsets into one text."""

    start: int
    end: int
    text: str


def line_starts(text: str) -> list[int]:
    """Return the offset where each line of ``text`` starts (line 1 at index 0)."""
    starts = [0]
    starts.extend(index + 1 for index, char in enumerate(text) if char == "\n")
    return starts


def position(starts: Sequence[int], offset: int) -> tuple[int, int]:
    """Return the 1-based line and column of a character offset."""
    low, high = 0, len(starts) - 1
    while low < high:
        middle = (low + high + 1) // 2
        if starts[middle] <= offset:
            low = middle
        else:
            high = middle - 1
    return low + 1, offset - starts[low] + 1


def offset(starts: Sequence[int], text: str, line: int, column: int) -> int:
    """Return the character offset of a 1-based line and column; raise EditConflict if outside."""
    if not 1 <= line <= len(starts) or column < 1:
        raise EditConflict(f"line {line}, column {column} is outside the file")
    end = starts[line] - 1 if line < len(starts) else len(text)
    place = starts[line - 1] + column - 1
    if place > end + 1 or place > len(text):
        raise EditConflict(f"line {line}, column {column} is outside the file")
    return place


def text_edit(text: str, start: int, end: int, replacement: str) -> TextEdit:
    """Return the TextEdit that replaces ``text[start:end]`` with ``replacement``."""
    starts = line_starts(text)
    first, last = position(starts, start), position(starts, end)
    return TextEdit(first[0], first[1], last[0], last[1], replacement)


def byte_span(data: bytes, start: int, end: int) -> tuple[int, int]:
    """Turn byte offsets into ``data`` (UTF-8) into character offsets of its decoded text."""
    return len(data[:start].decode("utf-8")), len(data[:end].decode("utf-8"))


def spans(text: str, edits: Iterable[TextEdit]) -> list[Span]:
    """Return the edits as offsets, sorted; raise EditConflict when two of them overlap.

    Two insertions at the same place also conflict: their order would be a guess.
    """
    starts = line_starts(text)
    found = sorted(
        {
            Span(
                offset(starts, text, e.start_line, e.start_column),
                offset(starts, text, e.end_line, e.end_column),
                e.text,
            )
            for e in edits
        },
        key=lambda s: (s.start, s.end, s.text),
    )
    for span in found:
        if span.end < span.start:
            raise EditConflict("an edit ends before it starts")
    for before, after in pairwise(found):
        if after.start < before.end or after.start == before.start:
            raise EditConflict(
                f"two edits overlap at line {position(starts, after.start)[0]}; "
                "apply one, scan again, then the other"
            )
    return found


def apply(text: str, edits: Iterable[TextEdit]) -> str:
    """Return ``text`` with every edit made; raise EditConflict when edits overlap."""
    pieces: list[str] = []
    cursor = 0
    for span in spans(text, edits):
        pieces.append(text[cursor : span.start])
        pieces.append(span.text)
        cursor = span.end
    pieces.append(text[cursor:])
    return "".join(pieces)
