"""Values read from a parsed configuration or data record (a YAML/JSON/TOML mapping, a CSV row).

The code checks grade a value by where it comes from (:mod:`mlsec_policy.analyzers.read.pyorigin`);
a value of unknown origin is only a heuristic there. One kind of unknown origin is known well
enough to say more: the value was read out of a document the program parsed — a field of the
mapping ``yaml.safe_load``/``json.load``/``tomllib.load``/``OmegaConf.load`` returned (also
through ``.get``, subscripts, attributes, f-strings and helpers named for it, such as
``yaml_load`` or ``load_config``), a cell of a CSV row, or a parameter whose name or annotation
says it holds such a record (``cfg``, ``config``, ``*_yaml``, ``row``; ``DictConfig``,
``*Config``). Such text is written by whoever wrote or ships the file — a dataset card, a model
definition, a stored record — not by the program. :func:`parsed_from` names that document.
"""

from __future__ import annotations

import ast
import re

from mlsec_policy.analyzers.read.pyorigin import Kind, Origin, Values, shown

LOADERS = frozenset(
    {"yaml.safe_load", "yaml.load", "yaml.full_load", "yaml.unsafe_load", "yaml.safe_load_all",
     "yaml.load_all", "json.load", "json.loads", "tomllib.load", "tomllib.loads", "toml.load",
     "toml.loads", "tomli.load", "tomli.loads", "omegaconf.OmegaConf.load",
     "omegaconf.OmegaConf.create", "csv.reader", "csv.DictReader", "pandas.read_csv",
     "pandas.read_json", "srsly.read_json", "srsly.read_yaml", "orjson.loads", "ujson.loads"}
)  # fmt: skip
"""Calls that parse a document into records (the standard and common third-party parsers)."""
_FORMAT = r"(yaml|yml|json|toml|config|cfg|conf\b|csv|ini)"
_HELPER = re.compile(
    rf"(?i)^_*(({_FORMAT}\w*(load|read|parse))|((load|read|parse)\w*{_FORMAT}))\w*$"
)
"""A function or method named for loading a format (``yaml_load``, ``load_config``)."""
_RECEIVER = re.compile(rf"(?i){_FORMAT}")
_METHODS = frozenset({"load", "loads", "safe_load", "full_load", "load_all", "read", "parse"})
"""Methods that parse when their receiver is named for a format (``YAML.load``)."""
_FIELD_METHODS = frozenset({"get", "pop", "setdefault", "values", "items", "copy"})
"""Methods that return a part of the mapping they are called on."""
_PARAMETER = re.compile(
    r"(?i)^(cfg|cfgs|conf|config|configs|settings|hparams|hyp|yaml|yml|manifest|record|row|"
    r"data_?(cfg|config|yaml|yml|dict)|\w+_(cfg|conf|config|yaml|yml|json|toml|record|row))$"
)
"""Parameter names that say the value is a parsed configuration or data record."""
_ANNOTATION = re.compile(r"(DictConfig|ListConfig|\w*Config|\w*Settings|\w*Record)$")
MAX_DEPTH = 8


def parsed_from(
    origin: Origin, values: Values, function: ast.AST | None, loaded: frozenset[str]
) -> str | None:
    """Return what parsed document an unknown value was read from, or None when it is not one.

    ``function`` is the function the value is used in (for the annotation of a parameter);
    ``loaded`` the object attributes the module sets from a parser (:func:`loaded_attributes`).
    """
    if origin.kind is not Kind.UNKNOWN:
        return None
    return _document(origin, values, (function, loaded), MAX_DEPTH)


Where = tuple[ast.AST | None, frozenset[str]]
"""The function a value is used in, and the attributes the module sets from a parser."""


def _document(origin: Origin, values: Values, where: Where, depth: int) -> str | None:
    if depth <= 0:
        return None
    node = origin.node
    function, loaded = where
    if node is None and origin.what.startswith("a parameter of ") and origin.label:
        return _parameter(origin.label, function)
    if isinstance(node, ast.Call):
        loader = _loader(node, values)
        if loader is not None:
            return loader
        callee = node.func
        if isinstance(callee, ast.Attribute) and callee.attr in _FIELD_METHODS:
            return _document(values.of(callee.value), values, where, depth - 1)
        return None
    if (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id in {"self", "cls"}
        and node.attr in loaded
    ):
        return f"{shown(node, 40)}, set from a parser in this module"
    if isinstance(node, (ast.Subscript, ast.Attribute)):
        inner = values.of(node.value)
        if inner.node is node:
            return None
        return _document(inner, values, where, depth - 1)
    return None


def loaded_attributes(tree: ast.Module, values: Values) -> frozenset[str]:
    """Return the attributes the module sets from a parser (``self.spec = yaml.safe_load(f)``)."""
    assigned: set[str] = set()
    for statement in ast.walk(tree):
        if not (isinstance(statement, ast.Assign) and isinstance(statement.value, ast.Call)):
            continue
        if _loader(statement.value, values) is None:
            continue
        for target in statement.targets:
            if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name):
                assigned.add(target.attr)
    return frozenset(assigned)


def _loader(call: ast.Call, values: Values) -> str | None:
    """Return the parser a call is, as written (``yaml.safe_load()``), or None."""
    callee = call.func
    dotted = values.scope.qualified(callee)
    if dotted in LOADERS:
        return f"{shown(callee, 40)}()"
    name = callee.attr if isinstance(callee, ast.Attribute) else getattr(callee, "id", "")
    if _HELPER.match(name):
        return f"{shown(callee, 40)}()"
    if (
        isinstance(callee, ast.Attribute)
        and callee.attr in _METHODS
        and _RECEIVER.search(shown(callee.value, 80))
    ):
        return f"{shown(callee, 40)}()"
    return None


def _parameter(name: str, function: ast.AST | None) -> str | None:
    """Return the parameter's description when its name or annotation says it is a record."""
    if _PARAMETER.match(name):
        return f"the parameter {name}"
    if isinstance(function, (ast.FunctionDef, ast.AsyncFunctionDef)):
        arguments = function.args
        for argument in [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]:
            annotation = argument.annotation
            if argument.arg == name and annotation is not None:
                text = shown(annotation, 80).strip("\"'")
                if _ANNOTATION.search(text.split("[")[0]):
                    return f"the parameter {name}: {text}"
    return None


def enclosing_functions(tree: ast.Module) -> dict[int, ast.AST]:
    """Map each call (by id) to the innermost function that contains it."""
    found: dict[int, ast.AST] = {}

    def visit(node: ast.AST, function: ast.AST | None) -> None:
        for child in ast.iter_child_nodes(node):
            inner = child if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)) else None
            if isinstance(child, ast.Call) and function is not None:
                found[id(child)] = function
            visit(child, inner or function)

    visit(tree, None)
    return found
