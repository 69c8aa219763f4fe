"""Read the HTTP routes of a Python web app from its syntax tree, and what guards them.

The module is parsed with :func:`ast.parse` and never imported. It understands the decorator
style shared by FastAPI, Starlette, Flask, Quart and Sanic (``@app.post("/predict")``,
``@router.get(...)``, ``@bp.route(..., methods=["POST"])``) and records, for each route, whether
the route itself requires authentication: a security dependency (``Depends(verify_token)``,
``Security(...)``), an auth decorator (``@login_required``), or a credential check in the handler
body. It also records guards that apply to a whole app or router — ``dependencies=`` on
``FastAPI()``/``APIRouter()``/``include_router()``, auth middleware, ``before_request`` hooks —
so that the repository analyzer can combine them across files.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field

ROUTE_DECORATORS = frozenset(
    {"get", "post", "put", "patch", "delete", "head", "options", "route", "api_route", "websocket"}
)
AUTH_NAME = re.compile(
    r"(?i)(?:auth(?!or)|login|logged_in|credential|jwt|bearer|api_?key|apikey|permission|"
    r"current_\w*user|require_user|verify_user|security|(?:^|_)token(?:$|_|s$)|"
    r"(?:^|_)roles?_(?:required|accepted))"
)
"""Names of dependencies, decorators, middleware and helpers that authenticate a caller."""
USER_DEPENDENCY = re.compile(r"(?i)(?:^|_)(?:\w+_)?users?(?:$|_)")
"""A dependency that yields the calling user (``Depends(get_verified_user)``) authenticates."""
AUTH_HEADER = re.compile(r"(?i)^(?:authorization|x-api-key|api-key|x-api-token|x-auth-token)$")
"""Header names whose use in a handler or hook shows a credential check."""
APP_FACTORIES = frozenset({"FastAPI", "Starlette", "Flask", "Quart", "Sanic"})
"""Constructors of whole applications: their dependencies cover every included router."""


@dataclass(frozen=True, slots=True)
class Route:
    """One HTTP route handler."""

    line: int
    """Line of the route decorator."""
    owner: str
    """The app or router the decorator hangs off (``app``, ``router``, ``api.v1``)."""
    handler: str
    methods: tuple[str, ...]
    """Lower-case HTTP methods (``websocket`` for WebSocket routes)."""
    url: str | None
    """The path as written, when it is a literal."""
    guarded: bool
    """True when the route itself requires authentication."""


@dataclass(frozen=True, slots=True)
class Inclusion:
    """``include_router(X, dependencies=[auth])`` / ``register_blueprint``: X is guarded."""

    module: str | None
    """Dotted module X comes from (with leading dots for relative imports), None if local."""
    name: str
    """The name of X inside that module (``router``)."""


@dataclass(slots=True)
class ModuleFacts:
    """What one Python module says about routes and guards."""

    routes: list[Route] = field(default_factory=list)
    guarded_owners: set[str] = field(default_factory=set)
    """Apps and routers of this module whose every route requires authentication."""
    guarded_inclusions: list[Inclusion] = field(default_factory=list)
    app_wide_guard: bool = False
    """An app-level guard (middleware, app dependencies, before_request on an app)."""


def read_module(text: str) -> ModuleFacts:
    """Return the routes and guards of the module source ``text``; raise SyntaxError."""
    tree = ast.parse(text)
    facts = ModuleFacts()
    imports = _imports(tree)
    apps = _app_variables(tree)
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            _read_function(node, facts, apps)
        elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
            _read_constructor(node.targets, node.value, facts)
        elif isinstance(node, ast.Call):
            _read_call(node, facts, imports, apps)
    return facts


def _read_function(
    node: ast.FunctionDef | ast.AsyncFunctionDef, facts: ModuleFacts, apps: set[str]
) -> None:
    routes = [(d, r) for d in node.decorator_list if (r := _route_decorator(d)) is not None]
    for decorator in node.decorator_list:
        hook = _hook_owner(decorator)
        if hook is not None and _checks_credentials(node):
            facts.guarded_owners.add(hook)
            facts.app_wide_guard |= hook in apps or _is_http_middleware(decorator)
    if not routes:
        return
    other = [d for d in node.decorator_list if _route_decorator(d) is None]
    guarded = (
        any(_is_auth_expr(d) for d in other)
        or _params_guarded(node.args)
        or _checks_credentials(node)
    )
    for decorator, (owner, method, call) in routes:
        facts.routes.append(
            Route(
                line=decorator.lineno,
                owner=owner,
                handler=node.name,
                methods=_methods(method, call),
                url=_url(call),
                guarded=guarded or _dependencies_guarded(call),
            )
        )


def _route_decorator(decorator: ast.expr) -> tuple[str, str, ast.Call] | None:
    """Return (owner, method, call) for ``@owner.method(...)``, else None."""
    if not isinstance(decorator, ast.Call) or not isinstance(decorator.func, ast.Attribute):
        return None
    if decorator.func.attr not in ROUTE_DECORATORS:
        return None
    owner = dotted(decorator.func.value)
    return (owner, decorator.func.attr, decorator) if owner else None


def _hook_owner(decorator: ast.expr) -> str | None:
    """Return X for ``@X.before_request``, ``@X.middleware("http")`` and similar hooks."""
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    if isinstance(target, ast.Attribute) and target.attr in {
        "before_request",
        "before_app_request",
        "middleware",
    }:
        return dotted(target.value) or None
    return None


def _is_http_middleware(decorator: ast.expr) -> bool:
    return (
        isinstance(decorator, ast.Call)
        and isinstance(decorator.func, ast.Attribute)
        and decorator.func.attr == "middleware"
    )


def _methods(method: str, call: ast.Call) -> tuple[str, ...]:
    if method not in {"route", "api_route"}:
        return (method,)
    for keyword in call.keywords:
        if keyword.arg == "methods" and isinstance(keyword.value, (ast.List, ast.Tuple, ast.Set)):
            names = [
                e.value.lower()
                for e in keyword.value.elts
                if isinstance(e, ast.Constant) and isinstance(e.value, str)
            ]
            return tuple(names) or ("get",)
    return ("get",)


def _url(call: ast.Call) -> str | None:
    candidates = [*call.args[:1], *(k.value for k in call.keywords if k.arg in {"path", "rule"})]
    for candidate in candidates:
        if isinstance(candidate, ast.Constant) and isinstance(candidate.value, str):
            return candidate.value
    return None


def _params_guarded(args: ast.arguments) -> bool:
    """Return True when a parameter is an auth dependency or credential object."""
    defaults = [*args.defaults, *(d for d in args.kw_defaults if d is not None)]
    if any(_is_dependency(d, auth_only=True) for d in defaults):
        return True
    for arg in [*args.posonlyargs, *args.args, *args.kwonlyargs]:
        annotation = arg.annotation
        if annotation is None:
            continue
        if any(_is_dependency(n, auth_only=True) for n in ast.walk(annotation)):
            return True
        if AUTH_NAME.search(dotted(annotation).rsplit(".", 1)[-1] or ""):
            return True
    return False


def _dependencies_guarded(call: ast.Call) -> bool:
    for keyword in call.keywords:
        if keyword.arg == "dependencies" and any(
            _is_dependency(n, auth_only=True) for n in ast.walk(keyword.value)
        ):
            return True
    return False


def _is_dependency(node: ast.AST, *, auth_only: bool) -> bool:
    """Return True for ``Security(...)``, or ``Depends(x)`` whose x names an auth step."""
    if not isinstance(node, ast.Call):
        return False
    name = dotted(node.func).rsplit(".", 1)[-1]
    if name == "Security":
        return True
    if name != "Depends":
        return False
    if not auth_only:
        return True
    target = node.args[0] if node.args else None
    target = target or next((k.value for k in node.keywords if k.arg == "dependency"), None)
    if target is None:
        return False
    name = dotted(target).rsplit(".", 1)[-1]
    return _is_auth_expr(target) or bool(USER_DEPENDENCY.search(name))


def _is_auth_expr(node: ast.expr) -> bool:
    """Return True when an expression (a decorator, a dependency) names an auth step."""
    target = node.func if isinstance(node, ast.Call) else node
    name = dotted(target)
    return bool(name) and AUTH_NAME.search(name) is not None


def _checks_credentials(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Return True when a function body calls an auth helper or reads a credential header."""
    for inner in ast.walk(node):
        if isinstance(inner, ast.Call) and _is_auth_call(inner):
            return True
        if (
            isinstance(inner, ast.Constant)
            and isinstance(inner.value, str)
            and AUTH_HEADER.match(inner.value)
        ):
            return True
    return False


