"""Strings run as Python code by the builtin ``eval`` and ``exec``.

The code handed to ``eval``/``exec`` (or to ``compile`` first) is judged by where it comes from
(see :mod:`mlsec_policy.analyzers.read.pyorigin`), not by its spelling:

- ``report: outside`` — the code comes from a web request, a language model's answer or the
  argument a model chose for an agent tool: the finding is certain;
- ``report: parsed`` — the code is read from a parsed configuration or data record (a field of
  what ``yaml.safe_load``/``json.load`` returned, a CSV cell, a parameter named or annotated as
  a configuration; see :mod:`.parsed`): whoever writes or ships that file runs code;
- ``report: unknown`` — the code's origin is not visible in the file (a function parameter, an
  attribute of a parsed object, a lambda parameter, a cell read from a file, a configuration
  value, a string assembled from such parts), or it is an operator's command-line argument or
  typed input: the finding is a heuristic.

Not reported: code made only of literals (also through f-strings, ``%``, ``.format`` and ``+``),
code compiled from a literal, identifiers the interpreter fixes (``__name__``, ``__module__``,
``dir()``), the program's own source (``inspect.getsource``, also when a helper called on
local names reshapes it in the function that read it; a ``.py`` file at a literal path), and a
value the enclosing condition pins to literal choices (``eval(f"torch.{x}") if x in
("float16", "bfloat16") else None``). Only the builtins count: ``model.eval()``,
``df.eval(...)`` and a module's own function named ``eval`` are other things.
"""

from __future__ import annotations

import ast
import copy
import re
from collections.abc import Iterable, Iterator

from mlsec_policy.analyzers.base import AnalyzerSpec, FileContext, Observation
from mlsec_policy.analyzers.params import Params
from mlsec_policy.analyzers.pycode.parsed import enclosing_functions, loaded_attributes, parsed_from
from mlsec_policy.analyzers.pycode.source import (
    PARSED,
    Graded,
    ParsedReport,
    call_sites,
    graded_report,
)
from mlsec_policy.analyzers.read.pyorigin import Kind, Origin, Scope, Values, shown
from mlsec_policy.models import ArtifactKind

SINKS = frozenset({"eval", "exec", "builtins.eval", "builtins.exec"})
"""The builtins that run a string (or a code object compiled from one) as code."""
OPERATOR_INPUT = frozenset(
    {"a command-line argument", "parsed command-line arguments", "text typed on standard input"}
)  # fmt: skip
"""Outside origins that are the operator's own choice: graded as heuristics, not certainties."""
SOURCE_READERS = frozenset({"inspect.getsource", "inspect.getsourcelines"})
"""Calls that return the program's own source code (what a monkeypatch rewrites and runs)."""
READ_METHODS = frozenset({"read", "read_text", "read_bytes"})
PREFILTER = re.compile(rb"\b(?:eval|exec)\s*\(")
"""A file with neither word before a bracket runs no code this way: it is not parsed."""
NOT_A_METHOD = re.compile(rb"(?<!\.)(?:eval|exec)\s*\(")
"""``eval(``/``exec(`` not right after a dot: a builtin's call is never ``x.eval(`` (a dot
right before the name makes an attribute), unless it is reached through ``builtins``."""


def may_evaluate(raw: bytes) -> bool:
    """Return False for a file's bytes that cannot hold a call of the builtin eval or exec."""
    if (b"eval" not in raw and b"exec" not in raw) or PREFILTER.search(raw) is None:
        return False
    return b"builtins" in raw or NOT_A_METHOD.search(raw) is not None


def code_evaluations(context: FileContext, params: ParsedReport) -> Iterable[Observation]:
    """Yield ``eval``/``exec`` calls whose code has the origin the check reports."""
    return graded_report(context, params, "evaluation", _grade)


