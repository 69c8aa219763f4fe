"""Which routes of a web app must authenticate their callers (the scope of the auth check).

A route is in scope when calling it makes the service do work or change state on the
caller's behalf:

- its path names an inference action (``/predict``, ``/v1/chat/completions``, ``/embed``), or
- it accepts a request (POST, PUT, PATCH, DELETE, WebSocket) — except a *metadata route*.

A metadata route is a POST route that takes nothing from the caller (no body, query or path
parameter, and the raw request object, if declared, is never read) and whose handler only
reads state: its body is assignments to local names and a return, and every call in it is a getter
(``get_status()``, ``list_models()``), a conversion or a response constructor. Such a route
can neither run the model on the caller's input nor change anything; what it discloses (model
names, a context length, a queue length) is not what this check is about. A POST route
whose handler changes state (``refresh_all_workers()``, a loop sending commands) stays in
scope even when it takes no input.

Health, metrics, documentation and the endpoints of the login flow itself (login, token, MFA
challenge and enrolment, password reset) are out of scope: they must be reachable before
authentication.
"""

from __future__ import annotations

import ast
import re

from mlsec_policy.analyzers.read.pysymbols import FunctionNode, last_name, parameters
from mlsec_policy.analyzers.read.routes import Route

INFERENCE_PATH = re.compile(
    r"(?i)predict|infer|generat|complet|chat|embed|classif|score|detect|transcri|translat"
    r"|summari|rerank|invocations|caption"
)
PUBLIC_PATH = re.compile(
    r"(?i)^/?(?:health\w*|livez|readyz|ready|readiness|liveness|live|ping|status|metrics|version"
    r"|docs|redoc|openapi\.json|favicon\.ico|login|logout|signin|sign-in|token|auth(?:/.*)?"
    r"|oauth\w*(?:/.*)?|mfa(?:/.*)?|2fa(?:/.*)?|otp(?:/.*)?|challenge|enroll(?:/.*)?"
    r"|password(?:/.*)?|forgot\w*(?:/.*)?|register|signup|sign-up|callback|webhooks?(?:/.*)?)/?$"
)
BODY_METHODS = frozenset({"post", "put", "patch", "delete", "websocket"})
STATE_METHODS = frozenset({"put", "patch", "delete", "websocket"})
RAW_REQUEST_TYPES = frozenset(
    {"Request", "WebSocket", "HTTPConnection", "BackgroundTasks", "Response"}
)
"""Parameters FastAPI fills in itself: input only if the handler reads them."""
RAW_REQUEST_NAMES = frozenset({"request", "req", "websocket", "background_tasks", "response"})
GETTER = re.compile(
    r"^_*(?:get|list|read|describe|show|is|has|count|len|sorted|dict|tuple|set|str|int"
    r"|float|bool|round|sum|min|max|any|all|abs|enumerate|zip|range|jsonify|dumps|time|now"
    r"|\w*response)(?:_|$|[A-Z])"
)
"""Calls that read or convert a value (a metadata route may make only these)."""


def needs_auth(route: Route) -> bool:
    """Return True when the route is in scope (see the module docstring)."""
    if route.url is not None and PUBLIC_PATH.match(route.url):
        return False
    if not set(route.methods) - {"head", "options"}:
        return False
    if route.url and INFERENCE_PATH.search(route.url):
        return True
    if not BODY_METHODS.intersection(route.methods):
        return False
    return not is_metadata_route(route)


def is_metadata_route(route: Route) -> bool:
    """Return True for a route that takes no input and only reads state."""
    function = route.function
    if function is None or STATE_METHODS.intersection(route.methods):
        return False
    return not takes_input(function) and reads_only(function)


def takes_input(function: FunctionNode) -> bool:
    """Return True when the handler has a parameter the caller fills, or reads the request."""
    args = function.args
    if args.vararg is not None or args.kwarg is not None:
        return True
    raw: set[str] = {"request"}
    for arg, default in parameters(args):
        if arg.arg in {"self", "cls"}:
            continue
        if isinstance(default, ast.Call) and last_name(default.func) in {"Depends", "Security"}:
            continue
        annotation = last_name(arg.annotation) if arg.annotation is not None else ""
        if annotation in RAW_REQUEST_TYPES or (not annotation and arg.arg in RAW_REQUEST_NAMES):
            raw.add(arg.arg)
            continue
        return True
    return any(
        isinstance(node, ast.Name) and node.id in raw
        for statement in function.body
        for node in ast.walk(statement)
    )


def reads_only(function: FunctionNode) -> bool:
    """Return True when the body is assignments and a return whose calls only read values."""
    for index, statement in enumerate(function.body):
        if isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Constant):
            if index == 0 or statement.value.value is Ellipsis:
                continue
            return False
        if not isinstance(statement, (ast.Return, ast.Assign, ast.AnnAssign, ast.Pass)):
            return False
        targets = statement.targets if isinstance(statement, ast.Assign) else []
        if isinstance(statement, ast.AnnAssign):
            targets = [statement.target]
        if not all(isinstance(target, ast.Name) for target in targets):
            return False  # ``state["adapter"] = None`` changes state
        for node in ast.walk(statement):
            if isinstance(node, ast.Call) and not _reads(node):
                return False
    return True


def _reads(call: ast.Call) -> bool:
    name = last_name(call.func)
    return bool(name) and (name[0].isupper() or GETTER.match(name) is not None)
