"""Opt-in guards in front of a sink: dangerous calls reachable only when someone asks for them.

A fix often leaves the dangerous statement as it was and puts a gate in front of it: the call
runs only when the caller passes ``allow_pickle=True``, sets ``TRUST_REMOTE_CODE``, or turns
safe mode off; otherwise the function raises first. :func:`find_guard` reads one Python module
and says whether the statement on a line is dominated by such a gate in its own function:

- the statement sits inside ``if <opt-in>:`` (an ``elif`` too), where the test is true only when
  the opt-in was given (a conjunction with one opt-in term is enough);
- or an earlier statement of an enclosing block is ``if <no opt-in>: raise`` (or ``return``)
  without an ``else`` — ``if not allow_pickle: raise``, ``if in_safe_mode(): raise``, a
  disjunction with one such term;
- or an earlier statement calls a check whose name says it enforces safety
  (``check_*``/``validate_*``/``verify_*``/``ensure_*``/``require_*`` about safety, trust or
  permission) and, when it is defined in the same module, can raise.

An *opt-in* is a flag named for consent to danger (``allow_pickle``, ``trust_remote_code``,
``allow_dangerous_code``, ``unsafe``...) that does not default to true, an environment variable
named the same way without a true fallback, or a safe-mode flag or call in the opposite
polarity. A check that takes the sink's own data (``_verify_source_safety(code)`` before
``eval(code)``) validates content rather than asking for consent: that is a sanitiser, often a
blocklist, and is not recognised here. The module is parsed, never imported or run.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

_CONSENT = re.compile(
    r"(allow|enable|permit|trust|accept|opt_?in)\w*"
    r"(pickle|unsafe|danger|remote_code|code|deserial|exec|eval|arbitrary|untrusted|insecure)"
    r"|^_*(unsafe|insecure|dangerous)\w*|trust_remote_code",
    re.IGNORECASE,
)
"""Names of flags whose truth means "the caller accepts the danger"."""
_SAFE_MODE = re.compile(r"(^|_)(safe_mode|secure_mode|strict_mode|safe_load)($|_)", re.IGNORECASE)
"""Names whose truth means "refuse the danger" (the guard raises when they hold)."""
_CHECK = re.compile(
    r"^_*(check|validate|verify|ensure|require|assert|enforce)_\w*"
    r"(safe|trust|allow|secure|danger|pickle|permi)",
    re.IGNORECASE,
)
"""Calls that conventionally raise unless something is allowed."""
_PREDICATE = re.compile(
    r"^_*(is|has|can|check)_\w*(safe|trust|allow|secure|permi)\w*$|^_*\w*_is_(safe|allowed)$",
    re.IGNORECASE,
)
"""Calls that answer whether something is safe or allowed (their result must be tested)."""
_WRAPPERS = frozenset({"strtobool", "bool", "int", "str2bool", "to_bool", "truthy"})
_TEXT_METHODS = frozenset({"lower", "upper", "strip", "casefold"})
_TRUE_TEXT = frozenset({"1", "true", "yes", "on", "y", "t"})
_EXITS = (ast.Raise, ast.Return)

Block = Sequence[ast.stmt]


@dataclass(frozen=True, slots=True)
class Guard:
    """An opt-in gate that every path to a statement passes."""

    line: int
    """Line of the guard's test (the ``if`` or the check call)."""
    condition: str
    """What must hold for the statement to run, for a person: ``allow_pickle is true``."""


def find_guard(tree: ast.Module, line: int) -> Guard | None:
    """Return the opt-in guard dominating the statement on ``line`` in its function, if any."""
    chain = _chain(tree.body, line)
    if not chain:
        return None
    function = _enclosing_function(chain)
    sink_names = _names(chain[-1][0][chain[-1][1]])
    context = _Context(tree, function, sink_names)
    start = next((i for i, (block, index) in enumerate(chain) if block[index] is function), -1)
    for block, index in chain[start + 1 :]:
        for earlier in block[:index]:
            guard = context.before(earlier)
            if guard is not None:
                return guard
        guard = context.around(block[index], line)
        if guard is not None:
            return guard
    return None


def _chain(body: Block, line: int) -> list[tuple[Block, int]]:
    """Return the (block, index) of each statement enclosing ``line``, outermost first."""
    for index, stmt in enumerate(body):
        end = getattr(stmt, "end_lineno", None) or stmt.lineno
        if not stmt.lineno <= line <= end:
            continue
        inner: list[tuple[Block, int]] = []
        for child in _blocks(stmt):
            inner = _chain(child, line)
            if inner:
                break
        return [(body, index), *inner]
    return []


def _blocks(stmt: ast.stmt) -> Iterator[Block]:
    for name in ("body", "orelse", "finalbody"):
        block = getattr(stmt, name, None)
        if isinstance(block, list) and block and isinstance(block[0], ast.stmt):
            yield block
    for handler in getattr(stmt, "handlers", []):
        yield handler.body
    for case in getattr(stmt, "cases", []):
        yield case.body