def _is_auth_call(call: ast.Call) -> bool:
    name = dotted(call.func)
    if not name or name.rsplit(".", 1)[-1] in {"Depends", "Security"}:
        return False
    return AUTH_NAME.search(name.rsplit(".", 1)[-1]) is not None


def _read_constructor(targets: list[ast.expr], call: ast.Call, facts: ModuleFacts) -> None:
    """``app = FastAPI(dependencies=[auth])`` / ``router = APIRouter(dependencies=[auth])``."""
    if not _dependencies_guarded(call):
        return
    constructor = dotted(call.func).rsplit(".", 1)[-1]
    for target in targets:
        name = dotted(target)
        if name:
            facts.guarded_owners.add(name)
            facts.app_wide_guard |= constructor in APP_FACTORIES


def _read_call(
    call: ast.Call, facts: ModuleFacts, imports: dict[str, tuple[str | None, str]], apps: set[str]
) -> None:
    if not isinstance(call.func, ast.Attribute):
        return
    method = call.func.attr
    if method in {"include_router", "register_blueprint"} and call.args:
        if _dependencies_guarded(call):
            facts.guarded_inclusions.append(_inclusion(call.args[0], imports))
    elif method == "add_middleware" and call.args and _is_auth_expr(call.args[0]):
        facts.app_wide_guard = True
    elif method == "before_request" and call.args and _is_auth_expr(call.args[0]):
        owner = dotted(call.func.value)
        facts.guarded_owners.add(owner)
        facts.app_wide_guard |= owner in apps


