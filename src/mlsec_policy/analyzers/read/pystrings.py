"""The fixed text and the holes of a string assembled in code.

``f"SELECT * FROM {table} WHERE id = '{key}'"``, ``"... %s" % key``, ``"...{}".format(key)``,
``a + b``, ``sep.join([a, b])`` and a name built by ``s = ...; s += ...`` (or ``s = s + ...``,
``s = s % ...``) all come apart into the same sequence of
pieces: text the program wrote, and holes filled at run time, each graded by
:class:`~.pyorigin.Values` (where its value comes from). A check can then ask what surrounds a
hole — for SQL, whether it stands where a table name goes or where a value goes.
"""

from __future__ import annotations

import ast
import copy
import re
import string
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from mlsec_policy.analyzers.read.pyorigin import Origin, Values

MAX_DEPTH = 4
"""How many names deep a string is followed (``sql = base + where``; ``where = ...``)."""
_PERCENT = re.compile(r"%(?:\((?P<key>\w+)\))?[-#0 +]*\d*(?:\.\d+)?[sdifrxXeEgGcau]|%%")


@dataclass(frozen=True, slots=True)
class Piece:
    """Text the program wrote, or a hole (``origin`` set) filled at run time."""

    text: str = ""
    origin: Origin | None = None
    node: ast.expr | None = None


def pieces(node: ast.expr, values: Values) -> list[Piece]:
    """Return the pieces of the string ``node`` evaluates to."""
    return list(_pieces(node, values, 0))


def fixed_text(parts: Sequence[Piece]) -> str:
    """Return the written text with every hole left out."""
    return "".join(p.text for p in parts if p.origin is None)


def rebound(name: str, value: ast.expr, before: tuple[ast.expr, ...]) -> tuple[ast.expr, ...]:
    """Return what ``name = value`` builds ``name`` from, given the parts it was built from.

    ``query = query + part`` reads the old ``query``: its old parts take its place, so the new
    value does not refer to itself. Empty (not known) when the old parts are not known.
    """
    if not any(isinstance(n, ast.Name) and n.id == name for n in ast.walk(value)):
        return (value,)
    if not before:
        return ()
    return (_Inline(name, _chained(before)).visit(copy.deepcopy(value)),)


def augmented(
    before: tuple[ast.expr, ...], op: ast.operator, value: ast.expr
) -> tuple[ast.expr, ...]:
    """Return what ``s += value`` (or ``s %= value``) builds ``s`` from; empty when unknown."""
    if not before:
        return ()
    if isinstance(op, ast.Add):
        return (*before, value)
    if isinstance(op, ast.Mod):
        return (ast.BinOp(left=_chained(before), op=ast.Mod(), right=value),)
    return ()


def _chained(parts: tuple[ast.expr, ...]) -> ast.expr:
    """Return ``a + b + ...`` of ``parts`` (the one part itself when there is one)."""
    chained = parts[0]
    for part in parts[1:]:
        chained = ast.BinOp(left=chained, op=ast.Add(), right=part)
    return chained


class _Inline(ast.NodeTransformer):
    """Put an expression where a name is read."""

    def __init__(self, name: str, replacement: ast.expr) -> None:
        self.name = name
        self.replacement = replacement

    def visit_Name(self, node: ast.Name) -> ast.expr:
        return self.replacement if node.id == self.name else node


def _pieces(node: ast.expr, values: Values, depth: int) -> Iterator[Piece]:
    if isinstance(node, ast.Constant):
        yield Piece(node.value if isinstance(node.value, str) else str(node.value))
    elif isinstance(node, ast.JoinedStr):
        for value in node.values:
            if isinstance(value, ast.FormattedValue):
                yield from _hole(value.value, values, depth)
            else:
                yield from _pieces(value, values, depth)
    elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        yield from _pieces(node.left, values, depth)
        yield from _pieces(node.right, values, depth)
    elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mod):
        yield from _percent(node, values, depth)
    elif _is_format(node):
        assert isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
        yield from _format(node, node.func.value, values, depth)
    elif _joined(node, values) is not None:
        assert isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
        yield from _join(node.func.value, _joined(node, values) or [], values, depth)
    elif isinstance(node, ast.IfExp):  # one of two texts: judge the worse one
        worse = values.of(node.orelse).kind > values.of(node.body).kind
        yield from _pieces(node.orelse if worse else node.body, values, depth)
    else:
        yield from _hole(node, values, depth)


