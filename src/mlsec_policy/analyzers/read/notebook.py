"""Read a Jupyter notebook with the raw-file line of every source and output line.

The notebook is parsed by a small position-aware JSON reader (strings remember where they
start; a JSON string never spans raw lines), so both code and outputs can be reported at the
``.ipynb`` line code scanning shows and at the cell a person opens. Outputs keep their type and
MIME type: binary payloads (images, PDFs) are never treated as text.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass
from json import JSONDecodeError
from json.decoder import scanstring  # type: ignore[attr-defined]

from mlsec_policy.analyzers.base import AnalyzerError
from mlsec_policy.models import NotebookCell
from mlsec_policy.textfile import json_int
from mlsec_policy.views.notebook import split_lines

TEXT_MIME = ("text/plain", "text/html", "text/markdown", "text/latex", "application/json")
"""Output MIME types read as text; everything else (images, PDFs, widgets) is skipped."""


class NotebookError(Exception):
    """The notebook cannot be read; carries the 1-based raw line of the problem."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass(frozen=True, slots=True)
class NbLine:
    """One line of a cell's source or of one of its outputs."""

    text: str
    raw_line: int
    """1-based line of the ``.ipynb`` file holding it."""
    cell: NotebookCell
    """The cell (1-based, counting every cell) and the 1-based line inside the source/output."""


@dataclass(frozen=True, slots=True)
class NbOutput:
    """One output of a code cell."""

    output_type: str
    """``stream``, ``execute_result``, ``display_data`` or ``error``."""
    name: str
    """Stream name (``stdout``/``stderr``), or the MIME type of a rich output's text."""
    lines: tuple[NbLine, ...]
    raw_line: int
    """Raw line where the output starts (its first text, else its first key)."""


@dataclass(frozen=True, slots=True)
class NbCell:
    """One cell: its type, source lines and outputs."""

    index: int
    cell_type: str
    source: tuple[NbLine, ...]
    outputs: tuple[NbOutput, ...]
    """The text outputs (images and other binary payloads are left out)."""
    raw_line: int
    output_count: int = 0
    """How many outputs of any type the cell holds."""
    output_line: int | None = None
    """Raw line of the cell's first output, when it has any."""


class _Str(str):
    """A JSON string that remembers its offset in the raw text."""

    __slots__ = ("offset",)
    offset: int


_WS = re.compile(r"[ \t\n\r]*")
_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?")
_LITERALS = {"true": True, "false": False, "null": None}
_Value = object


class _Reader:
    """A recursive JSON reader whose strings carry their offsets."""

    def __init__(self, raw: str) -> None:
        self.raw = raw

    def value(self, index: int, depth: int = 0) -> tuple[_Value, int]:
        if depth > 100:
            raise JSONDecodeError("nesting too deep", self.raw, index)
        index = _WS.match(self.raw, index).end()  # type: ignore[union-attr]
        char = self.raw[index : index + 1]
        if char == '"':
            text, end = scanstring(self.raw, index + 1, True)
            string = _Str(text)
            string.offset = index
            return string, end
        if char == "{":
            return self._object(index + 1, depth)
        if char == "[":
            return self._array(index + 1, depth)
        for word, literal in _LITERALS.items():
            if self.raw.startswith(word, index):
                return literal, index + len(word)
        number = _NUMBER.match(self.raw, index)
        if number is None or not char:
            raise JSONDecodeError("expected a value", self.raw, index)
        text = number.group(0)
        return (float(text) if any(c in text for c in ".eE") else json_int(text)), number.end()

    def _object(self, index: int, depth: int) -> tuple[_Value, int]:
        result: dict[str, _Value] = {}
        index = self._skip(index)
        if self.raw.startswith("}", index):
            return result, index + 1
        while True:
            index = self._skip(index)
            if not self.raw.startswith('"', index):
                raise JSONDecodeError("expected a key", self.raw, index)
            key, index = scanstring(self.raw, index + 1, True)
            index = self._skip(index)
            if not self.raw.startswith(":", index):
                raise JSONDecodeError("expected ':'", self.raw, index)
            result[key], index = self.value(index + 1, depth + 1)
            index = self._skip(index)
            if self.raw.startswith("}", index):
                return result, index + 1
            if not self.raw.startswith(",", index):
                raise JSONDecodeError("expected ',' or '}'", self.raw, index)
            index += 1

    def _array(self, index: int, depth: int) -> tuple[_Value, int]:
        result: list[_Value] = []
        index = self._skip(index)
        if self.raw.startswith("]", index):
            return result, index + 1
        while True:
            item, index = self.value(index, depth + 1)
            result.append(item)
            index = self._skip(index)
            if self.raw.startswith("]", index):
                return result, index + 1
            if not self.raw.startswith(",", index):
                raise JSONDecodeError("expected ',' or ']'", self.raw, index)
            index += 1

    def _skip(self, index: int) -> int:
        return _WS.match(self.raw, index).end()  # type: ignore[union-attr]