def _grade(context: FileContext) -> Graded:
    graded: Graded = []
    pinned: dict[int, list[ast.expr]] | None = None
    patchers: set[int] = set()
    functions: dict[int, ast.AST] = {}
    loaded: frozenset[str] = frozenset()
    for source, call, values in call_sites(context, may_evaluate, _builtin_call):
        code = evaluated(call, values)
        if code is None:
            continue
        origin = values.of(code)
        if origin.kind is Kind.CONSTANT or _own_source(origin.node, values):
            continue
        if pinned is None:
            pinned = dict(_conditions(source.tree, []))
            patchers = _source_patchers(source.tree, values)
            functions = enclosing_functions(source.tree)
            loaded = loaded_attributes(source.tree, values)
        if id(call) in patchers and _reshaped(origin.node, values):
            continue  # the function's own source code, reshaped by a helper, patched and run
        choices = _chosen(pinned.get(id(call), []))
        if choices and values.of(_fixed(code, choices)).kind is Kind.CONSTANT:
            continue  # every part of outside text is limited to literal choices
        kind = origin.kind
        if kind is Kind.OUTSIDE and origin.what in OPERATOR_INPUT:
            kind = Kind.UNKNOWN
        document = parsed_from(origin, values, functions.get(id(call)), loaded)
        message = _message(origin, code, kind)
        if document is not None:
            message = (
                f"eval/exec runs {shown(code)}, read from a parsed configuration or data record "
                f"({document}): whoever writes or ships that file runs code in this process"
            )
        observation = Observation(
            source.location(call), message=message, snippet=source.snippet(call)
        )
        graded.append((PARSED if document is not None else kind, observation))
    return graded


def evaluated(call: ast.Call, values: Values) -> ast.expr | None:
    """Return the code a builtin ``eval``/``exec`` call runs, or None for any other call."""
    callee = call.func
    if isinstance(callee, ast.Name) and (
        callee.id in values.env or callee.id in values.scope.globals
    ):
        return None  # the module's own function or variable of that name
    if values.scope.qualified(callee) not in SINKS or not call.args:
        return None
    return call.args[0]


def _builtin_call(call: ast.Call, scope: Scope) -> bool:
    """Return True for a call :func:`evaluated` may accept, whatever the names bound there."""
    return bool(call.args) and scope.qualified(call.func) in SINKS


def _own_source(node: ast.AST | None, values: Values) -> bool:
    """``open("setup_config.py").read()``: the program's own module, read at a literal path."""
    if not (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in READ_METHODS
        and isinstance(node.func.value, ast.Call)
    ):
        return False
    opened = node.func.value
    if values.scope.qualified(opened.func) not in {"open", "io.open", "pathlib.Path"}:
        return False
    path = opened.args[0] if opened.args else None
    return (
        isinstance(path, ast.Constant)
        and isinstance(path.value, str)
        and path.value.endswith(".py")
    )


