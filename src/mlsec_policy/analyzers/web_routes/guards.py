"""Whether an expression of a web app's module authenticates the caller.

Real apps hold their guards in names: ``check_key = [Depends(verify_api_key)]`` used as
``dependencies=check_key``, a router built with ``APIRouter(dependencies=AUTH)`` where
``AUTH`` comes from another module, ``user: User = Depends(current_user)``, a dependency class
whose ``__call__`` reads the ``Authorization`` header, a middleware class that answers 401.
:class:`GuardReader` follows such names through the module's bindings and judges what it
finds by what it does:

- a security scheme (``HTTPBearer()``, ``APIKeyHeader(...)``, ``OAuth2PasswordBearer``) or
  ``Security(...)`` authenticates;
- a function or class authenticates when its name says so (``verify_api_key``,
  ``get_current_user`` as a dependency), when it declares a credential parameter (an
  ``Authorization`` / API-key header, a security dependency), reads a credential header, or
  rejects a request with 401 or 403;
- names imported from other modules are returned as references (:class:`Guard.refs`) for the
  repository analyzer to follow into those modules.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from dataclasses import dataclass

from mlsec_policy.analyzers.read.pysymbols import (
    Binding,
    FunctionNode,
    Imported,
    ModuleSymbols,
    dotted,
    keyword,
    last_name,
    parameters,
    string_value,
)
from mlsec_policy.analyzers.read.routes import Hook, Route

AUTH_NAME = re.compile(
    r"(?i)(?:auth(?!or)|login|logged_in|credential|jwt|bearer|api_?key|apikey|permission|"
    r"current_\w*user|require_user|verify_user|security|(?:^|_)token(?:$|_|s$)|"
    r"(?:^|_)roles?_(?:required|accepted))"
)
"""Names of dependencies, decorators, middleware and helpers that authenticate a caller."""
TOKENISER_NAME = re.compile(
    r"(?i)(?:count|num|max|min|total|prompt|completion|input|output|new|special|bos|eos|pad)"
    r"_?tokens?$|tokeni[sz]"
)
"""Names about tokenizer tokens, not credentials (``count_token``, ``max_tokens``)."""
USER_DEPENDENCY = re.compile(r"(?i)(?:^|_)(?:\w+_)?users?(?:$|_)")
"""A dependency that yields the calling user (``Depends(get_verified_user)``) authenticates."""
AUTH_HEADER = re.compile(
    r"(?i)^(?:authorization|x-api-key|api-key|x-api-token|x-auth-token|x_api_key|api_key)$"
)
"""Header (and header parameter) names whose use shows a credential check."""
SECURITY_SCHEMES = frozenset(
    {
        "Security",
        "HTTPBearer",
        "HTTPBasic",
        "HTTPDigest",
        "APIKeyHeader",
        "APIKeyQuery",
        "APIKeyCookie",
        "OAuth2",
        "OAuth2PasswordBearer",
        "OAuth2AuthorizationCodeBearer",
        "OpenIdConnect",
        "HTTPAuth",
        "HTTPBasicAuth",
        "HTTPTokenAuth",
        "MultiAuth",
    }
)
"""FastAPI / Flask-HTTPAuth classes whose instances demand a credential."""
AUTH_DECORATORS = frozenset({"requires", "login_required", "jwt_required", "roles_required"})
"""Decorators of Starlette and the Flask extensions that demand an authenticated user."""
DENIED_STATUS = frozenset({401, 403})
DENIED_NAME = re.compile(
    r"(?:^|_)(?:401|403)(?:_|$)|Unauthori[sz]ed|Forbidden|UNAUTHORIZED|FORBIDDEN"
)
"""``status.HTTP_401_UNAUTHORIZED``, ``HTTPStatus.FORBIDDEN``, werkzeug's ``Unauthorized``."""
CALLABLE_METHODS = ("__call__", "dispatch", "authenticate", "__init__")
"""The methods of a dependency or middleware class that do its work."""


@dataclass(frozen=True, slots=True)
class Guard:
    """What an expression shows: authentication for certain, or names to follow elsewhere."""

    certain: bool = False
    refs: frozenset[Imported] = frozenset()
    """Imported names that authenticate if their definitions do (see the module docstring)."""

    def __or__(self, other: Guard) -> Guard:
        if self.certain or other.certain:
            return AUTH
        return Guard(False, self.refs | other.refs)


NONE = Guard()
AUTH = Guard(True)


