"""Python source to a syntax tree, one tree at a time in the whole process.

A scan builds syntax trees in more than one thread: the native analyzers in the main thread,
a diff scan's word test and first-match search in the semgrep engine's thread. CPython 3.11
keeps the counter that guards the conversion of its internal tree into :mod:`ast` objects in
state shared by every thread (CPython issue gh-106905, fixed in later versions), so two
conversions at once can fail a valid file with ``SystemError: AST constructor recursion depth
mismatch`` — seen once in eight diff scans of transformers. Every parse of the scanner goes
through :func:`syntax_tree`, :func:`expression_tree` or :func:`flags_tree`, which hold one
process-wide lock; the conversion holds the interpreter lock anyway, so the lock costs no
parallelism.
``tests/test_ast_parsers.py`` keeps other modules from calling :func:`ast.parse` or
:func:`compile` themselves.

Nothing is compiled to code or run: the text is only parsed.
"""

from __future__ import annotations

import ast
import threading

_PARSING = threading.Lock()

Source = str | bytes


def syntax_tree(source: Source, filename: str = "<unknown>") -> ast.Module:
    """Return the syntax tree of a module's ``source`` (SyntaxError, ValueError as ast.parse)."""
    with _PARSING:
        return ast.parse(source, filename=filename)


def expression_tree(source: Source) -> ast.Expression:
    """Return the syntax tree of one expression (SyntaxError, ValueError as ast.parse)."""
    with _PARSING:
        return ast.parse(source, mode="eval")


def flags_tree(source: Source, filename: str, flags: int) -> ast.Module:
    """Return the syntax tree :func:`compile` gives with ``flags`` (which hold PyCF_ONLY_AST)."""
    if not flags & ast.PyCF_ONLY_AST:
        raise ValueError("flags_tree only parses: its flags must hold ast.PyCF_ONLY_AST")
    with _PARSING:
        tree: ast.Module = compile(source, filename, "exec", flags=flags, dont_inherit=True)
    return tree
