"""Where a request value goes: to the model, or only to lookups, comparisons and the response.

An unbounded request field matters when its content is processed — passed to a model, a
tokenizer, a client library or anything else the repository does not define. It does not
matter when the value is only compared (``encoding_format == "base64"``), used as a key
(``MODELS[name]``, ``registry.get(name)``), tested, measured (``len``), logged, put in an
exception message, or echoed back in the response (``{"model": request.model}``).

:class:`FlowTracker` follows a value through a handler: assignments and aliases, f-strings,
concatenations and containers (a dict that holds the value is followed as the value), calls
into functions defined in the repository (by import, by local name, ``self.method``, or a
method name defined only once in the repository), and returns from those functions back to
their callers. The first use that may process the content is returned as a :class:`Sink`;
no sink means the value never reaches anything that could process it. Whatever the tracker
cannot see through (a call into a library, iteration, an attribute store) counts as a sink,
so an unknown use is reported rather than assumed harmless.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import TypeAlias

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
from mlsec_policy.analyzers.web_routes.uses import (
    CARRIERS,
    ECHO_CALL,
    INERT_CALLS,
    INERT_METHODS,
    KEY_METHODS,
    LOG_LEVELS,
    LOGGER,
    OBJECT_COPIES,
    PASS_THROUGH_CALLS,
    parameter_for,
    selects,
)

MAX_DEPTH = 5
"""How many calls deep a value is followed."""


Definition: TypeAlias = tuple[str, ModuleSymbols, FunctionNode | ast.ClassDef]
"""A function or class of the repository, with its module path and symbols."""


@dataclass(frozen=True, slots=True)
class Sink:
    """A use of the value that may process its content."""

    path: str
    line: int
    what: str
    """What the value reaches (``engine.generate(...)``, ``iteration over it``)."""


@dataclass(frozen=True, slots=True)
class Frame:
    """Where the tracker is: a function of a module, and the call it was entered from."""

    path: str
    symbols: ModuleSymbols
    function: FunctionNode
    caller: Frame | None = None
    site: ast.Call | None = None
    """The call in ``caller`` that entered this function (its result is the return value)."""

    @property
    def depth(self) -> int:
        """Return how many calls deep this frame is."""
        return 0 if self.caller is None else self.caller.depth + 1


@dataclass(slots=True)
class Uses:
    """What the tracker saw a value do."""

    sinks: list[Sink] = field(default_factory=list)
    selector: bool = False
    """The value was compared for equality, tested for membership or used as a key."""

    @property
    def sink(self) -> Sink | None:
        """Return the first sink of a content value (None for a selector or no sink)."""
        return None if self.selector or not self.sinks else self.sinks[0]


@dataclass(slots=True)
class FlowTracker:
    """Follows values through the program (see the module docstring).

    ``part`` marks a value that is only a part of the request value (an element, an
    attribute of it): comparing a part (``messages[-1].role == "assistant"``) does not make
    the whole value a selector, while its content still counts where it goes.
    """

    program: Program
    _seen: set[tuple[str, int, str, str, bool]] = field(default_factory=set)
    _uses: Uses = field(default_factory=Uses)

    def field_uses(self, frame: Frame, name: str, attribute: str) -> Uses:
        """Return what ``name.attribute`` does in ``frame`` (``name`` holds a request)."""
        self._seen = set()
        self._uses = Uses()
        self._name(frame, name, attribute, after=0, part=False)
        return self._uses

    def _sink(self, frame: Frame, line: int, what: str) -> None:
        self._uses.sinks.append(Sink(frame.path, line, what))

    def _name(self, frame: Frame, name: str, attribute: str, after: int, part: bool) -> None:
        """Follow every later use of ``name`` (the value, or an object holding it)."""
        key = (frame.path, id(frame.function), name, attribute, part)
        if key in self._seen:
            return
        self._seen.add(key)
        for node in ast.walk(frame.function):
            if not isinstance(node, ast.Name) or node.id != name or node.lineno < after:
                continue
            if not isinstance(node.ctx, ast.Load):
                continue
            if attribute:
                self._carry(frame, node, attribute, part)
            else:
                self.value(frame, node, part)

    def _carry(self, frame: Frame, node: ast.expr, attribute: str, part: bool) -> None:
        """Follow an object that holds the value as its field (or key) ``attribute``."""
        parent = frame.symbols.parents.get(node)
        if isinstance(parent, ast.Attribute) and parent.value is node:
            if parent.attr == attribute:
                self.value(frame, parent, part)
                return
            call = frame.symbols.parents.get(parent)
            if not isinstance(call, ast.Call) or call.func is not parent:
                return
            if parent.attr in OBJECT_COPIES:
                self._carry(frame, call, attribute, part)
            elif (
                parent.attr in KEY_METHODS and call.args and string_value(call.args[0]) == attribute
            ):
                self.value(frame, call, part)
        elif isinstance(parent, ast.Subscript) and parent.value is node:
            if string_value(parent.slice) == attribute:
                self.value(frame, parent, part)
        elif isinstance(parent, (ast.Call, ast.keyword, ast.Starred)):
            self._carry_into_call(frame, node, attribute, part)
        elif isinstance(parent, (ast.Assign, ast.AnnAssign)) and parent.value is node:
            targets = parent.targets if isinstance(parent, ast.Assign) else [parent.target]
            for target in targets:
                if isinstance(target, ast.Name):
                    self._name(frame, target.id, attribute, parent.lineno + 1, part)
        elif isinstance(parent, ast.Return) and frame.caller is not None and frame.site:
            self._carry(frame.caller, frame.site, attribute, part)
        elif isinstance(parent, (ast.Await, ast.IfExp, ast.BoolOp)):
            self._carry(frame, parent, attribute, part)

    def _carry_into_call(self, frame: Frame, node: ast.expr, attribute: str, part: bool) -> None:
        """Follow an object holding the value into the repository function it is passed to."""
        holder: ast.AST = frame.symbols.parents.get(node) or node
        splat = isinstance(holder, ast.keyword) and holder.arg is None
        call = holder if isinstance(holder, ast.Call) else frame.symbols.parents.get(holder)
        if isinstance(holder, ast.Starred) or not isinstance(call, ast.Call):
            return
        callee = self._callee(frame, call)
        if callee is None or frame.depth >= MAX_DEPTH:
            return
        path, symbols, function = callee
        if isinstance(function, ast.ClassDef):
            return
        inner = Frame(path, symbols, function, caller=frame, site=call)
        if splat:
            # f(**request.dict()): the field arrives as the parameter of the same name
            if attribute in {arg.arg for arg, _ in parameters(function.args)}:
                self._name(inner, attribute, "", 0, part)
            return
        parameter = parameter_for(function, call, node)
        if parameter is not None:
            self._name(inner, parameter, attribute, 0, part)

    def value(self, frame: Frame, node: ast.expr, part: bool) -> None:
        """Follow the value computed by ``node`` to its uses."""
        parent = frame.symbols.parents.get(node)
        if parent is None or isinstance(parent, (ast.Assert, ast.Raise, ast.Expr, ast.Delete)):
            return
        if isinstance(parent, ast.Compare):
            self._uses.selector |= not part and selects(parent, node)
        elif isinstance(parent, ast.Subscript):
            if parent.value is node:
                self.value(frame, parent, part=True)
            else:
                self._uses.selector |= not part
        elif isinstance(parent, ast.Attribute):
            call = frame.symbols.parents.get(parent)
            if not isinstance(call, ast.Call) or call.func is not parent:
                self.value(frame, parent, part=True)
            elif parent.attr not in INERT_METHODS:
                self.value(frame, call, part)
        elif isinstance(parent, ast.Call):
            if parent.func is not node:
                self._call(frame, parent, node, part)
        elif isinstance(parent, ast.keyword):
            call = frame.symbols.parents.get(parent)
            if isinstance(call, ast.Call):
                self._call(frame, call, node, part)
        elif isinstance(parent, (ast.Return, ast.Yield, ast.YieldFrom)):
            # back to the caller; from the handler, to the client
            if frame.caller is not None and frame.site is not None:
                self.value(frame.caller, frame.site, part)
        elif isinstance(parent, (ast.Assign, ast.AnnAssign, ast.AugAssign, ast.NamedExpr)):
            targets: list[ast.expr] = (
                parent.targets if isinstance(parent, ast.Assign) else [parent.target]
            )
            self._assigned(frame, targets, parent.lineno, part)
        elif isinstance(parent, (ast.comprehension, ast.For, ast.AsyncFor)):
            if getattr(parent, "iter", None) is node:
                self._sink(frame, node.lineno, "iteration over it")
        elif isinstance(parent, (ast.If, ast.While, ast.UnaryOp)) or (
            isinstance(parent, ast.IfExp) and parent.test is node
        ):
            return
        elif isinstance(parent, CARRIERS):
            self.value(frame, parent, part)
        else:
            self._sink(frame, node.lineno, type(parent).__name__.lower())

    def _assigned(self, frame: Frame, targets: list[ast.expr], line: int, part: bool) -> None:
        for target in targets:
            names = list(target.elts) if isinstance(target, (ast.Tuple, ast.List)) else [target]
            for name in names:
                if isinstance(name, ast.Starred):
                    name = name.value
                if isinstance(name, ast.Subscript):
                    # ``payload["text"] = value``: the container now holds it
                    name = name.value
                if isinstance(name, ast.Name):
                    self._name(frame, name.id, "", line + 1, part)
                else:
                    self._sink(frame, line, f"stored in {dotted(name) or 'an attribute'}")

    def _call(self, frame: Frame, call: ast.Call, node: ast.expr, part: bool) -> None:
        """Follow the value given as an argument of ``call``."""
        name = last_name(call.func)
        receiver = dotted(call.func.value) if isinstance(call.func, ast.Attribute) else ""
        if name in INERT_CALLS or ECHO_CALL.search(name or "-"):
            return
        if name in LOG_LEVELS and LOGGER.match(receiver or "-"):
            return
        if name in PASS_THROUGH_CALLS and not receiver:
            self.value(frame, call, part)
            return
        if name in KEY_METHODS and receiver and call.args and call.args[0] is node:
            self._uses.selector |= not part
            return
        callee = self._callee(frame, call)
        if callee is None:
            self._sink(frame, call.lineno, f"{dotted(call.func) or 'a call'}(...)")
            return
        path, symbols, function = callee
        if isinstance(function, ast.ClassDef):
            # a model of the repository built with the value: follow that field of the object
            field_name = next((k.arg for k in call.keywords if k.value is node), None)
            if field_name is None:
                self._sink(frame, call.lineno, f"{function.name}(...)")
            else:
                self._carry(frame, call, field_name, part)
            return
        parameter = parameter_for(function, call, node)
        if parameter is None or frame.depth >= MAX_DEPTH:
            self._sink(frame, call.lineno, f"{function.name}(...)")
            return
        inner = Frame(path, symbols, function, caller=frame, site=call)
        self._name(inner, parameter, "", 0, part)

    def _callee(self, frame: Frame, call: ast.Call) -> Definition | None:
        """Return the repository function or class ``call`` enters (None: a library)."""
        func = call.func
        if isinstance(func, ast.Name):
            for binding in frame.symbols.lookup(func.id, call):
                found = self._definition(frame, binding)
                if found is not None:
                    return found
            return None
        if not isinstance(func, ast.Attribute):
            return None
        head = dotted(func.value)
        if head in {"self", "cls"}:
            return self.program.unique_function(func.attr)
        for binding in frame.symbols.lookup(head.split(".")[0], call) if head else []:
            if isinstance(binding, Imported) and "." not in head:
                for path, symbols, definition in self.program.definitions(
                    frame.path, binding.member(func.attr)
                ):
                    if isinstance(definition, (ast.FunctionDef, ast.AsyncFunctionDef)):
                        return (path, symbols, definition)
                return None
        return self.program.unique_function(func.attr)

    def _definition(self, frame: Frame, binding: object) -> Definition | None:
        if isinstance(binding, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            return (frame.path, frame.symbols, binding)
        if isinstance(binding, Imported):
            for path, symbols, definition in self.program.definitions(frame.path, binding):
                if isinstance(definition, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                    return (path, symbols, definition)
        return None