def _enclosing_function(chain: list[tuple[Block, int]]) -> ast.AST | None:
    found: ast.AST | None = None
    for block, index in chain:
        if isinstance(block[index], ast.FunctionDef | ast.AsyncFunctionDef):
            found = block[index]
    return found


def _names(stmt: ast.stmt) -> frozenset[str]:
    """Names read by the sink statement (the data a content check would be about)."""
    return frozenset(
        n.id for n in ast.walk(stmt) if isinstance(n, ast.Name) and not _is_call_target(n, stmt)
    )


def _is_call_target(name: ast.Name, stmt: ast.stmt) -> bool:
    return any(isinstance(n, ast.Call) and n.func is name for n in ast.walk(stmt))


@dataclass(frozen=True, slots=True)
class _Context:
    tree: ast.Module
    function: ast.AST | None
    sink_names: frozenset[str]

    def before(self, stmt: ast.stmt) -> Guard | None:
        """Return ``stmt`` as a guard when, ahead of the sink, it stops every path sans opt-in."""
        if isinstance(stmt, ast.If) and not stmt.orelse and _exits(stmt.body):
            condition = self.refusal(stmt.test)
            if condition is not None:
                return Guard(stmt.test.lineno, condition)
        if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Call):
            name = _callee(stmt.value)
            checks = name is not None and _CHECK.search(name) is not None
            if name and checks and self.consent_call(stmt.value) and self.may_raise(name):
                return Guard(stmt.lineno, f"{name}() does not raise")
        return None

    def around(self, stmt: ast.stmt, line: int) -> Guard | None:
        """Return the guard when ``stmt`` is an ``if`` whose sink branch needs the opt-in."""
        if not isinstance(stmt, ast.If):
            return None
        if any(s.lineno <= line <= (s.end_lineno or s.lineno) for s in stmt.body):
            condition = self.consent(stmt.test)
            return None if condition is None else Guard(stmt.test.lineno, condition)
        if any(s.lineno <= line <= (s.end_lineno or s.lineno) for s in stmt.orelse):
            if len(stmt.orelse) == 1 and isinstance(stmt.orelse[0], ast.If):
                return None  # an elif: the chain descends into it as its own statement
            condition = self.refusal(stmt.test)
            return None if condition is None else Guard(stmt.test.lineno, condition)
        return None

    def consent(self, test: ast.expr) -> str | None:
        """Return what must hold for ``test`` to be true, when it is true only with the opt-in."""
        if isinstance(test, ast.BoolOp):
            parts = [self.consent(v) for v in test.values]
            if isinstance(test.op, ast.And):
                return next((p for p in parts if p is not None), None)
            return None if None in parts else " or ".join(p for p in parts if p)
        if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            return self.safe_on(test.operand)
        if isinstance(test, ast.Compare) and len(test.ops) == 1:
            inner = _compared_flag(test)
            if inner is not None:
                flag, truth = inner
                return self.consent(flag) if truth else self.refusal(flag)
            return None
        return self.flag(test)

    def refusal(self, test: ast.expr) -> str | None:
        """Return what gets past ``test``, when ``test`` is true whenever the opt-in is absent."""
        if isinstance(test, ast.BoolOp):
            parts = [self.refusal(v) for v in test.values]
            if isinstance(test.op, ast.Or):
                return next((p for p in parts if p is not None), None)
            return None if None in parts else " or ".join(p for p in parts if p)
        if isinstance(test, ast.UnaryOp) and isinstance(test.op, ast.Not):
            return self.consent(test.operand)
        if isinstance(test, ast.Compare) and len(test.ops) == 1:
            inner = _compared_flag(test)
            if inner is not None:
                flag, truth = inner
                return self.refusal(flag) if truth else self.consent(flag)
            return None
        return self.safe_on(test)

    def flag(self, expr: ast.expr) -> str | None:
        """Return the condition when ``expr`` is a consent flag, switch or check, off by default."""
        env = _env_lookup(expr)
        if env is not None:
            variable, default = env
            if not _CONSENT.search(variable.lower()) or _truthy(default):
                return None
            return f"the environment variable {variable} is set to a true value"
        if isinstance(expr, ast.Call):
            callee = _callee(expr)
            if callee in _WRAPPERS and len(expr.args) == 1 and not expr.keywords:
                return self.flag(expr.args[0])  # strtobool(x), bool(x): the wrapped truth
            if isinstance(expr.func, ast.Attribute) and expr.func.attr in _TEXT_METHODS:
                return self.flag(expr.func.value)  # os.environ.get(...).lower()
            if callee and _PREDICATE.search(callee) and self.consent_call(expr):
                return f"{callee}() holds"
            return None
        name = _flag_name(expr)
        if name is None or not _CONSENT.search(_base(name)) or self.defaults_true(name):
            return None
        return f"{name} is true"

    def safe_on(self, expr: ast.expr) -> str | None:
        """Return the condition when ``expr`` says safe mode is on (past it, safe mode is off)."""
        name = _flag_name(expr)
        if name is not None and _SAFE_MODE.search(_base(name)):
            return f"{name} is false" if self.defaults_true(name, absent=True) else None
        if isinstance(expr, ast.Call) and (callee := _callee(expr)) and _SAFE_MODE.search(callee):
            return f"{callee}() is false"
        return None

    def consent_call(self, call: ast.Call) -> bool:
        """Return True when the check is not about the sink's own data (consent, not content)."""
        used = {
            n.id
            for a in [*call.args, *call.keywords]
            for n in ast.walk(a)
            if isinstance(n, ast.Name)
        }
        return not (used & self.sink_names)

    def defaults_true(self, name: str, *, absent: bool = False) -> bool:
        """Return True when ``name`` is a parameter (or class field) here that defaults to true.

        ``absent`` is the answer when no default is found (consent flags: not on; safe mode:
        on, as the name promises).
        """
        base = name.rsplit(".", 1)[-1]
        found = [d for d in self.defaults() if d[0] == base]
        if not found:
            return absent
        return any(_truthy_constant(value) for _, value in found)

    def defaults(self) -> Iterator[tuple[str, ast.expr | None]]:
        """Yield every (parameter or field name, default) of the module's functions and classes."""
        for node in ast.walk(self.tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                yield from _parameter_defaults(node.args)
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
                yield node.target.id, node.value

    def may_raise(self, name: str) -> bool:
        """Return True unless ``name`` is defined in this module without any ``raise``."""
        base = name.rsplit(".", 1)[-1]
        defined = [
            n
            for n in ast.walk(self.tree)
            if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef) and n.name == base
        ]
        if not defined:
            return True
        return any(isinstance(n, ast.Raise) for d in defined for n in ast.walk(d))


