"""Walk a Python module statement by statement, knowing where each name's value comes from.

:func:`calls` yields every call of a module together with a :class:`~.pyorigin.Values`
evaluator that knows, at that point of the program, what each name holds: an assignment binds
its target, branches join what each side bound, a loop over a literal tuple binds constants, a
parameter of a web route or of an agent tool holds outside text, ``pytest.mark.parametrize``
binds its literal values. Module-level names are known to every function. The module is parsed
with :mod:`ast`; nothing is imported or run.
"""

from __future__ import annotations

import ast
from collections import ChainMap
from collections.abc import Iterable, Iterator, Mapping, MutableMapping, Sequence
from dataclasses import replace

from mlsec_policy.analyzers.read.pyorigin import (
    CONSTANT,
    Kind,
    Origin,
    Scope,
    Values,
    join,
    shown,
    unknown,
)
from mlsec_policy.analyzers.read.pystrings import augmented, rebound
from mlsec_policy.pyparse import syntax_tree

ROUTE_METHODS = frozenset(
    {"get", "post", "put", "patch", "delete", "head", "options", "route", "api_route", "websocket"}
)
"""Decorator methods that register a web route (``@app.post("/x")``)."""
TOOL_METHODS = frozenset({"_run", "_arun"})
"""Methods of agent tools whose parameters the model fills (LangChain ``BaseTool``)."""
NUMERIC = frozenset({"int", "float", "bool", "complex"})
MUTATORS = frozenset({"append", "extend", "insert", "add", "update", "appendleft", "setdefault"})
BOUNDING_ACTIONS = frozenset(
    {"store_true", "store_false", "store_const", "count", "help", "version"}
)
LOOP_DEPTH = 3
"""Loops nested deeper than this are walked once, without settling loop-carried values."""

CallSite = tuple[ast.Call, Values]
Env = MutableMapping[str, Origin]


def parse_module(text: str, cells: Sequence[int] | None = None) -> ast.Module:
    """Parse ``text``; with ``cells`` (the cell of each line), blank the cells that do not parse.

    A notebook's cells are one module, but one broken cell (pasted doctest text, a stray
    bracket) must not hide the others. Raise SyntaxError for a plain module that does not parse.
    """
    try:
        return syntax_tree(text)
    except (SyntaxError, ValueError):
        if cells is None:
            raise
    lines = text.split("\n")
    kept: list[str] = []
    start = 0
    while start < len(lines):
        end = start
        while end < len(lines) and end < len(cells) and cells[end] == cells[start]:
            end += 1
        end = max(end, start + 1)
        chunk = lines[start:end]
        try:
            syntax_tree("\n".join(chunk))
        except (SyntaxError, ValueError):
            chunk = ["" for _ in chunk]
        kept.extend(chunk)
        start = end
    return syntax_tree("\n".join(kept))


def calls(tree: ast.Module, scope: Scope | None = None) -> Iterator[CallSite]:
    """Yield each call of the module with the evaluator valid where it is made.

    Evaluate what you need before asking for the next call: the evaluator reads the walk's
    current bindings. ``scope`` is the module's (:func:`scope_and_calls`) when the caller has
    it already (a new one, not yet given to another walk: the walk fills it in).
    """
    scope = scope_and_calls(tree)[0] if scope is None else scope
    walker = _Walker(scope)
    walker.silent += 1
    globals_env: dict[str, Origin] = {}
    _drain(walker.block(tree.body, globals_env, nested=False))
    walker.silent -= 1
    scope.globals = globals_env
    yield from walker.block(tree.body, {}, nested=False)


def scope_and_calls(tree: ast.Module) -> tuple[Scope, list[ast.Call]]:
    """Return the module's imports and bounded command-line options, and its calls (one walk)."""
    scope = Scope()
    found: list[ast.Call] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            found.append(node)
        if isinstance(node, ast.Import):
            for alias in node.names:
                local = alias.asname or alias.name.partition(".")[0]
                scope.imports[local] = alias.name if alias.asname else local
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for alias in node.names:
                scope.imports[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "add_argument"
        ):
            destination = _bounded_option(node)
            if destination:
                scope.bounded_options.add(destination)
    return scope, found


