"""Keep the Python of a cell or template, line for line, and set aside the lines that are not.

A notebook cell may hold printed output pasted back into it, a placeholder such as
``api_key=<YOUR-API-KEY>``, or a string never closed; a Jinja or cookiecutter template of a
Python file may still not be Python once its template actions are neutralised. Brackets a cell
cut short leaves open are closed; other text is set aside one line at a time where Python's own
parser stops, until the rest parses, and code followed by much output keeps its code. Every line
of the result stays at its original position, so findings map back unchanged. What was set aside
is returned with the parser's reason, for the report to list: nothing is dropped silently.

The text is only parsed into a syntax tree (``ast.PyCF_ONLY_AST``), never compiled to code or run.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Sequence
from dataclasses import dataclass

from mlsec_policy.pyparse import flags_tree
from mlsec_policy.views.pyscan import Scanner

MAX_SET_ASIDE = 64
"""Text with more lines that are not Python is not code with a few stray lines: it is set aside
whole (and parsing it again after each line stays cheap)."""

_DETECTED_AT = re.compile(r"\s*\(detected at line \d+\)")

PARSE_ONLY = ast.PyCF_ONLY_AST | ast.PyCF_ALLOW_TOP_LEVEL_AWAIT
"""Parse to a syntax tree only; accept ``await`` at the top level, as notebooks do."""


@dataclass(frozen=True, slots=True)
class Salvaged:
    """The parseable lines, and which of the original lines were set aside."""

    lines: tuple[str, ...]
    """As many lines as the input; set-aside lines are replaced by ``pass`` or left blank."""
    set_aside: tuple[int, ...]
    """1-based input lines replaced because they are not Python; empty when none were."""
    reason: str | None
    """Why the input did not parse (Python's first complaint), when it did not."""

    whole: bool = False
    """True when every line with text was set aside."""


def parse_error(source: str) -> SyntaxError | None:
    """Return why ``source`` is not Python, or None when it parses (nothing is executed)."""
    try:
        tree = flags_tree(source, "<text>", PARSE_ONLY)
    except (SyntaxError, ValueError) as exc:
        error = exc if isinstance(exc, SyntaxError) else SyntaxError(str(exc))
        nul = source.find("\0")
        if error.lineno is None and nul >= 0:  # a NUL byte is refused before parsing
            error.lineno = source.count("\n", 0, nul) + 1
        return error
    except (MemoryError, RecursionError):
        return SyntaxError("too deeply nested to parse")
    assert isinstance(tree, ast.Module)
    return None


def salvage(lines: Sequence[str], budget: int | None = None) -> Salvaged:
    """Make ``lines`` parse, keeping as much of them as possible (see the module docstring).

    1. Brackets a cell cut short never closes are closed at the end of its last line of code.
    2. The lines where parsing stops are set aside one by one, each first replaced by a
       stand-in that keeps the block structure (``pass``, ``if True:``), then left blank.
    3. Past ``budget`` such lines (by default half the lines with text, at least three and at
       most :data:`MAX_SET_ASIDE`), the longest beginning that parses is kept instead: code
       followed by its printed output. When not even that is left, every line is set aside.
    """
    work = list(lines)
    error = parse_error(_joined(work))
    if error is None:
        return Salvaged(tuple(work), (), None)
    reason = describe(error)
    first_line = error.lineno
    filled = [number for number, line in enumerate(lines, start=1) if line.strip()]
    limit = budget if budget is not None else min(MAX_SET_ASIDE, max(3, len(filled) // 2))
    attempts: dict[int, int] = {}
    closed = False
    while error is not None:
        if not closed and "never closed" in str(error.msg):
            closed = True
            if _close_brackets(work):
                error = parse_error(_joined(work))
                continue
        line = error.lineno
        if (
            line is None
            or not 1 <= line <= len(work)
            or attempts.get(line, 0) >= 2
            or (line not in attempts and len(attempts) >= limit)
        ):
            return _longest_beginning(lines, reason, first_line)
        # first a stand-in that keeps the block structure, then nothing at all
        work[line - 1] = _stand_in(lines[line - 1]) if line not in attempts else ""
        attempts[line] = attempts.get(line, 0) + 1
        error = parse_error(_joined(work))
    whole = set(filled) <= set(attempts)
    return Salvaged(tuple(work), tuple(sorted(attempts)), reason, whole)


def _close_brackets(work: list[str]) -> bool:
    """Close, at the end of the last line of code, the brackets still open there."""
    scanner = Scanner()
    last: int | None = None
    comment_at: int | None = None
    for index, line in enumerate(work):
        scanner.feed(line)
        if line.strip() and not line.lstrip().startswith("#"):
            last, comment_at = index, scanner.comment_at
    closers = scanner.closers()
    if last is None or not closers or scanner.quote is not None:
        return False
    line = work[last]
    code, comment = (line, "") if comment_at is None else (line[:comment_at], line[comment_at:])
    work[last] = code.rstrip().rstrip("\\").rstrip() + closers + (" " + comment if comment else "")
    return True


def _longest_beginning(lines: Sequence[str], reason: str, first_error: int | None) -> Salvaged:
    """Keep the longest run of first lines that parses; set aside all that follows."""
    end = min(first_error or 1, len(lines) + 1) - 1
    for kept in range(end, max(0, end - MAX_SET_ASIDE), -1):
        if lines[kept - 1].strip() and parse_error(_joined(lines[:kept])) is None:
            rest = [n for n in range(kept + 1, len(lines) + 1) if lines[n - 1].strip()]
            blank = tuple("" for _ in range(kept, len(lines)))
            return Salvaged((*lines[:kept], *blank), tuple(rest), reason)
    return _all_set_aside(lines, reason)


def describe(error: SyntaxError) -> str:
    """Return Python's complaint without the file name it adds."""
    message = _DETECTED_AT.sub("", str(error.msg or error)).strip()
    return message[0].lower() + message[1:] if message else "invalid syntax"


def _stand_in(line: str) -> str:
    indent = line[: len(line) - len(line.lstrip())]
    opens_block = line.split("#", 1)[0].rstrip().endswith(":")
    return indent + ("if True:" if opens_block else "pass")


def _all_set_aside(lines: Sequence[str], reason: str) -> Salvaged:
    kept = tuple("" for _ in lines)
    numbers = tuple(number for number, line in enumerate(lines, start=1) if line.strip())
    return Salvaged(kept, numbers or tuple(range(1, len(lines) + 1)), reason, True)


def _joined(lines: Sequence[str]) -> str:
    return "\n".join(lines) + "\n"