def _hole(node: ast.expr, values: Values, depth: int) -> Iterator[Piece]:
    """Yield a value put into the string: its own pieces when it is a name built here."""
    origin = values.of(node)
    if isinstance(node, ast.Name) and origin.built and depth < MAX_DEPTH:
        for part in origin.built:
            yield from _pieces(part, values, depth + 1)
    elif (
        isinstance(node, (ast.Constant, ast.JoinedStr, ast.BinOp, ast.IfExp))
        or _is_format(node)
        or _joined(node, values) is not None
    ):
        yield from _pieces(node, values, depth)
    else:
        yield Piece(origin=origin, node=node)


def _is_format(node: ast.expr) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "format"
    )


def _joined(node: ast.expr, values: Values) -> list[ast.expr] | None:
    """Return the items of ``"sep".join(items)`` when they are written out (here or in a name)."""
    if not (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "join"
        and isinstance(node.func.value, ast.Constant)
        and isinstance(node.func.value.value, str)
        and len(node.args) == 1
        and not node.keywords
    ):
        return None
    items = node.args[0]
    if isinstance(items, ast.Name):
        built = values.of(items).built
        items = built[0] if len(built) == 1 else items
    return list(items.elts) if isinstance(items, (ast.List, ast.Tuple)) else None


def _join(
    separator: ast.expr, items: list[ast.expr], values: Values, depth: int
) -> Iterator[Piece]:
    for index, item in enumerate(items):
        if index:
            yield from _pieces(separator, values, depth)
        yield from _hole(item, values, depth)


def _template(node: ast.expr, values: Values, depth: int) -> str | None:
    """Return the literal text of a format template, or None when it has a hole.

    The template may be written here or built in a name (``sql = "SELECT ..."``, then
    ``sql += " WHERE id = %s"``).
    """
    if depth >= MAX_DEPTH:
        return None
    parts = list(_pieces(node, values, depth + 1))
    return None if any(p.origin is not None for p in parts) else fixed_text(parts)


def _percent(node: ast.BinOp, values: Values, depth: int) -> Iterator[Piece]:
    template = _template(node.left, values, depth)
    if template is None:
        yield Piece(origin=values.of(node), node=node)
        return
    right = node.right
    positional = list(right.elts) if isinstance(right, ast.Tuple) else [right]
    named = {}
    if isinstance(right, ast.Dict):
        named = {
            k.value: v
            for k, v in zip(right.keys, right.values, strict=True)
            if isinstance(k, ast.Constant) and isinstance(k.value, str)
        }
    cursor = 0
    for match in _PERCENT.finditer(template):
        yield Piece(template[cursor : match.start()])
        cursor = match.end()
        if match.group(0) == "%%":
            yield Piece("%")
            continue
        key = match.group("key")
        filled = named.get(key) if key else (positional.pop(0) if positional else None)
        yield from _hole(filled if filled is not None else right, values, depth)
    yield Piece(template[cursor:])


def _format(call: ast.Call, receiver: ast.expr, values: Values, depth: int) -> Iterator[Piece]:
    template = _template(receiver, values, depth)
    if template is None:
        yield Piece(origin=values.of(call), node=call)
        return
    keywords = {k.arg: k.value for k in call.keywords if k.arg}
    automatic = 0
    try:
        fields = list(string.Formatter().parse(template))
    except ValueError:
        yield Piece(origin=values.of(call), node=call)
        return
    for literal, field, _spec, _conversion in fields:
        yield Piece(literal)
        if field is None:
            continue
        name = re.split(r"[.\[]", field, maxsplit=1)[0]
        if name == "":
            name, automatic = str(automatic), automatic + 1
        filled = (
            call.args[int(name)]
            if name.isascii() and name.isdigit() and int(name) < len(call.args)
            else keywords.get(name)
        )
        if filled is None:  # ``**kwargs`` and the like: the whole call is the hole
            yield Piece(origin=values.of(call), node=call)
        else:
            yield from _hole(filled, values, depth)
