"""Read the code at a finding's location, as text, without leaving the repository.

Files are read as bytes and decoded; a symlink that points outside the repository is not
followed; a notebook is parsed as JSON data only, to take one cell's source.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CODE_LINE_MAX = 200
MAX_READ_BYTES = 32 * 1024 * 1024


@dataclass(frozen=True)
class Cell:
    """A notebook cell position: 1-based cell index and 1-based line inside the cell."""

    index: int
    line: int


def _inside(root: Path, relative: str) -> Path | None:
    """Resolve ROOT/RELATIVE; None unless it stays inside ROOT and is a regular file."""
    real_root = os.path.realpath(root)
    real = os.path.realpath(root / relative)
    if os.path.commonpath([real_root, real]) != real_root or not Path(real).is_file():
        return None
    return Path(real)


def read_lines(root: Path, relative: str) -> list[str] | None:
    """Read the file's lines (no line ends); None when it is absent, outside or too big."""
    path = _inside(root, relative)
    if path is None or path.stat().st_size > MAX_READ_BYTES:
        return None
    return path.read_bytes().decode("utf-8", errors="replace").splitlines()


def _cell(root: Path, relative: str, index: int) -> dict[str, Any] | None:
    lines = read_lines(root, relative)
    if lines is None:
        return None
    try:
        notebook = json.loads("\n".join(lines))
    except ValueError:
        return None
    cells = notebook.get("cells") if isinstance(notebook, dict) else None
    if not isinstance(cells, list) or not 1 <= index <= len(cells):
        return None
    cell = cells[index - 1]
    return cell if isinstance(cell, dict) else None


def _text(value: object) -> str:
    if isinstance(value, list):
        return "".join(str(part) for part in value)
    return value if isinstance(value, str) else ""


def cell_source(root: Path, relative: str, index: int) -> list[str] | None:
    """Read the source lines of notebook cell INDEX (1-based); None when it cannot be read."""
    cell = _cell(root, relative, index)
    return None if cell is None else _text(cell.get("source")).splitlines()


def cell_outputs(root: Path, relative: str, index: int) -> list[str]:
    """Read the text a notebook cell's saved outputs show (streams, plain text, errors)."""
    cell = _cell(root, relative, index)
    outputs = cell.get("outputs") if cell is not None else None
    lines: list[str] = []
    for output in outputs if isinstance(outputs, list) else []:
        if not isinstance(output, dict):
            continue
        kind = output.get("output_type")
        data = output.get("data")
        if kind == "stream":
            lines.extend(_text(output.get("text")).splitlines())
        elif kind == "error":
            lines.append(f"{output.get('ename')}: {output.get('evalue')}")
        elif isinstance(data, dict):
            text = _text(data.get("text/plain"))
            others = sorted(key for key in data if key != "text/plain")
            lines.extend(text.splitlines())
            if others:
                lines.append(f"[{kind} also holds: {', '.join(others)}]")
    return lines


def clip(text: str) -> str:
    """Strip a code line and cut it to at most CODE_LINE_MAX characters."""
    text = text.strip()
    return text if len(text) <= CODE_LINE_MAX else text[: CODE_LINE_MAX - 1] + "…"


def code_line(
    root: Path, relative: str, line: int | None, cell: Cell | None, snippet: str | None
) -> str:
    """Return the source line a finding points at ('' when there is none to show).

    For a notebook the report's snippet is used when it holds one, else the cell's line.
    """
    if cell is not None:
        if snippet and snippet.strip():
            return clip(snippet.strip().splitlines()[0])
        source = cell_source(root, relative, cell.index)
        if source is not None and 1 <= cell.line <= len(source):
            return clip(source[cell.line - 1])
        return ""
    if line is None:
        return ""
    lines = read_lines(root, relative)
    if lines is None or not 1 <= line <= len(lines):
        return clip(snippet or "")
    return clip(lines[line - 1])