def _exits(body: Block) -> bool:
    return bool(body) and isinstance(body[-1], _EXITS)


def _compared_flag(test: ast.Compare) -> tuple[ast.expr, bool] | None:
    """``flag is True`` / ``flag == False`` / ``env in ("1", "true")``: (flag, truth needed)."""
    op, right = test.ops[0], test.comparators[0]
    if isinstance(right, ast.Constant) and isinstance(right.value, bool):
        wants = right.value if isinstance(op, ast.Is | ast.Eq) else not right.value
        return test.left, wants
    if isinstance(op, ast.In | ast.Eq | ast.NotIn | ast.NotEq) and _true_texts(right):
        return test.left, isinstance(op, ast.In | ast.Eq)
    return None


def _true_texts(expr: ast.expr) -> bool:
    items = expr.elts if isinstance(expr, ast.Tuple | ast.List | ast.Set) else [expr]
    return bool(items) and all(
        isinstance(i, ast.Constant) and str(i.value).lower() in _TRUE_TEXT for i in items
    )


def _env_lookup(expr: ast.expr) -> tuple[str, ast.expr | None] | None:
    """``os.environ.get("X", d)``, ``os.getenv("X", d)``, ``os.environ["X"]``: (X, d)."""
    if isinstance(expr, ast.Subscript) and _dotted(expr.value) in {"os.environ", "environ"}:
        key = expr.slice
        return (
            (key.value, None)
            if isinstance(key, ast.Constant) and isinstance(key.value, str)
            else None
        )
    if not isinstance(expr, ast.Call) or not expr.args:
        return None
    if _dotted(expr.func) not in {"os.environ.get", "environ.get", "os.getenv", "getenv"}:
        return None
    key = expr.args[0]
    if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
        return None
    default = expr.args[1] if len(expr.args) > 1 else None
    for keyword in expr.keywords:
        if keyword.arg == "default":
            default = keyword.value
    return key.value, default


def _truthy(default: ast.expr | None) -> bool:
    if default is None:
        return False
    if isinstance(default, ast.Constant):
        value = default.value
        return str(value).lower() in _TRUE_TEXT if isinstance(value, str) else bool(value)
    return True  # a computed fallback may be on: not a guard


def _truthy_constant(value: ast.expr | None) -> bool:
    return (isinstance(value, ast.Constant) and bool(value.value)) or (
        value is not None and not isinstance(value, ast.Constant)
    )


def _parameter_defaults(args: ast.arguments) -> Iterator[tuple[str, ast.expr | None]]:
    positional = [*args.posonlyargs, *args.args]
    padded: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults))
    for arg, default in zip(positional, [*padded, *args.defaults], strict=True):
        yield arg.arg, default
    for arg, kw_default in zip(args.kwonlyargs, args.kw_defaults, strict=True):
        yield arg.arg, kw_default


def _flag_name(expr: ast.expr) -> str | None:
    """``allow_pickle``, ``self.allow_pickle``, ``cfg.allow_pickle``: the flag's dotted name."""
    if isinstance(expr, ast.Name):
        return expr.id
    if isinstance(expr, ast.Attribute):
        return _dotted(expr)
    return None


def _base(name: str) -> str:
    return name.rsplit(".", 1)[-1]


def _callee(call: ast.Call) -> str | None:
    name = _dotted(call.func)
    return None if name is None else name.rsplit(".", 1)[-1]


def _dotted(expr: ast.expr) -> str | None:
    if isinstance(expr, ast.Name):
        return expr.id
    if isinstance(expr, ast.Attribute):
        base = _dotted(expr.value)
        return None if base is None else f"{base}.{expr.attr}"
    return None
