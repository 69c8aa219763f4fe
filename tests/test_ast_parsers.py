"""Every syntax tree the scanner builds is built under one process-wide lock.

CPython 3.11 shares the counter guarding the conversion of its internal tree into :mod:`ast`
objects between threads (gh-106905): two parses at once can fail a valid file with a
``SystemError``. A scan parses in more than one thread, so every parse goes through
:mod:`mlsec_policy.pyparse`; the first test keeps later modules from parsing on their own, the
second that the helpers really hold the lock.
"""

from __future__ import annotations

import ast
import threading
from pathlib import Path

import pytest

import mlsec_policy
from mlsec_policy import pyparse

PACKAGE = Path(mlsec_policy.__file__).parent


def _parses(tree: ast.AST) -> list[int]:
    """Return the lines of calls that build a syntax tree: ``ast.parse``, ``compile`` to an AST."""
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "ast":
            lines += [node.lineno] if any(a.name == "parse" for a in node.names) else []
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        named_ast = isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)
        if named_ast and func.attr == "parse" and func.value.id == "ast":  # type: ignore[attr-defined]
            lines.append(node.lineno)
        # compile() to code builds no ast objects; with flags it may (PyCF_ONLY_AST)
        flagged = len(node.args) > 3 or any(k.arg == "flags" for k in node.keywords)
        if isinstance(func, ast.Name) and func.id == "compile" and flagged:
            lines.append(node.lineno)
    return lines


def test_no_module_but_pyparse_builds_a_syntax_tree() -> None:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        if relative == "pyparse.py":
            continue
        lines = _parses(ast.parse(path.read_text("utf-8")))
        if lines:
            found[relative] = lines
    assert found == {}, "parse through mlsec_policy.pyparse (see its docstring)"


def test_the_checker_sees_each_way_of_parsing() -> None:
    text = (
        "import ast\nfrom ast import parse\n"
        "ast.parse('x')\n"
        "compile('x', 'f', 'exec', flags=ast.PyCF_ONLY_AST)\n"
        "compile('x', 'f', 'exec', ast.PyCF_ONLY_AST)\n"
        "compile('x', 'f', 'exec')\n"
    )
    assert _parses(ast.parse(text)) == [2, 3, 4, 5]


def test_the_parsers_wait_for_a_parse_in_another_thread() -> None:
    done: list[object] = []
    parsers = [
        lambda: pyparse.syntax_tree("x = 1\n"),
        lambda: pyparse.expression_tree("x + 1"),
        lambda: pyparse.flags_tree("x = 1\n", "<t>", ast.PyCF_ONLY_AST),
    ]
    with pyparse._PARSING:  # another thread is converting a tree
        threads = [
            threading.Thread(target=lambda p=p: done.append(p()), daemon=True) for p in parsers
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=0.5)
        assert done == []  # each one waits for the lock
    for thread in threads:
        thread.join(timeout=60)
    assert len(done) == 3
    assert all(isinstance(tree, ast.Module | ast.Expression) for tree in done)


def test_flags_tree_only_parses() -> None:
    with pytest.raises(ValueError, match="PyCF_ONLY_AST"):
        pyparse.flags_tree("x = 1\n", "<t>", 0)
    with pytest.raises(SyntaxError):
        pyparse.syntax_tree("def (:\n")
