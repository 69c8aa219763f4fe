"""Find ``mlsec-policy: ignore[CONTROL-ID] reason`` comments in the files that can hold them.

The grammar is strict on purpose: a comment whose text *starts* with ``mlsec-policy:`` is a
suppression attempt, and one that does not parse is reported as malformed rather than silently
ignored. Prose that merely mentions the tool elsewhere in a comment is not a suppression.

Where comments are found:

* Python files: real comments only (``tokenize``), so text inside strings never counts; a file
  that does not tokenize falls back to the line rule below.
* Notebooks: the comments of code cells, tokenized cell by cell (magics blanked), located by
  cell and cell line as well as by the raw ``.ipynb`` line.
* Dockerfiles, shell scripts, YAML, TOML and pip requirements files: a ``#`` at the start of a
  line or after a blank.

A comment at the end of a line covers that line; a comment alone on its line covers the next.
"""

from __future__ import annotations

import io
import re
import tokenize
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath

from mlsec_policy.models import Artifact, ArtifactKind, NotebookCell
from mlsec_policy.views.notebook import read_cells

MARKER = re.compile(r"^#+\s*mlsec-policy\s*:\s*(?P<rest>.*)$", re.IGNORECASE)
"""A comment that starts with ``mlsec-policy:`` (after the hashes) is a suppression attempt."""

FORM = re.compile(r"^ignore\[(?P<ids>[^\]]*)\](?P<reason>.*)$")
CONTROL_ID = re.compile(r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$")
REASON_TRIM = " \t-–—:;,."
HASH_COMMENT = re.compile(r"(?:^|(?<=\s))#")
"""Where a ``#`` comment can start in shell, YAML, TOML and Dockerfiles."""

HASH_SUFFIXES = frozenset({".yaml", ".yml", ".toml", ".sh", ".bash", ".txt", ".in"})
HASH_KINDS = frozenset({ArtifactKind.DOCKERFILE, ArtifactKind.SHELL})
EXAMPLE = "# mlsec-policy: ignore[CONTROL-ID] why this is acceptable"


@dataclass(frozen=True, slots=True)
class SuppressionComment:
    """One suppression comment as written, valid or not."""

    path: str
    line: int
    """1-based line of the file (the raw ``.ipynb`` line for notebooks)."""
    standalone: bool
    """True when the comment is alone on its line (it then covers the next line)."""
    control_ids: tuple[str, ...]
    reason: str
    problem: str | None = None
    """Why the comment is malformed, or None when it parses."""
    cell: NotebookCell | None = None
    """For notebooks: the cell and the line inside it."""

    @property
    def covered_line(self) -> int:
        """Return the line this comment suppresses findings on (its own, or the next)."""
        return self.line + 1 if self.standalone else self.line

    @property
    def covered_cell(self) -> NotebookCell | None:
        """Return the notebook cell position this comment covers, if it is in a notebook."""
        if self.cell is None:
            return None
        return NotebookCell(self.cell.index, self.cell.line + (1 if self.standalone else 0))


def comment_style(artifact: Artifact) -> str | None:
    """Return how comments are found in ``artifact`` (``python``, ``notebook``, ``hash``)."""
    if artifact.kind is ArtifactKind.PYTHON:
        return "python"
    if artifact.kind is ArtifactKind.NOTEBOOK:
        return "notebook"
    if artifact.kind in HASH_KINDS:
        return "hash"
    name = PurePosixPath(artifact.path).name.lower()
    if PurePosixPath(name).suffix in HASH_SUFFIXES and artifact.kind not in {
        ArtifactKind.DOCS,
        ArtifactKind.DATA_FILE,
        ArtifactKind.MODEL_ARTIFACT,
        ArtifactKind.OTHER,
    }:
        return "hash"
    return None


def find_comments(text: str, path: str, style: str) -> list[SuppressionComment]:
    """Return the suppression comments of a file's ``text`` (raises ViewError for notebooks)."""
    if style == "notebook":
        return list(_notebook_comments(text, path))
    lines = text.splitlines()
    if style == "python":
        found = _python_comments(text)
        if found is None:
            found = _hash_comments(lines)
    else:
        found = _hash_comments(lines)
    return [_parse(path, line, column, comment, lines) for line, column, comment in found]


def _python_comments(text: str) -> list[tuple[int, int, str]] | None:
    """Return (line, column, text) of each real comment, or None when the text does not lex."""
    if "mlsec-policy" not in text.lower():
        return []
    try:
        return [
            (token.start[0], token.start[1], token.string)
            for token in tokenize.generate_tokens(io.StringIO(text).readline)
            if token.type == tokenize.COMMENT and MARKER.match(token.string)
        ]
    except (tokenize.TokenError, SyntaxError):
        return None


def _hash_comments(lines: list[str]) -> list[tuple[int, int, str]]:
    result: list[tuple[int, int, str]] = []
    for number, line in enumerate(lines, start=1):
        if "mlsec-policy" not in line.lower():
            continue
        for match in HASH_COMMENT.finditer(line):
            comment = line[match.start() :]
            if MARKER.match(comment):
                result.append((number, match.start(), comment))
                break
    return result


def _notebook_comments(raw: str, path: str) -> Iterator[SuppressionComment]:
    if "mlsec-policy" not in raw.lower():
        return
    for cell in read_cells(raw):
        lines = ["" if line.lstrip().startswith(("!", "%")) else line for line in cell.lines]
        source = "\n".join(lines) + "\n"
        found = _python_comments(source)
        if found is None:
            found = _hash_comments(lines)
        for line, column, comment in found:
            parsed = _parse(path, line, column, comment, lines)
            yield SuppressionComment(
                path=path,
                line=cell.raw_lines[line - 1],
                standalone=parsed.standalone,
                control_ids=parsed.control_ids,
                reason=parsed.reason,
                problem=parsed.problem,
                cell=NotebookCell(cell.index, line),
            )


def _parse(path: str, line: int, column: int, comment: str, lines: list[str]) -> SuppressionComment:
    text = lines[line - 1] if 0 < line <= len(lines) else ""
    standalone = not text[:column].strip()
    marker = MARKER.match(comment)
    rest = marker.group("rest").strip() if marker else ""
    form = FORM.match(rest)
    if form is None:
        return SuppressionComment(
            path, line, standalone, (), "", f"malformed suppression; write {EXAMPLE!r}"
        )
    ids = tuple(part.strip() for part in form.group("ids").split(",") if part.strip())
    reason = form.group("reason").strip().strip(REASON_TRIM).strip()
    bad = [control_id for control_id in ids if not CONTROL_ID.match(control_id)]
    problem = None
    if not ids:
        problem = f"the suppression names no control; write {EXAMPLE!r}"
    elif bad:
        problem = f"{bad[0]!r} is not a control id (upper case words joined by dashes)"
    elif not any(ch.isalnum() for ch in reason):
        problem = "the suppression gives no reason; say after the brackets why this is acceptable"
    return SuppressionComment(path, line, standalone, ids, reason, problem)
