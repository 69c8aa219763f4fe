"""Turn a Jupyter notebook into a Python view of its code cells.

Each code cell is read the way IPython reads it (:mod:`.ipython`): shell escapes, magics, help
lines and cells in other languages become ``pass`` or blank lines of the same count. What is
still not Python is set aside line by line (:mod:`.salvage`) and listed as the view's omissions.
Every view line maps to one cell line, and records the line of the raw ``.ipynb`` file that holds
it, which is what code scanning displays.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, cast

from mlsec_policy.models import NotebookCell
from mlsec_policy.textfile import load_json
from mlsec_policy.views.base import LineOrigin, Omission, View, ViewError, line_ranges
from mlsec_policy.views.ipython import cell_to_python
from mlsec_policy.views.salvage import Salvaged, salvage

PYTHON_KERNELS = ("python", "ipython", "pyspark", "pysparkkernel", "xpython")
"""Kernel languages (and kernel names) whose cells are Python."""


@dataclass(frozen=True, slots=True)
class CodeCell:
    """One code cell of a notebook."""

    index: int
    """1-based position among all cells."""
    lines: tuple[str, ...]
    """Source lines without their line endings."""
    raw_lines: tuple[int, ...]
    """For each source line, the 1-based line of the raw notebook file that holds it."""


def read_cells(raw: str) -> list[CodeCell]:
    """Return the code cells of the notebook text ``raw``; raise ViewError when it is broken."""
    try:
        document = load_json(raw.removeprefix("\ufeff"))  # no BOM in JSON
    except json.JSONDecodeError as exc:
        raise ViewError(f"the notebook is not valid JSON: {exc.msg}", exc.lineno) from None
    except RecursionError:
        raise ViewError("the notebook nests too deeply for a JSON reader", 1) from None
    cells = document.get("cells") if isinstance(document, dict) else None
    if cells is None and isinstance(document, dict) and "worksheets" in document:
        cells = [c for sheet in document["worksheets"] for c in sheet.get("cells", [])]
    if not isinstance(cells, list):
        raise ViewError("the notebook has no 'cells' list (is it nbformat 4?)", 1)
    if not is_python(document):
        return []  # an R, Julia, bash or C++ notebook: none of its cells are Python
    finder = _RawLineFinder(raw)
    result: list[CodeCell] = []
    for index, cell in enumerate(cells, start=1):
        if not isinstance(cell, dict):
            raise ViewError(f"cell {index} is not a JSON object")
        source = cell.get("source", cell.get("input", ""))
        pieces: list[Any] = source if isinstance(source, list) else [source]
        if not all(isinstance(p, str) for p in pieces):
            raise ViewError(f"cell {index} has a source that is not text")
        pieces = cast(list[str], pieces)
        lines, raw_lines = split_lines(pieces, [finder.find(piece) for piece in pieces])
        if cell.get("cell_type") == "code":
            result.append(CodeCell(index, tuple(lines), tuple(raw_lines)))
    return result


def split_lines(pieces: list[str], raw_lines: list[int]) -> tuple[list[str], list[int]]:
    """Join source pieces into lines; each line maps to the raw line of the piece it starts in.

    A JSON string never spans raw lines, so every line of one piece sits on the same raw line.
    """
    lines: list[str] = []
    origins: list[int] = []
    current: str | None = None
    current_origin = raw_lines[0] if raw_lines else 1
    for piece, raw_line in zip(pieces, raw_lines, strict=True):
        parts = piece.split("\n")
        for position, part in enumerate(parts):
            last = position == len(parts) - 1
            if current is None:
                if last and part == "":
                    break  # the piece ended with a newline: the next line starts in the next piece
                current, current_origin = "", raw_line
            current += part
            if not last:
                lines.append(current)
                origins.append(current_origin)
                current = None
    if current:
        lines.append(current)
        origins.append(current_origin)
    return lines, origins


def is_python(document: dict[str, Any]) -> bool:
    """Return True unless the notebook's metadata names a kernel language other than Python."""
    metadata = document.get("metadata")
    if not isinstance(metadata, dict):
        return True
    names: list[object] = []
    for key, field in (
        ("kernelspec", "language"),
        ("language_info", "name"),
        ("kernelspec", "name"),
    ):
        section = metadata.get(key)
        if isinstance(section, dict) and field in section:
            names.append(section[field])
    for name in names:
        if isinstance(name, str) and name.strip():
            return name.strip().lower().startswith(PYTHON_KERNELS)
    return True


def notebook_view(raw: str, stem: str) -> View:
    """Return the Python view of notebook text ``raw``.

    Each code cell is turned into Python the way IPython reads it; lines that are still not
    Python (pasted output, placeholders, a string never closed) are set aside and listed in the
    view's omissions, so the rest of the cell, and every other cell, is still checked.
    """
    text_lines: list[str] = []
    origins: list[LineOrigin] = []
    omitted: list[Omission] = []
    for cell in read_cells(raw):
        kept = salvage(cell_to_python(cell.lines).lines)
        if kept.set_aside:
            omitted.append(_omission(cell, kept))
        for number, line in enumerate(kept.lines, start=1):
            text_lines.append(line)
            origins.append(LineOrigin(cell.raw_lines[number - 1], NotebookCell(cell.index, number)))
    return View("\n".join(text_lines) + "\n", f"{stem}.py", tuple(origins), tuple(omitted))


def _omission(cell: CodeCell, kept: Salvaged) -> Omission:
    first = kept.set_aside[0]
    why = f"not Python once IPython syntax is set aside ({kept.reason})"
    if kept.whole:
        return Omission(
            cell.raw_lines[first - 1], f"code cell {cell.index} is {why}; it was not checked"
        )
    return Omission(
        cell.raw_lines[first - 1],
        f"code cell {cell.index}, {line_ranges(kept.set_aside)} of the cell: {why}; "
        "the rest of the cell was checked",
    )


class _RawLineFinder:
    """Finds, in order, the raw-file line of each JSON string of a notebook's sources."""

    def __init__(self, raw: str) -> None:
        self.raw = raw
        self.cursor = 0

    def find(self, piece: str) -> int:
        for encoded in (json.dumps(piece, ensure_ascii=False), json.dumps(piece)):
            position = self.raw.find(encoded, self.cursor)
            if position >= 0:
                self.cursor = position + len(encoded)
                return self.raw.count("\n", 0, position) + 1
        return self.raw.count("\n", 0, self.cursor) + 1
