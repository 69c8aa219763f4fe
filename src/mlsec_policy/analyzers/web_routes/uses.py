"""How a use of a request value is classified: inert, a key, carried on, or a call.

These tables and helpers serve :mod:`.flow`. A value's use is *inert* when the result says
nothing of its content (``len``, ``isinstance``, a test method), *carried* when the result
holds the content on (``str``, an f-string, a container), a *selection* when the value is
matched against choices or used as a key, and an *echo* when it goes back to the client, into
a log line or into an exception message.
"""

from __future__ import annotations

import ast
import re

from mlsec_policy.analyzers.read.pysymbols import FunctionNode, parameters

INERT_CALLS = frozenset(
    {
        "len",
        "isinstance",
        "issubclass",
        "type",
        "id",
        "hash",
        "bool",
        "callable",
        "hasattr",
        "print",
        "getattr",
        "setattr",
        "delattr",
        "int",
        "float",
        "round",
        "abs",
    }
)
"""Calls whose result says nothing of the content (a size, a type, a flag)."""
PASS_THROUGH_CALLS = frozenset(
    {
        "str",
        "repr",
        "format",
        "list",
        "tuple",
        "dict",
        "set",
        "frozenset",
        "sorted",
        "reversed",
        "zip",
        "enumerate",
        "iter",
        "next",
        "copy",
        "deepcopy",
        "cast",
    }
)
"""Calls whose result carries the content on."""
INERT_METHODS = frozenset(
    {
        "startswith",
        "endswith",
        "isdigit",
        "isalpha",
        "isalnum",
        "isnumeric",
        "isdecimal",
        "isspace",
        "islower",
        "isupper",
        "istitle",
        "isidentifier",
        "find",
        "rfind",
        "index",
        "count",
        "__contains__",
    }
)
"""Methods of the value that only test it."""
KEY_METHODS = frozenset({"get", "pop", "setdefault", "index", "remove", "discard"})
"""Methods of a container that take the value as a key."""
LOGGER = re.compile(r"(?i)^(?:.*\.)?_*(?:log|logger|logging|logs)$")
LOG_LEVELS = frozenset(
    {"debug", "info", "warning", "warn", "error", "exception", "critical", "fatal", "log"}
)
OBJECT_COPIES = frozenset(
    {"dict", "model_dump", "copy", "model_copy", "to_dict", "as_dict", "_asdict", "items"}
)
"""Methods of a request object that return its fields as a dict (or a copy of it)."""
CARRIERS = (
    ast.BoolOp,
    ast.IfExp,
    ast.Await,
    ast.JoinedStr,
    ast.FormattedValue,
    ast.BinOp,
    ast.List,
    ast.Tuple,
    ast.Set,
    ast.Dict,
    ast.Starred,
    ast.Slice,
)
"""Expressions whose value carries the content of their parts on."""
ECHO_CALL = re.compile(r"(?:Response|Error|Exception|Warning|jsonify|make_response|abort)$")
"""Responses and exceptions: the value goes back to the client or into a message."""


def selects(compare: ast.Compare, node: ast.expr) -> bool:
    """Return True when a comparison uses the value as a selector.

    ``value == "base64"``, ``value != other``, ``value in ALLOWED``: the value is matched
    against known choices. A test for emptiness (``== ""``, ``is None``) or a search inside
    the value (``"<image>" in value``) is not a selection.
    """
    operands = [compare.left, *compare.comparators]
    index = next((i for i, operand in enumerate(operands) if operand is node), None)
    if index is None:
        return False
    for position, operator in enumerate(compare.ops):
        if position != index and position + 1 != index:
            continue
        other = operands[position + 1] if position == index else operands[position]
        if isinstance(operator, (ast.Eq, ast.NotEq)) and not _empty(other):
            return True
        if isinstance(operator, (ast.In, ast.NotIn)) and position == index:
            return True
    return False


def _empty(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value in ("", None, b"")


def parameter_for(function: FunctionNode, call: ast.Call, node: ast.expr) -> str | None:
    """Return the parameter of ``function`` that receives ``node`` in ``call``."""
    named = [arg.arg for arg, _ in parameters(function.args)]
    positional = [a.arg for a in [*function.args.posonlyargs, *function.args.args]]
    if positional and positional[0] in {"self", "cls"} and isinstance(call.func, ast.Attribute):
        positional = positional[1:]
    for index, argument in enumerate(call.args):
        if argument is node or _contains(argument, node):
            if isinstance(argument, ast.Starred):
                return None
            return positional[index] if index < len(positional) else None
    for keyword in call.keywords:
        if keyword.value is node or _contains(keyword.value, node):
            if keyword.arg is None or keyword.arg not in named:
                return None
            return keyword.arg
    return None


def _contains(tree: ast.AST, node: ast.AST) -> bool:
    return any(inner is node for inner in ast.walk(tree))