def _inclusion(target: ast.expr, imports: dict[str, tuple[str | None, str]]) -> Inclusion:
    """Resolve the included router expression to (module, name) through the imports."""
    name = dotted(target)
    head, _, rest = name.partition(".")
    if head in imports:
        module, imported = imports[head]
        if rest:
            # ``users.router`` where ``users`` is an imported module
            base = f"{module}.{imported}" if module is not None else imported
            return Inclusion(base, rest)
        return Inclusion(module, imported)
    return Inclusion(None, name)


def _imports(tree: ast.Module) -> dict[str, tuple[str | None, str]]:
    """Map each imported alias to the (module, name) it stands for.

    ``from .routers import users`` gives ``users -> (".routers", "users")``, and
    ``import app.api as api`` gives ``api -> (None, "app.api")``.
    """
    found: dict[str, tuple[str | None, str]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            module = "." * node.level + (node.module or "")
            for alias in node.names:
                found[alias.asname or alias.name] = (module, alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                found[alias.asname or alias.name.split(".")[0]] = (
                    None,
                    alias.name if alias.asname else alias.name.split(".")[0],
                )
    return found


def _app_variables(tree: ast.Module) -> set[str]:
    """Names bound to a whole application (``app = FastAPI()``, ``app = Flask(__name__)``)."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call):
            constructor = dotted(node.value.func).rsplit(".", 1)[-1]
            if constructor in APP_FACTORIES:
                names.update(n for t in node.targets if (n := dotted(t)))
    return names


def dotted(node: ast.AST) -> str:
    """Return ``a.b.c`` for a name or attribute chain (calls are looked through), else ''."""
    parts: list[str] = []
    current: ast.AST = node
    while True:
        if isinstance(current, ast.Call):
            current = current.func
        elif isinstance(current, ast.Attribute):
            parts.append(current.attr)
            current = current.value
        elif isinstance(current, ast.Name):
            parts.append(current.id)
            return ".".join(reversed(parts))
        else:
            return ""