def read_notebook(raw: str) -> list[NbCell]:
    """Return every cell of notebook text ``raw``; raise NotebookError when it is broken."""
    try:
        document, end = _Reader(raw).value(0)
    except JSONDecodeError as exc:
        raise NotebookError(f"the notebook is not valid JSON: {exc.msg}", exc.lineno) from None
    except RecursionError:
        raise NotebookError("the notebook nests too deeply") from None
    if raw[end:].strip():
        line = raw.count("\n", 0, end) + 1
        raise NotebookError("the notebook has extra data after its JSON document", line)
    if not isinstance(document, dict):
        raise NotebookError("the notebook is not a JSON object", 1)
    cells = document.get("cells")
    if cells is None and isinstance(document.get("worksheets"), list):
        sheets = [s for s in document["worksheets"] if isinstance(s, dict)]
        cells = [c for s in sheets if isinstance(s.get("cells"), list) for c in s["cells"]]
    if cells is None and document.get("nbformat") in {1, 2, 3} and "worksheets" not in document:
        cells = []  # an nbformat 3 notebook without worksheets is empty, not broken
    if not isinstance(cells, list):
        raise NotebookError("the notebook has no 'cells' list (is it nbformat 4?)", 1)
    newlines = [m.start() for m in re.finditer("\n", raw)]
    result: list[NbCell] = []
    for index, cell in enumerate(cells, start=1):
        if not isinstance(cell, dict):
            raise NotebookError(f"cell {index} is not a JSON object")
        result.append(_cell(index, cell, newlines))
    return result


def _line_at(newlines: list[int], offset: int) -> int:
    return bisect.bisect_left(newlines, offset) + 1


def _lines(
    value: object, newlines: list[int], cell: int, what: str, separate: bool = False
) -> tuple[NbLine, ...]:
    """Split a notebook text value into lines; ``separate``: each list item is its own line."""
    pieces = value if isinstance(value, list) else [value] if value is not None else []
    if not all(isinstance(p, str) for p in pieces):
        raise NotebookError(f"cell {cell} has {what} that is not text")
    if separate:
        pieces = [_terminated(p) for p in pieces if isinstance(p, str)]
    raw_lines = [_line_at(newlines, getattr(p, "offset", 0)) for p in pieces]
    texts, origins = split_lines([str(p) for p in pieces], raw_lines)
    return tuple(
        NbLine(text, origin, NotebookCell(cell, number))
        for number, (text, origin) in enumerate(zip(texts, origins, strict=True), start=1)
    )


def _terminated(piece: str) -> str:
    string = _Str(piece if piece.endswith("\n") else piece + "\n")
    string.offset = getattr(piece, "offset", 0)
    return string


def _cell(index: int, cell: dict[str, object], newlines: list[int]) -> NbCell:
    source = _lines(cell.get("source", cell.get("input", "")), newlines, index, "a source")
    outputs: list[NbOutput] = []
    raw_outputs = cell.get("outputs", [])
    for output in raw_outputs if isinstance(raw_outputs, list) else []:
        if isinstance(output, dict):
            outputs.extend(_outputs(index, output, newlines))
    first = source[0].raw_line if source else 1
    count = len(raw_outputs) if isinstance(raw_outputs, list) else 0
    anchor = _first_offset(raw_outputs) if count else None
    output_line = _line_at(newlines, anchor) if anchor is not None else None
    cell_type = str(cell.get("cell_type", ""))
    return NbCell(index, cell_type, source, tuple(outputs), first, count, output_line)


def _outputs(index: int, output: dict[str, object], newlines: list[int]) -> Iterator[NbOutput]:
    kind = str(output.get("output_type", ""))
    anchor = _first_offset(output)
    start = _line_at(newlines, anchor) if anchor is not None else 1
    if kind == "pyerr":  # nbformat 3
        kind = "error"
    if kind == "stream" or (kind == "pyout" and "text" in output):
        lines = _lines(output.get("text", ""), newlines, index, "an output")
        name = output.get("name", output.get("stream", "stdout"))
        yield NbOutput(kind, str(name) if kind == "stream" else "text/plain", lines, start)
    elif kind == "error":
        lines = _lines(output.get("traceback", []), newlines, index, "a traceback", True)
        yield NbOutput(kind, str(output.get("ename", "")), lines, start)
    data = output.get("data")
    if isinstance(data, dict):
        for mime in TEXT_MIME:
            if isinstance(data.get(mime), str | list):
                lines = _lines(data[mime], newlines, index, "an output")
                first = lines[0].raw_line if lines else start
                yield NbOutput(kind, mime, lines, first)


def _first_offset(value: object) -> int | None:
    """Return the offset of the first string inside ``value`` (to place an output)."""
    if isinstance(value, _Str):
        return value.offset
    if isinstance(value, dict):
        for item in value.values():
            found = _first_offset(item)
            if found is not None:
                return found
    if isinstance(value, list):
        for item in value:
            found = _first_offset(item)
            if found is not None:
                return found
    return None


def unreadable_notebook(message: str, line: int | None) -> AnalyzerError:
    """Return the scan error every analyzer reports for a notebook it cannot read."""
    return AnalyzerError(
        f"the notebook cannot be read: {message}",
        kind="parse-error",
        line=line,
        hint="open and save it in Jupyter to repair it, or exclude it",
    )