class GuardReader:
    """Judges the expressions of one module (see the module docstring)."""

    def __init__(self, symbols: ModuleSymbols) -> None:
        self.symbols = symbols
        self._busy: set[int] = set()

    def route(self, route: Route) -> Guard:
        """Return what guards a route on its own: its decorators, parameters and body."""
        guard = self.dependencies(route.registration)
        for decorator in route.decorators:
            guard |= self.decorator(decorator)
        if route.function is not None:
            guard |= self.parameters(route.function)
            if checks_credentials(route.function):
                guard |= AUTH
        return guard

    def dependencies(self, call: ast.Call) -> Guard:
        """Return the guard of ``dependencies=`` (and ``middleware=``) given to ``call``."""
        guard = NONE
        for name in ("dependencies", "middleware"):
            value = keyword(call, name)
            if value is not None:
                guard |= self.value(value)
        return guard

    def hook(self, hook: Hook) -> Guard:
        """Return the guard of a middleware or before-request hook."""
        if isinstance(hook.guard, (ast.FunctionDef, ast.AsyncFunctionDef)):
            return self.function(hook.guard)
        return self.value(hook.guard)

    def exported(self, name: str) -> Guard:
        """Return the guard of a module-level name (a reference from another module)."""
        guard = AUTH if _auth_named(name) else NONE
        for binding in self.symbols.lookup_module(name):
            guard |= self._binding(binding)
        return guard

    def decorator(self, decorator: ast.expr) -> Guard:
        """Return the guard of a decorator (``@login_required``, ``@requires("admin")``)."""
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if last_name(target) in AUTH_DECORATORS:
            return AUTH
        return self.reference(target)

    def value(self, node: ast.expr) -> Guard:
        """Return the guard of a dependency list, a dependency, a middleware or a name."""
        if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
            return _any(self.value(element) for element in node.elts)
        if isinstance(node, ast.Starred):
            return self.value(node.value)
        if isinstance(node, ast.BinOp):
            return self.value(node.left) | self.value(node.right)
        if isinstance(node, ast.IfExp):
            return self.value(node.body) | self.value(node.orelse)
        if isinstance(node, ast.Call):
            return self._call(node)
        if isinstance(node, (ast.Name, ast.Attribute)):
            return self.reference(node)
        return NONE

    def _call(self, call: ast.Call) -> Guard:
        name = last_name(call.func)
        if name == "Depends":
            return self.dependency(call)
        if name in SECURITY_SCHEMES:
            return AUTH
        arguments = [*call.args, *(k.value for k in call.keywords)]
        if name in {"Middleware", "list", "tuple", "set", "Depends"}:
            return _any(self.value(argument) for argument in arguments)
        # a factory or a class instance: judged by what the callee is
        return self.reference(call.func)

    def dependency(self, call: ast.Call, annotation: ast.expr | None = None) -> Guard:
        """Return the guard of ``Depends(target)`` (``Depends()`` uses the annotation)."""
        target = call.args[0] if call.args else keyword(call, "dependency")
        target = target if target is not None else annotation
        if target is None:
            return NONE
        if USER_DEPENDENCY.search(last_name(target)):
            return AUTH
        return self.value(target)

    def reference(self, node: ast.expr) -> Guard:
        """Return the guard of a name or ``module.name``: its definitions, else its name."""
        name = dotted(node)
        if not name:
            return NONE
        head, _, rest = name.partition(".")
        bindings = self.symbols.lookup(head, node)
        guard = NONE
        if rest:
            for binding in bindings:
                if isinstance(binding, Imported) and "." not in rest:
                    guard |= Guard(refs=frozenset({binding.member(rest)}))
        else:
            for binding in bindings:
                guard |= self._binding(binding)
        # a name bound here only to values is judged by those values; any other name (a
        # function, a class, an import, an attribute) also by what it is called
        values_only = bool(bindings) and not rest and all(_is_value(b) for b in bindings)
        if not values_only and _auth_named(name.rsplit(".", 1)[-1]):
            return AUTH
        return guard

    def _binding(self, binding: Binding) -> Guard:
        key = id(binding)
        if key in self._busy:
            return NONE
        self._busy.add(key)
        try:
            if isinstance(binding, Imported):
                return Guard(refs=frozenset({binding})) if binding.name else NONE
            if isinstance(binding, (ast.FunctionDef, ast.AsyncFunctionDef)):
                return self.function(binding)
            if isinstance(binding, ast.ClassDef):
                return self._class(binding)
            return self.value(binding)
        finally:
            self._busy.discard(key)

    def function(self, node: FunctionNode) -> Guard:
        """Return the guard of a dependency, decorator or hook function by what it does."""
        if _auth_named(node.name) or checks_credentials(node) or denies_access(node):
            return AUTH
        if _credential_parameter(node.args):
            return AUTH
        guard = self.parameters(node)
        # a factory: ``def guards(): return [Depends(check_key)]``
        for inner in ast.walk(node):
            if isinstance(inner, ast.Return) and isinstance(inner.value, (ast.List, ast.Tuple)):
                guard |= self.value(inner.value)
        return guard

    def _class(self, node: ast.ClassDef) -> Guard:
        if _auth_named(node.name):
            return AUTH
        if any(last_name(base) in SECURITY_SCHEMES for base in node.bases):
            return AUTH
        guard = NONE
        for statement in node.body:
            if (
                isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef))
                and statement.name in CALLABLE_METHODS
            ):
                guard |= self.function(statement)
        return guard

    def parameters(self, node: FunctionNode) -> Guard:
        """Return the guard of a function's parameters (security dependencies, credentials)."""
        guard = NONE
        for arg, default in parameters(node.args):
            if isinstance(default, ast.Call) and last_name(default.func) == "Security":
                guard |= AUTH
            elif isinstance(default, ast.Call) and last_name(default.func) == "Depends":
                guard |= self.dependency(default, arg.annotation)
            annotation = arg.annotation
            if annotation is None:
                continue
            for inner in self._annotation_nodes(annotation):
                if isinstance(inner, ast.Call) and last_name(inner.func) == "Depends":
                    guard |= self.dependency(inner)
                elif isinstance(inner, ast.Call) and last_name(inner.func) == "Security":
                    guard |= AUTH
            if _auth_named(last_name(annotation)):
                guard |= AUTH
        return guard

    def _annotation_nodes(self, annotation: ast.expr) -> Iterable[ast.AST]:
        """Walk an annotation and the value of a type alias it names (``T = Annotated[..]``)."""
        yield from ast.walk(annotation)
        if isinstance(annotation, ast.Name):
            for binding in self.symbols.lookup(annotation.id, annotation):
                if isinstance(binding, ast.Subscript):
                    yield from ast.walk(binding)


