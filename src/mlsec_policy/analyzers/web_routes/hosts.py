"""Whether a server's host argument means "every interface" when nobody changes it.

A server's address is rarely a literal at the call: it is a module constant, an environment
variable with a default (``os.environ.get("HOST", "0.0.0.0")``), a command-line option whose
default is ``0.0.0.0`` (argparse, click, typer, possibly in another module), a function's
default parameter, a field default of a settings or dataclass object, or a ``**kwargs``
dict. :class:`HostReader` follows these and says why the value is all interfaces, or
returns None. A value that is all interfaces only when a flag is given (``"0.0.0.0" if
args.listen else "127.0.0.1"``) is not a default and is not reported.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from mlsec_policy.analyzers.read.pysymbols import (
    FunctionNode,
    Imported,
    ModuleSymbols,
    dotted,
    keyword,
    last_name,
    parameters,
    string_value,
)
from mlsec_policy.analyzers.web_routes.program import Program
from mlsec_policy.analyzers.web_routes.request_models import resolve_class

ALL_INTERFACES = frozenset({"0.0.0.0", "::", "[::]", "0:0:0:0:0:0:0:0"})
ENV_READERS = frozenset({"getenv", "get"})
MAX_STEPS = 8
OPTION_CALLS = frozenset({"add_argument", "option", "Option", "argument"})
"""argparse ``add_argument``, click ``option``, typer ``Option``."""


@dataclass(frozen=True, slots=True)
class Place:
    """Where an expression is: its module path, symbols, and the node itself."""

    path: str
    symbols: ModuleSymbols
    node: ast.expr


class HostReader:
    """Resolves host expressions of a program (see the module docstring)."""

    def __init__(self, program: Program) -> None:
        self.program = program
        self._options: dict[str, list[tuple[str, ast.expr | None]]] = {}

    def all_interfaces(self, place: Place, steps: int = 0) -> str | None:
        """Return why the value of ``place`` is every interface by default, else None."""
        node, symbols = place.node, place.symbols
        if steps > MAX_STEPS:
            return None
        value = string_value(node)
        if value is not None:
            return value if value in ALL_INTERFACES else None
        if isinstance(node, ast.BoolOp) and isinstance(node.op, ast.Or):
            # ``host or "0.0.0.0"``: the last operand is the default
            return self.all_interfaces(Place(place.path, symbols, node.values[-1]), steps + 1)
        if isinstance(node, ast.Call):
            return self._call(place, node, steps)
        if isinstance(node, ast.Subscript) and string_value(node.slice) is not None:
            return self._field(place, node.value, string_value(node.slice) or "", steps)
        if isinstance(node, ast.Name):
            return self._name(place, node, steps)
        if isinstance(node, ast.Attribute):
            return self._field(place, node.value, node.attr, steps)
        return None

    def _call(self, place: Place, call: ast.Call, steps: int) -> str | None:
        name = dotted(call.func)
        if last_name(call.func) in ENV_READERS and ("environ" in name or "getenv" in name):
            default = call.args[1] if len(call.args) > 1 else keyword(call, "default")
            if default is None:
                return None
            found = self.all_interfaces(Place(place.path, place.symbols, default), steps + 1)
            variable = string_value(call.args[0]) if call.args else None
            if found and variable and "default of" not in found:
                return f"{found}, the default of ${variable}"
            return found
        return None

    def _name(self, place: Place, node: ast.Name, steps: int) -> str | None:
        for binding in place.symbols.lookup(node.id, node):
            if isinstance(binding, ast.expr):
                found = self.all_interfaces(Place(place.path, place.symbols, binding), steps + 1)
            elif isinstance(binding, Imported):
                found = self._imported(place.path, binding, steps)
            else:
                found = None
            if found:
                return found
        function = _enclosing_function(place.symbols, node)
        if function is not None:
            return self._parameter_default(place, function, node.id, steps)
        return None

    def _imported(self, path: str, imported: Imported, steps: int) -> str | None:
        for target, symbols, definition in self.program.definitions(path, imported):
            if isinstance(definition, ast.expr):
                found = self.all_interfaces(Place(target, symbols, definition), steps + 1)
                if found:
                    return found
        return None

    def _parameter_default(
        self, place: Place, function: FunctionNode, name: str, steps: int
    ) -> str | None:
        """``def serve(host="0.0.0.0")``, or a click/typer option default for ``host``."""
        for arg, default in parameters(function.args):
            if arg.arg != name or default is None:
                continue
            if isinstance(default, ast.Call) and last_name(default.func) in OPTION_CALLS:
                default = default.args[0] if default.args else keyword(default, "default")
                if default is None:
                    return None
            return self.all_interfaces(Place(place.path, place.symbols, default), steps + 1)
        for decorator in function.decorator_list:
            if (
                isinstance(decorator, ast.Call)
                and last_name(decorator.func) in OPTION_CALLS
                and _dest(decorator) == name
                and (default := keyword(decorator, "default")) is not None
            ):
                return self.all_interfaces(Place(place.path, place.symbols, default), steps + 1)
        return None

    def _field(self, place: Place, owner: ast.expr, field: str, steps: int) -> str | None:
        """``args.host`` (a command-line option) or ``settings.host`` (a class field)."""
        found = self._class_field(place, owner, field, steps)
        if found:
            return found
        options = self.options(place.path, field)
        if not options:
            return None
        reasons = [
            self._option_default(option_path, default, steps) for option_path, default in options
        ]
        if not all(reasons):
            return None
        option = "--" + field.replace("_", "-")
        return f"{reasons[0]}, the default of the {option} option in {options[0][0]}"

    def _option_default(self, path: str, default: ast.expr | None, steps: int) -> str | None:
        symbols = self.program.module(path)
        if default is None or symbols is None:
            return None
        return self.all_interfaces(Place(path, symbols, default), steps + 1)

    def _class_field(self, place: Place, owner: ast.expr, field: str, steps: int) -> str | None:
        """``obj.field`` where ``obj`` is typed with, or built from, a class of the repository."""
        candidates: list[ast.expr] = []
        if isinstance(owner, ast.Name):
            candidates.extend(
                binding.func
                for binding in place.symbols.lookup(owner.id, owner)
                if isinstance(binding, ast.Call)
            )
            function = _enclosing_function(place.symbols, owner)
            if function is not None:
                candidates.extend(
                    arg.annotation
                    for arg, _ in parameters(function.args)
                    if arg.arg == owner.id and arg.annotation is not None
                )
        for candidate in candidates:
            model = resolve_class(self.program, place.path, place.symbols, candidate, owner)
            if model is None:
                continue
            for statement in model.node.body:
                if (
                    isinstance(statement, ast.AnnAssign)
                    and isinstance(statement.target, ast.Name)
                    and statement.target.id == field
                    and statement.value is not None
                ):
                    default = statement.value
                    if isinstance(default, ast.Call):
                        default = keyword(default, "default") or default
                    return self.all_interfaces(Place(model.path, model.symbols, default), steps + 1)
        return None

    def options(self, path: str, dest: str) -> list[tuple[str, ast.expr | None]]:
        """Return (module, default) of the command-line options that set ``dest``.

        The module's own options win; without one, every option of that name in the
        repository is returned (they must all agree for a default to count).
        """
        if dest not in self._options:
            option = ("--" + dest.replace("_", "-")).encode()
            found: list[tuple[str, ast.expr | None]] = []
            for candidate in self.program.paths:
                if not self.program.facts(candidate).argparse:
                    continue
                data = self.program.data(candidate)
                if option not in data and b"dest" not in data:
                    continue
                symbols = self.program.module(candidate)
                found.extend(
                    (candidate, keyword(node, "default"))
                    for node in (symbols.calls if symbols is not None else [])
                    if last_name(node.func) == "add_argument" and _dest(node) == dest
                )
            self._options[dest] = found
        everywhere = self._options[dest]
        return [entry for entry in everywhere if entry[0] == path] or everywhere


def _dest(call: ast.Call) -> str | None:
    """Return the attribute an argparse/click option sets (``--listen-host`` -> listen_host)."""
    dest = string_value(keyword(call, "dest"))
    if dest:
        return dest
    names = [value for a in call.args if (value := string_value(a)) is not None]
    longs = [n for n in names if n.startswith("--")]
    plain = [n for n in names if not n.startswith("-")]
    chosen = longs[0][2:] if longs else (plain[0] if plain else None)
    return re.sub(r"-", "_", chosen) if chosen else None


def _enclosing_function(symbols: ModuleSymbols, node: ast.AST) -> FunctionNode | None:
    current = symbols.parents.get(node)
    while current is not None:
        if isinstance(current, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return current
        current = symbols.parents.get(current)
    return None