def _source_patchers(tree: ast.Module, values: Values) -> set[int]:
    """Return the calls made in functions that read source code with ``inspect.getsource``.

    A module function that reads source code (``def original(): return inspect.getsource(f)``)
    reads it for its callers too: a function calling it by name reads source as well.
    """
    functions = [
        node for node in ast.walk(tree) if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
    ]
    calls = {id(f): [n for n in ast.walk(f) if isinstance(n, ast.Call)] for f in functions}

    def reads(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
        return any(values.scope.qualified(c.func) in SOURCE_READERS for c in calls[id(function)])

    helpers = {
        f.name
        for f in tree.body
        if isinstance(f, (ast.FunctionDef, ast.AsyncFunctionDef)) and reads(f)
    }
    inside: set[int] = set()
    for function in functions:
        found = calls[id(function)]
        if reads(function) or any(
            isinstance(c.func, ast.Name) and c.func.id in helpers for c in found
        ):
            inside.update(id(c) for c in found)
    return inside


def _reshaped(node: ast.AST | None, values: Values) -> bool:
    """Return True for a helper call on local names and constants (``detab(source)``).

    In a function that reads source code, such a helper reshapes that source; its result is
    the program's own code. A method of an object or a call on an attribute is not this.
    """
    if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
        return False
    arguments = [*node.args, *(k.value for k in node.keywords)]
    return bool(arguments) and all(
        isinstance(a, ast.Name) or values.of(a).kind is Kind.CONSTANT for a in arguments
    )


def _conditions(node: ast.AST, tests: list[ast.expr]) -> Iterator[tuple[int, list[ast.expr]]]:
    """Yield each call with the conditions that must hold for it to run (if-bodies only)."""
    if isinstance(node, ast.Call) and tests:
        yield id(node), tests
    if isinstance(node, (ast.If, ast.IfExp)):
        yield from _conditions(node.test, tests)
        bodies: list[ast.AST] = list(node.body) if isinstance(node, ast.If) else [node.body]
        for child in bodies:
            yield from _conditions(child, [*tests, node.test])
        orelse: list[ast.AST] = list(node.orelse) if isinstance(node, ast.If) else [node.orelse]
        for child in orelse:
            yield from _conditions(child, tests)
        return
    for child in ast.iter_child_nodes(node):
        yield from _conditions(child, tests)


def _chosen(tests: list[ast.expr]) -> set[str]:
    """Return the expressions that conditions limit to literals (``x in ("a", "b")``)."""
    chosen: set[str] = set()
    for test in tests:
        parts = (
            test.values if isinstance(test, ast.BoolOp) and isinstance(test.op, ast.And) else [test]
        )
        for part in parts:
            if (
                isinstance(part, ast.Compare)
                and len(part.ops) == 1
                and isinstance(part.ops[0], (ast.In, ast.Eq))
                and _literal(part.comparators[0])
            ):
                chosen.add(ast.dump(part.left))
    return chosen


def _fixed(code: ast.expr, chosen: set[str]) -> ast.expr:
    """Return a copy of ``code`` with the expressions limited to literals replaced by one."""
    fixed = _Fixed(chosen).visit(copy.deepcopy(code))
    return fixed if isinstance(fixed, ast.expr) else code


class _Fixed(ast.NodeTransformer):
    """Replace the expressions a condition limits to literals with a literal."""

    def __init__(self, chosen: set[str]) -> None:
        self.chosen = chosen

    def visit(self, node: ast.AST) -> ast.AST:
        if isinstance(node, ast.expr) and ast.dump(node) in self.chosen:
            return ast.copy_location(ast.Constant(""), node)
        visited: ast.AST = super().visit(node)
        return visited


def _literal(node: ast.expr) -> bool:
    if isinstance(node, ast.Constant):
        return True
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        return all(isinstance(e, ast.Constant) for e in node.elts)
    return False


def _message(origin: Origin, code: ast.expr, kind: Kind) -> str:
    part = origin.text or shown(code)
    if kind is Kind.OUTSIDE:
        return (
            f"the code run by eval/exec includes {part}, {origin.what}; whoever writes it runs "
            "code in this process"
        )
    if origin.kind is Kind.OUTSIDE:  # an operator's own argument or typed input
        return (
            f"eval/exec runs code built from {part} ({origin.what}): whoever starts the program "
            "chooses it (heuristic: a file or argument named there runs as code)"
        )
    return (
        f"eval/exec runs code built from {part} ({origin.what}), whose origin this file does "
        "not show (heuristic: if it can carry text you did not write, it runs as code)"
    )


EVALUATION = AnalyzerSpec(
    name="python-code-evaluation",
    description="Strings run as code by the builtin eval/exec whose origin is outside the "
    "program or not visible (by where the code comes from).",
    kinds=frozenset({ArtifactKind.PYTHON, ArtifactKind.NOTEBOOK}),
    params=Params.beside(ParsedReport, __name__, "python-code-evaluation"),
    file=code_evaluations,
)
