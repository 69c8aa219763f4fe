"""The request models of inference routes, and which of their fields have no size limit.

A FastAPI handler that declares ``body: ChatRequest`` takes a pydantic model as its request
body. The model may live in another module, inherit fields from a base class, and bound its
fields in several ways: ``Field(max_length=...)`` (any alias of ``Field``), ``constr`` /
``conlist``, ``Annotated[str, StringConstraints(max_length=...)]``, a model-wide
``str_max_length`` (strings only), or a ``field_validator`` that checks ``len``. A field is
unbounded when it holds text or a list (``str``, ``bytes``, ``list[...]``, ``Sequence``,
unions and optionals of them) and none of these applies.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass

from mlsec_policy.analyzers.read.pysymbols import (
    FunctionNode,
    Imported,
    ModuleSymbols,
    dotted,
    last_name,
    parameters,
    string_value,
)
from mlsec_policy.analyzers.web_routes.program import Program
from mlsec_policy.pyparse import expression_tree

TEXT_TYPES = frozenset({"str", "bytes", "AnyStr"})
LIST_TYPES = frozenset(
    {
        "list",
        "List",
        "Sequence",
        "MutableSequence",
        "set",
        "Set",
        "frozenset",
        "FrozenSet",
        "tuple",
        "Tuple",
        "Iterable",
        "Collection",
    }
)
WRAPPERS = frozenset({"Optional", "Union", "Annotated"})
LIMIT_KEYWORDS = frozenset({"max_length", "max_items", "max_len", "max_size"})
LIMIT_CALLS = frozenset({"MaxLen", "Len"})
MODEL_BASES = frozenset({"BaseModel", "RootModel", "BaseSettings"})
MAX_BASES = 8


@dataclass(frozen=True, slots=True)
class RequestField:
    """One unbounded field of a request model."""

    path: str
    """The module that declares the field."""
    model: str
    name: str
    line: int


@dataclass(frozen=True, slots=True)
class ModelClass:
    """A class of the repository with the module it is defined in."""

    path: str
    symbols: ModuleSymbols
    node: ast.ClassDef


def request_models(
    program: Program, path: str, symbols: ModuleSymbols, handler: FunctionNode
) -> Iterator[tuple[str, ModelClass]]:
    """Yield (parameter, model class) for each handler parameter typed with a pydantic model."""
    for arg, default in parameters(handler.args):
        if arg.annotation is None or (
            isinstance(default, ast.Call) and last_name(default.func) in {"Depends", "Security"}
        ):
            continue
        for name in _class_names(arg.annotation):
            model = resolve_class(program, path, symbols, name, handler)
            if model is not None and is_pydantic(program, model):
                yield arg.arg, model
                break


def _class_names(annotation: ast.expr) -> Iterator[ast.expr]:
    for node in ast.walk(annotation):
        if (
            isinstance(node, (ast.Name, ast.Attribute))
            and dotted(node)
            and (last_name(node)[:1].isupper())
        ):
            yield node


def resolve_class(
    program: Program, path: str, symbols: ModuleSymbols, node: ast.expr, at: ast.AST
) -> ModelClass | None:
    """Return the repository class a name (or ``module.Name``) stands for, if any."""
    name = dotted(node)
    head, _, rest = name.partition(".")
    for binding in symbols.lookup(head, at):
        if isinstance(binding, ast.ClassDef) and not rest:
            return ModelClass(path, symbols, binding)
        if isinstance(binding, Imported) and "." not in rest:
            imported = binding.member(rest) if rest else binding
            for target, target_symbols, definition in program.definitions(path, imported):
                if isinstance(definition, ast.ClassDef):
                    return ModelClass(target, target_symbols, definition)
    return None


def lineage(program: Program, model: ModelClass) -> list[ModelClass]:
    """Return the class and its repository base classes, nearest first."""
    found = [model]
    index = 0
    while index < len(found) and len(found) < MAX_BASES:
        current = found[index]
        for base in current.node.bases:
            parent = resolve_class(program, current.path, current.symbols, base, current.node)
            if parent is not None and all(parent.node is not f.node for f in found):
                found.append(parent)
        index += 1
    return found


def is_pydantic(program: Program, model: ModelClass) -> bool:
    """Return True when the class or a repository base derives from a pydantic model."""
    return any(
        last_name(base) in MODEL_BASES for cls in lineage(program, model) for base in cls.node.bases
    )


def unbounded_fields(program: Program, model: ModelClass) -> list[RequestField]:
    """Return the text and list fields of a model (and its bases) that carry no limit."""
    classes = lineage(program, model)
    strings_bounded = any(_strings_bounded(cls.node) for cls in classes)
    validated = {name for cls in classes for name in _length_validated(cls.node)}
    found: dict[str, RequestField] = {}
    for cls in reversed(classes):
        for statement in cls.node.body:
            if not isinstance(statement, ast.AnnAssign) or not isinstance(
                statement.target, ast.Name
            ):
                continue
            name = statement.target.id
            kind = _unbounded_kind(statement.annotation)
            limited = _has_limit(statement.annotation) or (
                statement.value is not None and _has_limit(statement.value)
            )
            if kind is None or limited or name in validated or name.startswith("_"):
                found.pop(name, None)
                continue
            if kind == "text" and strings_bounded:
                found.pop(name, None)
                continue
            found[name] = RequestField(cls.path, cls.node.name, name, statement.lineno)
    return sorted(found.values(), key=lambda f: (f.path, f.line))


def _unbounded_kind(annotation: ast.expr) -> str | None:
    """Return 'list' or 'text' when some alternative of the type is unbounded, else None."""
    kinds = set(_alternatives(annotation))
    if "list" in kinds:
        return "list"
    return "text" if "text" in kinds else None


def _alternatives(node: ast.expr) -> Iterator[str]:
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        yield from _alternatives(node.left)
        yield from _alternatives(node.right)
        return
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        # a forward reference written as a string: parse it
        try:
            parsed = expression_tree(node.value).body
        except SyntaxError:
            return
        yield from _alternatives(parsed)
        return
    head = node.value if isinstance(node, ast.Subscript) else node
    name = last_name(head)
    if isinstance(node, ast.Subscript) and name in WRAPPERS:
        inner = node.slice
        elements = inner.elts if isinstance(inner, ast.Tuple) else [inner]
        if name == "Annotated":
            elements = elements[:1]
        for element in elements:
            yield from _alternatives(element)
    elif name in TEXT_TYPES:
        yield "text"
    elif name in LIST_TYPES:
        yield "list"


def _has_limit(node: ast.expr) -> bool:
    for inner in ast.walk(node):
        if isinstance(inner, ast.Call) and (
            last_name(inner.func) in LIMIT_CALLS
            or any(k.arg in LIMIT_KEYWORDS for k in inner.keywords)
        ):
            return True
    return False


def _strings_bounded(node: ast.ClassDef) -> bool:
    """``model_config = ConfigDict(str_max_length=N)`` or ``class Config: max_anystr_length``."""
    for statement in node.body:
        if isinstance(statement, ast.ClassDef) and statement.name == "Config":
            for inner in ast.walk(statement):
                if isinstance(inner, ast.Name) and inner.id == "max_anystr_length":
                    return True
        targets: list[ast.expr] = []
        if isinstance(statement, ast.Assign):
            targets = statement.targets
        elif isinstance(statement, ast.AnnAssign):
            targets = [statement.target]
        if any(isinstance(t, ast.Name) and t.id == "model_config" for t in targets):
            for inner in ast.walk(statement):
                if isinstance(inner, ast.keyword) and inner.arg == "str_max_length":
                    return True
                if string_value(inner) == "str_max_length":
                    return True
    return False


def _length_validated(node: ast.ClassDef) -> set[str]:
    """Fields named by a validator that compares a ``len(...)``."""
    names: set[str] = set()
    for statement in node.body:
        if not isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        fields = [
            value
            for decorator in statement.decorator_list
            if isinstance(decorator, ast.Call)
            and last_name(decorator.func) in {"validator", "field_validator"}
            for argument in decorator.args
            if (value := string_value(argument)) is not None
        ]
        compares_length = any(
            isinstance(inner, ast.Compare)
            and any(
                isinstance(part, ast.Call) and last_name(part.func) == "len"
                for part in ast.walk(inner)
            )
            for inner in ast.walk(statement)
        )
        if compares_length:
            names.update(fields)
    return names
