"""Read the HTTP routes of a Python web app from its syntax tree, and the places guards hang.

The module is parsed with :func:`ast.parse` and never imported. It understands the decorator
style shared by FastAPI, Starlette, Flask, Quart and Sanic (``@app.post("/predict")``,
``@router.get(...)``, ``@bp.route(..., methods=["POST"])``), routes added by call
(``app.add_api_route("/predict", handler)``, ``app.add_url_rule(...)``), the apps and routers a
module builds (``FastAPI(dependencies=...)``, ``APIRouter(...)``), router inclusions
(``include_router``, ``register_blueprint``) and whole-app hooks (middleware, ``before_request``).

It records where guards may be, not whether they authenticate: that is decided by the
domain that reads these facts, which can follow names through :class:`ModuleSymbols`.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from mlsec_policy.analyzers.read.pysymbols import (
    FunctionNode,
    ModuleSymbols,
    dotted,
    index_tree,
    keyword,
    last_name,
    string_value,
)
from mlsec_policy.pyparse import syntax_tree

ROUTE_DECORATORS = frozenset(
    {"get", "post", "put", "patch", "delete", "head", "options", "route", "api_route", "websocket"}
)
ROUTE_CALLS = frozenset({"add_api_route", "add_url_rule", "add_api_websocket_route"})
"""Methods that register a handler given as an argument."""
APP_FACTORIES = frozenset({"FastAPI", "Starlette", "Flask", "Quart", "Sanic"})
"""Constructors of whole applications: their dependencies cover every included router."""
ROUTER_FACTORIES = frozenset({"APIRouter", "Blueprint", "Router"})
"""Constructors of routers, whose routes reach clients once included in an app."""
HOOKS = frozenset({"before_request", "before_app_request", "middleware"})
"""Decorators (and methods) that run a function before every request of their owner."""


@dataclass(frozen=True, slots=True)
class Route:
    """One HTTP route handler."""

    line: int
    """Line of the route decorator (or of the registering call)."""
    owner: str
    """The app or router the route hangs off (``app``, ``router``, ``api.v1``)."""
    handler: str
    methods: tuple[str, ...]
    """Lower-case HTTP methods (``websocket`` for WebSocket routes)."""
    url: str | None
    """The path as written, when it is a literal."""
    registration: ast.Call
    """The decorator call or the ``add_api_route`` call (holds ``dependencies=``)."""
    function: FunctionNode | None
    """The handler's definition when it is in this module."""
    decorators: tuple[ast.expr, ...] = ()
    """The handler's other decorators (``@login_required``)."""


@dataclass(frozen=True, slots=True)
class AppObject:
    """``app = FastAPI(...)`` / ``router = APIRouter(...)``: an app or router the module builds."""

    name: str
    call: ast.Call
    whole_app: bool
    """True for an application (its guards cover every route mounted on it)."""


@dataclass(frozen=True, slots=True)
class Inclusion:
    """``app.include_router(X, dependencies=...)`` / ``app.register_blueprint(X)``."""

    call: ast.Call
    target: ast.expr
    """The included router expression (``chat.router``, ``router``)."""


@dataclass(frozen=True, slots=True)
class Hook:
    """Something that runs before every request of ``owner``: middleware or a hook function."""

    owner: str
    guard: ast.expr | FunctionNode
    """The middleware class or function expression, or the hook function's definition."""
    http_middleware: bool = False
    """True for middleware (it sees every request of the app, not only the owner's)."""


@dataclass(slots=True)
class ModuleFacts:
    """What one Python module says about routes and the places that may guard them."""

    symbols: ModuleSymbols
    routes: list[Route] = field(default_factory=list)
    apps: list[AppObject] = field(default_factory=list)
    inclusions: list[Inclusion] = field(default_factory=list)
    hooks: list[Hook] = field(default_factory=list)

    @property
    def app_names(self) -> set[str]:
        """Names bound to a whole application."""
        return {app.name for app in self.apps if app.whole_app}


