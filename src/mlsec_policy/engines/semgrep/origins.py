"""Where a semgrep match's URL was written, when the match names it by a variable.

semgrep sees through constants within a file (``MIRROR = "http://..."`` then
``urlretrieve(MIRROR)``) but reports only the call. This module finds, in the scanned Python
text, the names the matched code uses that are bound to a URL literal — a module constant or
the default of a parameter of the function around the match — so the finding can show the
place the URL is defined as a step of its data flow. It parses the text with :mod:`ast` and
never runs it; a file that does not parse gives no steps.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from functools import lru_cache

from mlsec_policy.pyparse import syntax_tree

_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True, slots=True)
class Binding:
    """A name bound to a URL literal, and where."""

    name: str
    line: int
    """1-based line of the literal in the scanned text."""
    column: int
    """1-based column of the literal."""
    message: str
    first: int = 0
    """For a parameter default: the lines of its function (0, 0 for a module constant)."""
    last: int = 0


def _url_literal(node: ast.expr | None) -> ast.expr | None:
    """Return the URL literal a value is or starts with (an f-string or ``+`` chain), if any."""
    match node:
        case ast.Constant(value=str(text)) if _URL.match(text):
            return node
        case ast.JoinedStr(values=[ast.Constant(value=str(text)), *_]) if _URL.match(text):
            return node
        case ast.BinOp(left=left, op=ast.Add()):
            return _url_literal(left)
    return None


@lru_cache(maxsize=16)
def bindings(source: str) -> tuple[Binding, ...]:
    """Return every module constant and parameter default of ``source`` bound to a URL."""
    try:
        tree = syntax_tree(source)
    except (SyntaxError, ValueError, RecursionError):
        return ()
    found: list[Binding] = []
    for statement in tree.body:
        targets: list[ast.expr] = []
        value: ast.expr | None = None
        if isinstance(statement, ast.Assign):
            targets, value = statement.targets, statement.value
        elif isinstance(statement, ast.AnnAssign):
            targets, value = [statement.target], statement.value
        literal = _url_literal(value)
        if literal is not None:
            found.extend(
                Binding(target.id, literal.lineno, literal.col_offset + 1, "URL defined here")
                for target in targets
                if isinstance(target, ast.Name)
            )
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            found.extend(_defaults(node))
    return tuple(found)


def _defaults(function: ast.FunctionDef | ast.AsyncFunctionDef) -> list[Binding]:
    arguments = function.args
    positional = [*arguments.posonlyargs, *arguments.args]
    with_default = positional[len(positional) - len(arguments.defaults) :]
    pairs = list(zip(with_default, arguments.defaults, strict=True))
    pairs += [
        (a, d)
        for a, d in zip(arguments.kwonlyargs, arguments.kw_defaults, strict=True)
        if d is not None
    ]
    end = function.end_lineno or function.lineno
    found = []
    for argument, default in pairs:
        literal = _url_literal(default)
        if literal is not None:
            message = f"URL given as the default of parameter {argument.arg!r}"
            found.append(
                Binding(
                    argument.arg,
                    literal.lineno,
                    literal.col_offset + 1,
                    message,
                    function.lineno,
                    end,
                )
            )
    return found


def url_sources(source: str, matched: str, line: int) -> list[Binding]:
    """Return the URL bindings the matched code (at ``line``, 1-based) names, source first.

    A parameter default counts only inside its function, and wins over a module constant of
    the same name (the parameter shadows it there).
    """
    names = set(_NAME.findall(matched))
    chosen: dict[str, Binding] = {}
    for binding in bindings(source):
        if binding.name not in names or binding.line == line:
            continue
        if binding.first and not binding.first <= line <= binding.last:
            continue
        if binding.first or binding.name not in chosen:
            chosen[binding.name] = binding
    return sorted(chosen.values(), key=lambda b: (b.line, b.column))