def _bounded_option(call: ast.Call) -> str | None:
    """Return the destination of an ``add_argument`` whose values are fixed, else None."""
    keywords = {k.arg: k.value for k in call.keywords if k.arg}
    choices = keywords.get("choices")
    kind = keywords.get("type")
    action = keywords.get("action")
    bounded = (
        (
            isinstance(choices, (ast.List, ast.Tuple, ast.Set))
            and all(isinstance(e, ast.Constant) for e in choices.elts)
        )
        or (isinstance(kind, ast.Name) and kind.id in NUMERIC)
        or (isinstance(action, ast.Constant) and action.value in BOUNDING_ACTIONS)
    )
    if not bounded:
        return None
    destination = keywords.get("dest")
    if isinstance(destination, ast.Constant) and isinstance(destination.value, str):
        return destination.value
    flags = [a.value for a in call.args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
    longs = [f for f in flags if f.startswith("--")]
    chosen = longs[0] if longs else (flags[0] if flags else "")
    return chosen.lstrip("-").replace("-", "_") or None


def _drain(sites: Iterable[CallSite]) -> None:
    for _site in sites:
        pass


def _branch(env: Env) -> ChainMap[str, Origin]:
    """Return a copy-on-write view of ``env``: what a branch binds stays in the branch."""
    return ChainMap({}, env)


def _settle(env: Env, outcomes: Sequence[ChainMap[str, Origin]]) -> None:
    """Bind in ``env`` what the branches bound, each name joined over every branch."""
    changed: dict[str, None] = {}
    for outcome in outcomes:
        changed.update(dict.fromkeys(outcome.maps[0]))
    for name in changed:
        env[name] = join(outcome[name] for outcome in outcomes if name in outcome)


class _Walker:
    """The statement walk; ``silent`` > 0 while a pass only settles bindings."""

    def __init__(self, scope: Scope) -> None:
        self.scope = scope
        self.silent = 0
        self.loops = 0

    def block(
        self, body: Sequence[ast.stmt], env: Env, *, nested: bool = True
    ) -> Iterator[CallSite]:
        for statement in body:
            yield from self.statement(statement, env, nested)

    def statement(self, node: ast.stmt, env: Env, nested: bool) -> Iterator[CallSite]:
        yield from self._emit(_header(node), env)
        values = Values(self.scope, env)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if not self.silent:
                local = self._parameters(node, env if nested else {})
                yield from self.block(node.body, local)
            env[node.name] = Origin(Kind.UNKNOWN, "a function", node.name)
        elif isinstance(node, ast.ClassDef):
            members: dict[str, Origin] = {}
            yield from self.block(node.body, members, nested=False)
            if nested:
                env[node.name] = Origin(Kind.UNKNOWN, "a class", node.name)
            else:  # its attributes are looked up in the scope
                self.scope.classes[node.name] = members
                env.pop(node.name, None)
        elif isinstance(node, ast.Assign):
            origin = values.of(node.value)
            for target in node.targets:
                old = values.name(target.id, target).built if isinstance(target, ast.Name) else ()
                self._bind(target, node.value, origin, env)
                if isinstance(target, ast.Name):  # ``s = s + part``: s is its old parts, then part
                    built = rebound(target.id, node.value, old)
                    env[target.id] = replace(env[target.id], built=built)
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            self._bind(node.target, node.value, values.of(node.value), env)
        elif isinstance(node, ast.AugAssign):
            target = node.target
            before = values.name(target.id, target).built if isinstance(target, ast.Name) else ()
            self._join_into(target, values.of(node.value), env)
            if isinstance(target, ast.Name):  # ``s += part``: s is its old parts, then part
                grown = augmented(before, node.op, node.value)
                env[target.id] = replace(env[target.id], built=grown)
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Call):
            self._mutation(node.value, env)
        elif isinstance(node, ast.If):
            yield from self._branches([node.body, node.orelse], env)
        elif isinstance(node, (ast.For, ast.AsyncFor, ast.While)):
            yield from self._loop(node, env)
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                if item.optional_vars is not None:
                    origin = values.of(item.context_expr)
                    self._bind(item.optional_vars, item.context_expr, origin, env)
            yield from self.block(node.body, env)
        elif isinstance(node, (ast.Try, ast.TryStar)):
            yield from self.block(node.body, env)
            outcomes = [_branch(env)]
            for handler in node.handlers:
                branch = _branch(env)
                if handler.name:
                    branch[handler.name] = unknown("an exception", handler)
                yield from self.block(handler.body, branch)
                outcomes.append(branch)
            yield from self.block(node.orelse, outcomes[0])
            _settle(env, outcomes)
            yield from self.block(node.finalbody, env)
        elif isinstance(node, ast.Match):
            yield from self._branches([case.body for case in node.cases] + [[]], env)

    def _emit(self, expressions: Iterable[ast.expr], env: Env) -> Iterator[CallSite]:
        if self.silent:
            return
        values = Values(self.scope, env)
        for expression in expressions:
            for node in ast.walk(expression):
                if isinstance(node, ast.Call):
                    yield node, values

    def _branches(self, bodies: Sequence[Sequence[ast.stmt]], env: Env) -> Iterator[CallSite]:
        outcomes = []
        for body in bodies:
            branch = _branch(env)
            yield from self.block(body, branch)
            outcomes.append(branch)
        _settle(env, outcomes)

    def _loop(self, node: ast.For | ast.AsyncFor | ast.While, env: Env) -> Iterator[CallSite]:
        element = None if isinstance(node, ast.While) else Values(self.scope, env).of(node.iter)
        head = _branch(env)
        if self.loops < LOOP_DEPTH:
            trial = _branch(env)
            if element is not None and not isinstance(node, ast.While):
                self._bind(node.target, None, element, trial)
            self.loops += 1
            self.silent += 1
            _drain(self.block(node.body, trial))
            self.silent -= 1
            self.loops -= 1
            _settle(head, [_branch(env), trial])
        if element is not None and not isinstance(node, ast.While):
            self._bind(node.target, None, element, head)
        self.loops += 1
        yield from self.block(node.body, head)
        self.loops -= 1
        _settle(env, [_branch(env), head])
        yield from self.block(node.orelse, env)

    def _bind(self, target: ast.expr, value: ast.expr | None, origin: Origin, env: Env) -> None:
        if isinstance(target, ast.Name):
            env[target.id] = origin if value is None else replace(origin, built=(value,))
        elif isinstance(target, (ast.Tuple, ast.List)):
            same = isinstance(value, (ast.Tuple, ast.List)) and len(value.elts) == len(target.elts)
            for position, element in enumerate(target.elts):
                if same and isinstance(value, (ast.Tuple, ast.List)):
                    part = value.elts[position]
                    self._bind(element, part, Values(self.scope, env).of(part), env)
                else:
                    self._bind(element, None, origin, env)
        elif isinstance(target, ast.Starred):
            self._bind(target.value, None, origin, env)
        else:
            self._join_into(target, origin, env)

    def _join_into(self, target: ast.expr, origin: Origin, env: Env) -> None:
        """``x += v``, ``x[k] = v``: what ``x`` holds now also contains ``v``."""
        base = target
        while isinstance(base, (ast.Subscript, ast.Attribute)):
            base = base.value
        if isinstance(base, ast.Name) and base.id not in {"self", "cls"}:
            current = Values(self.scope, env).name(base.id, base)
            env[base.id] = join((current, origin))

    def _mutation(self, call: ast.Call, env: Env) -> None:
        """``parts.append(v)`` and the like put ``v`` into ``parts``."""
        callee = call.func
        if isinstance(callee, ast.Attribute) and callee.attr in MUTATORS:
            values = Values(self.scope, env)
            added = join(values.of(a) for a in [*call.args, *(k.value for k in call.keywords)])
            self._join_into(callee.value, added, env)

    def _parameters(
        self, node: ast.FunctionDef | ast.AsyncFunctionDef, closure: Mapping[str, Origin]
    ) -> Env:
        local = dict(closure)
        source = self._parameter_source(node)
        fixed = self._parametrized(node, closure)
        arguments = node.args
        every = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
        every += [a for a in (arguments.vararg, arguments.kwarg) if a is not None]
        for position, argument in enumerate(every):
            name = argument.arg
            if name in fixed:
                local[name] = fixed[name]
            elif position == 0 and name in {"self", "cls"}:
                local[name] = unknown("the object itself", argument)
            elif source is not None and not _numeric(argument.annotation):
                local[name] = Origin(Kind.OUTSIDE, source, name)
            elif source is not None:
                local[name] = CONSTANT
            else:
                local[name] = Origin(Kind.UNKNOWN, f"a parameter of {node.name}()", name)
        return local

    def _parameter_source(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> str | None:
        """Return what fills this function's parameters when it is not its caller's choice."""
        if node.name in TOOL_METHODS:
            return "an argument a model chose for a tool"
        for decorator in node.decorator_list:
            target = decorator.func if isinstance(decorator, ast.Call) else decorator
            dotted = self.scope.qualified(target) or ""
            routed = isinstance(target, ast.Attribute) and target.attr in ROUTE_METHODS
            if isinstance(decorator, ast.Call) and routed:
                return "a request parameter"
            if dotted.startswith(("click.", "typer.")):
                return "a command-line argument"
            if dotted == "tool" or dotted.endswith(".tool"):
                return "an argument a model chose for a tool"
        return None

    def _parametrized(
        self, node: ast.FunctionDef | ast.AsyncFunctionDef, closure: Mapping[str, Origin]
    ) -> Env:
        """``@pytest.mark.parametrize("a,b", VALUES)``: a and b hold what VALUES holds."""
        fixed: Env = {}
        values = Values(self.scope, closure)
        for decorator in node.decorator_list:
            if not isinstance(decorator, ast.Call) or len(decorator.args) < 2:
                continue
            dotted = self.scope.qualified(decorator.func) or ""
            if not dotted.endswith("mark.parametrize"):
                continue
            names = decorator.args[0]
            listed: list[str] = []
            if isinstance(names, ast.Constant) and isinstance(names.value, str):
                listed = [n.strip() for n in names.value.split(",")]
            elif isinstance(names, (ast.List, ast.Tuple)):
                listed = [
                    e.value
                    for e in names.elts
                    if isinstance(e, ast.Constant) and isinstance(e.value, str)
                ]
            origin = values.of(decorator.args[1])
            fixed.update(dict.fromkeys(listed, origin))
        return fixed


def _numeric(annotation: ast.expr | None) -> bool:
    return isinstance(annotation, ast.Name) and annotation.id in NUMERIC


def _header(node: ast.stmt) -> list[ast.expr]:
    """Return the expressions a statement evaluates itself (not those of its blocks)."""
    if isinstance(node, (ast.If, ast.While)):
        return [node.test]
    if isinstance(node, (ast.For, ast.AsyncFor)):
        return [node.iter]
    if isinstance(node, (ast.With, ast.AsyncWith)):
        return [item.context_expr for item in node.items]
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
        defaults = [d for d in node.args.kw_defaults if d is not None]
        return [*node.decorator_list, *node.args.defaults, *defaults]
    if isinstance(node, ast.ClassDef):
        return [*node.decorator_list, *node.bases, *(k.value for k in node.keywords)]
    if isinstance(node, ast.Match):
        return [node.subject]
    if isinstance(node, (ast.Try, ast.TryStar)):
        return []
    return [child for child in ast.iter_child_nodes(node) if isinstance(child, ast.expr)]


__all__ = ["CallSite", "calls", "parse_module", "scope_and_calls", "shown"]