def read_module(text: str) -> ModuleFacts:
    """Return the routes, apps and guard places of the module source ``text``.

    Raises SyntaxError (or ValueError for null bytes) as :func:`ast.parse` does.
    """
    symbols = index_tree(syntax_tree(text))
    facts = ModuleFacts(symbols)
    for node in ast.walk(symbols.tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            _read_function(node, facts)
        elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
            _read_constructor(node.targets, node.value, facts)
        elif isinstance(node, ast.Call):
            _read_call(node, facts)
    facts.routes.sort(key=lambda route: (route.line, route.url or ""))
    return facts


def _read_function(node: FunctionNode, facts: ModuleFacts) -> None:
    routes = [(d, r) for d in node.decorator_list if (r := route_decorator(d)) is not None]
    for decorator in node.decorator_list:
        target = decorator.func if isinstance(decorator, ast.Call) else decorator
        if isinstance(target, ast.Attribute) and target.attr in HOOKS:
            owner = dotted(target.value)
            if owner:
                facts.hooks.append(Hook(owner, node, http_middleware=target.attr == "middleware"))
    if not routes:
        return
    others = tuple(d for d in node.decorator_list if route_decorator(d) is None)
    for decorator, (owner, method, call) in routes:
        facts.routes.append(
            Route(
                line=decorator.lineno,
                owner=owner,
                handler=node.name,
                methods=_methods(method, call),
                url=_url(call),
                registration=call,
                function=node,
                decorators=others,
            )
        )


def route_decorator(decorator: ast.expr) -> tuple[str, str, ast.Call] | None:
    """Return (owner, method, call) for ``@owner.method(...)``, else None."""
    if not isinstance(decorator, ast.Call) or not isinstance(decorator.func, ast.Attribute):
        return None
    if decorator.func.attr not in ROUTE_DECORATORS:
        return None
    owner = dotted(decorator.func.value)
    return (owner, decorator.func.attr, decorator) if owner else None


def _methods(method: str, call: ast.Call) -> tuple[str, ...]:
    if method == "add_api_websocket_route":
        return ("websocket",)
    if method not in {"route", "api_route", "add_api_route", "add_url_rule"}:
        return (method,)
    given = keyword(call, "methods")
    if isinstance(given, (ast.List, ast.Tuple, ast.Set)):
        names = [value.lower() for e in given.elts if (value := string_value(e)) is not None]
        return tuple(names) or ("get",)
    return ("get",)


def _url(call: ast.Call) -> str | None:
    candidates = [*call.args[:1], *(k.value for k in call.keywords if k.arg in {"path", "rule"})]
    for candidate in candidates:
        if (value := string_value(candidate)) is not None:
            return value
    return None


def _read_constructor(targets: list[ast.expr], call: ast.Call, facts: ModuleFacts) -> None:
    """``app = FastAPI(...)`` / ``router = APIRouter(...)`` / ``bp = Blueprint(...)``."""
    constructor = last_name(call.func)
    if constructor not in APP_FACTORIES | ROUTER_FACTORIES:
        return
    for target in targets:
        name = dotted(target)
        if name:
            facts.apps.append(AppObject(name, call, constructor in APP_FACTORIES))


def _read_call(call: ast.Call, facts: ModuleFacts) -> None:
    if not isinstance(call.func, ast.Attribute):
        return
    method = call.func.attr
    owner = dotted(call.func.value)
    if method in {"include_router", "register_blueprint"} and call.args:
        facts.inclusions.append(Inclusion(call, call.args[0]))
    elif method == "add_middleware" and call.args and owner:
        facts.hooks.append(Hook(owner, call.args[0], http_middleware=True))
        dispatch = keyword(call, "dispatch")
        if dispatch is not None:
            facts.hooks.append(Hook(owner, dispatch, http_middleware=True))
    elif method in {"before_request", "before_app_request"} and call.args and owner:
        facts.hooks.append(Hook(owner, call.args[0]))
    elif method in ROUTE_CALLS and owner:
        _read_route_call(call, method, owner, facts)


def _read_route_call(call: ast.Call, method: str, owner: str, facts: ModuleFacts) -> None:
    """``app.add_api_route("/p", handler, methods=[...])`` / ``app.add_url_rule(...)``."""
    position = 2 if method == "add_url_rule" else 1
    handler = keyword(call, "view_func" if method == "add_url_rule" else "endpoint")
    if handler is None and len(call.args) > position:
        handler = call.args[position]
    name = last_name(handler) if handler is not None else ""
    function = next(
        (
            b
            for b in facts.symbols.lookup(name, call)
            if isinstance(b, (ast.FunctionDef, ast.AsyncFunctionDef))
        ),
        None,
    )
    facts.routes.append(
        Route(
            line=call.lineno,
            owner=owner,
            handler=name or "<handler>",
            methods=_methods(method, call),
            url=_url(call),
            registration=call,
            function=function,
            decorators=tuple(function.decorator_list) if function is not None else (),
        )
    )