def _any(guards: Iterable[Guard]) -> Guard:
    result = NONE
    for guard in guards:
        result |= guard
    return result


def _is_value(binding: Binding) -> bool:
    return isinstance(binding, ast.expr)


def _auth_named(name: str) -> bool:
    return bool(name) and AUTH_NAME.search(name) is not None and not TOKENISER_NAME.search(name)


def _credential_parameter(args: ast.arguments) -> bool:
    """Return True for ``authorization: str = Header(None)`` and ``Header(alias="x-api-key")``."""
    for arg, default in parameters(args):
        if not isinstance(default, ast.Call) or last_name(default.func) != "Header":
            continue
        alias = string_value(keyword(default, "alias"))
        if AUTH_HEADER.match(alias or arg.arg):
            return True
    return False


def checks_credentials(node: FunctionNode) -> bool:
    """Return True when a function body calls an auth helper or reads a credential header."""
    for inner in ast.walk(node):
        if isinstance(inner, ast.Call) and _is_auth_call(inner):
            return True
        value = string_value(inner) if isinstance(inner, ast.Constant) else None
        if value is not None and AUTH_HEADER.match(value):
            return True
    return False


def _is_auth_call(call: ast.Call) -> bool:
    name = last_name(call.func)
    if not name or name in {"Depends", "Security"}:
        return False
    return _auth_named(name)


def denies_access(node: FunctionNode) -> bool:
    """Return True when a function can answer 401 or 403 (it enforces an access decision)."""
    for inner in ast.walk(node):
        if isinstance(inner, (ast.Name, ast.Attribute)) and DENIED_NAME.search(
            inner.id if isinstance(inner, ast.Name) else inner.attr
        ):
            return True
        if isinstance(inner, ast.Call):
            status = keyword(inner, "status_code")
            candidates = [status, *inner.args[:1]] if status is not None else inner.args[:1]
            for candidate in candidates:
                if isinstance(candidate, ast.Constant) and candidate.value in DENIED_STATUS:
                    return True
    return False
