"""Semgrep fixes inside notebook cells: an edit of the Python view mapped back to the JSON text.

Semgrep reads a notebook through its Python view (:mod:`mlsec_policy.views.notebook`): one view
line per cell line, each knowing the raw ``.ipynb`` line that holds it. A fix of the view is
turned into an edit of the notebook's own text, so the file keeps its indentation, key order
and ending byte for byte; only the JSON strings of the fixed source lines change. The fix is
refused (None) when the change

- spans cells, or changes how many lines the cell has;
- touches a line the view does not hold as written (a magic, shell or help line becomes
  ``pass``; a line set aside as not Python is blank);
- touches a line that is not a JSON string of its own on its raw line (a source written as
  one string, or a notebook saved on one line), or whose string is escaped otherwise than
  :func:`json.dumps` writes it;
- would leave the view no longer compiling.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

from mlsec_policy.fix.edits import line_starts, position, text_edit
from mlsec_policy.models import TextEdit
from mlsec_policy.textfile import load_json
from mlsec_policy.views.base import View


@dataclass(frozen=True, slots=True)
class NotebookFix:
    """One fix of a notebook: the edits of its JSON text, and the code replaced and put there."""

    edits: tuple[TextEdit, ...]
    old: str
    new: str


def map_fix(raw: str, view: View, start: int, end: int, fix: str) -> NotebookFix | None:
    """Return the notebook edits that make the view's ``[start:end]`` read ``fix`` (or None).

    ``start`` and ``end`` are character offsets into ``view.text``.
    """
    text = view.text
    starts = line_starts(text)
    first, last = position(starts, start)[0], position(starts, end)[0]
    if view.origins is None or not 1 <= first <= last <= len(view.origins):
        return None
    cells = [view.origins[n - 1].cell for n in range(first, last + 1)]
    if len({None if c is None else c.index for c in cells}) != 1 or None in cells:
        return None  # the change spans cells, or leaves the cells
    line_start = starts[first - 1]
    line_end = starts[last] - 1 if last < len(starts) else len(text)
    new_text = text[line_start:start] + fix + text[end:line_end]
    old_lines = text[line_start:line_end].split("\n")
    new_lines = new_text.split("\n")
    if new_text == text[line_start:line_end]:
        return None
    if not _compiles(text[:line_start] + new_text + text[line_end:], text):
        return None
    raw_lines = [view.origins[n - 1].line for n in range(first, last + 1)]
    if raw_lines != list(range(raw_lines[0], raw_lines[0] + len(raw_lines))):
        return None  # the lines are not one JSON string per raw line, one after the other
    edit = _strings_edit(raw, raw_lines[0], old_lines, new_lines)
    return None if edit is None else NotebookFix((edit,), text[start:end], fix)


def _strings_edit(
    raw: str, raw_line: int, old_lines: Sequence[str], new_lines: Sequence[str]
) -> TextEdit | None:
    """Return the edit of the JSON strings, one per raw line from ``raw_line``, of a cell's lines.

    Each old line must be its own string on its own raw line, written as :func:`json.dumps`
    writes it; the new lines are written the same way, at the same indentation, each ending
    with a newline but where the old last one had none.
    """
    starts = line_starts(raw)
    found: list[tuple[int, int, str]] = []
    ascii_only: bool | None = None
    for number, old in enumerate(old_lines, start=raw_line):
        if not 1 <= number <= len(starts):
            return None
        begin = starts[number - 1]
        stop = starts[number] - 1 if number < len(starts) else len(raw)
        line = raw[begin:stop].rstrip("\r")
        body = line.strip()
        literal = body[:-1] if body.endswith(",") else body
        try:
            piece = load_json(literal)
        except ValueError:
            return None
        if not isinstance(piece, str) or piece.rstrip("\n") != old:
            return None  # not this line's own string (a one-string source, a transformed line)
        mode = next(
            (a for a in (False, True) if json.dumps(piece, ensure_ascii=a) == literal), None
        )
        if mode is None or ascii_only not in (None, mode):
            return None
        ascii_only = mode
        at = begin + line.index(literal)
        found.append((at, at + len(literal), piece[len(old) :]))
    if ascii_only is None:
        return None
    first_start, last_end, last_ending = found[0][0], found[-1][1], found[-1][2]
    indent = raw[starts[raw_line - 1] : first_start]
    between = "," + ("\r\n" if raw[first_start:].split("\n", 1)[0].endswith("\r") else "\n")
    pieces = [line + "\n" for line in new_lines[:-1]] + [new_lines[-1] + last_ending]
    encoded = (json.dumps(piece, ensure_ascii=ascii_only) for piece in pieces)
    return text_edit(raw, first_start, last_end, (between + indent).join(encoded))


def _compiles(after: str, before: str) -> bool:
    """Return False when the view compiled before the change and does not after it."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            compile(before, "view.py", "exec", dont_inherit=True)
        except (SyntaxError, ValueError):
            return True  # nothing to keep: the JSON check still guards the file
        try:
            compile(after, "view.py", "exec", dont_inherit=True)
        except (SyntaxError, ValueError):
            return False
    return True
