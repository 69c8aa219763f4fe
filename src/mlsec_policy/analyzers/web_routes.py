"""Repository analyzer: inference routes of Python web apps that require no authentication.

Whether a route is protected often depends on other files: a router declared in
``routers/predict.py`` may be mounted in ``main.py`` with ``include_router(router,
dependencies=[Depends(verify_key)])``, an app may install an authentication middleware, and an
ingress may authenticate before the app sees a request. Semgrep sees one file at a time, so this
analyzer reads every Python module with routes (see :mod:`mlsec_policy.analyzers.read.routes`),
resolves such inclusions through the imports, and looks for gateway authentication in
Kubernetes, compose and config files before it reports a route.

Only inference-like routes are considered: those that take a body (POST, PUT, PATCH, DELETE,
WebSocket) or whose path names an inference action (``/predict``, ``/v1/chat/completions``),
minus health, metrics, documentation and the endpoints of the login flow itself (login, token,
MFA challenge and enrolment, password reset), which must be reachable before authentication.
``report: routes`` yields all of them (a scope check); ``report: unauthenticated`` only those
without any guard.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import PurePosixPath

from mlsec_policy.analyzers.base import AnalyzerError, AnalyzerSpec, Observation, RepoContext
from mlsec_policy.analyzers.read.routes import ModuleFacts, Route, read_module
from mlsec_policy.models import ArtifactKind, JsonValue, Location
from mlsec_policy.textfile import decode
from mlsec_policy.views.python_template import python_template_view

PREFILTER = re.compile(
    rb"@[\w.]+\.(?:get|post|put|patch|delete|route|api_route|websocket)\s*\(|include_router"
    rb"|register_blueprint|add_middleware|before_request|\.middleware\s*\(|dependencies\s*="
)
"""Modules without any of these cannot define routes or guards: they are not parsed."""
GATEWAY_AUTH = re.compile(
    r"nginx\.ingress\.kubernetes\.io/auth-(?:url|type|signin)|^kind:\s*(?:RequestAuthentication"
    r"|AuthorizationPolicy)\b|oauth2-proxy|ext_authz|konghq\.com/plugins:[^\n]*(?:key-auth|jwt"
    r"|oidc|basic-auth)|traefik[^\n]*(?:basicauth|forwardauth)",
    re.MULTILINE | re.IGNORECASE,
)
"""Authentication done by the ingress or gateway in front of the app."""
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
MAX_READ = 4 * 1024 * 1024


def unauthenticated_routes(
    context: RepoContext, params: Mapping[str, JsonValue]
) -> Iterable[Observation]:
    """Yield inference routes (all, or only the unguarded ones; see the module docstring)."""
    only_unguarded = params.get("report") == "unauthenticated"
    modules, failures, gateway = _read_repository(context)
    guarded = _guarded_owners(modules)
    app_wide = gateway or any(facts.app_wide_guard for facts in modules.values())
    for path in sorted(modules):
        for route in modules[path].routes:
            if not _needs_auth(route):
                continue
            if only_unguarded and (
                route.guarded or app_wide or _owner_guarded(path, route.owner, guarded)
            ):
                continue
            yield Observation(Location(path, route.line), message=_message(route, only_unguarded))
    if failures:
        raise AnalyzerError(
            f"{len(failures)} Python file(s) with web routes could not be parsed, so their "
            "routes were not checked: " + "; ".join(failures[:5]),
            kind="parse-error",
            hint="fix the syntax, or leave the files out with --exclude",
        )


def _read_repository(context: RepoContext) -> tuple[dict[str, ModuleFacts], list[str], bool]:
    """Parse the modules that may hold routes; note gateway authentication in other files."""
    modules: dict[str, ModuleFacts] = {}
    failures: list[str] = []
    gateway = False
    for artifact in context.artifacts:
        data = context.file(artifact).read_bytes(MAX_READ)
        if artifact.kind is not ArtifactKind.PYTHON:
            gateway = gateway or bool(GATEWAY_AUTH.search(data.decode("utf-8", "replace")))
            continue
        if not PREFILTER.search(data):
            continue
        text = decode(data)
        try:
            modules[artifact.path] = read_module(text)
        except (SyntaxError, ValueError) as exc:
            # a template of a Python file (cookiecutter) is read as the Python it renders to
            template = python_template_view(text, artifact.path)
            if template is not None:
                modules[artifact.path] = read_module(template.text)
                continue
            line = getattr(exc, "lineno", None)
            failures.append(f"{artifact.path}:{line}" if line else artifact.path)
    return modules, failures, gateway


def _guarded_owners(modules: Mapping[str, ModuleFacts]) -> set[tuple[str, str]]:
    """Return (module path, app or router name) pairs whose routes all require auth."""
    guarded = {(path, owner) for path, facts in modules.items() for owner in facts.guarded_owners}
    for path, facts in modules.items():
        for inclusion in facts.guarded_inclusions:
            if inclusion.module is None:
                guarded.add((path, inclusion.name))
                continue
            target = resolve_module(path, inclusion.module, modules.keys())
            if target is not None:
                guarded.add((target, inclusion.name))
    return guarded


def resolve_module(including: str, module: str, paths: Iterable[str]) -> str | None:
    """Return the repository path of ``module`` as imported from the file ``including``.

    Relative modules (``.routers.users``) are resolved against the including file's package;
    absolute ones (``app.routers.users``) by matching the end of a path, since the repository
    root is not necessarily the import root.
    """
    level = len(module) - len(module.lstrip("."))
    parts = [p for p in module.lstrip(".").split(".") if p]
    known = set(paths)
    if level:
        base = PurePosixPath(including).parent
        for _ in range(level - 1):
            base = base.parent
        stem = base.joinpath(*parts) if parts else base
        for candidate in (f"{stem}.py", f"{stem}/__init__.py"):
            if candidate in known:
                return candidate
        return None
    if not parts:
        return None
    relative = "/".join(parts)
    for suffix in (f"{relative}.py", f"{relative}/__init__.py"):
        matches = sorted(p for p in known if p == suffix or p.endswith("/" + suffix))
        if matches:
            return matches[0]
    return None


def _owner_guarded(path: str, owner: str, guarded: set[tuple[str, str]]) -> bool:
    return (path, owner) in guarded or (path, owner.split(".")[0]) in guarded


def _needs_auth(route: Route) -> bool:
    if route.url is not None and PUBLIC_PATH.match(route.url):
        return False
    if not set(route.methods) - {"head", "options"}:
        return False
    if BODY_METHODS.intersection(route.methods):
        return True
    return bool(route.url and INFERENCE_PATH.search(route.url))


def _message(route: Route, only_unguarded: bool) -> str:
    methods = "/".join(m.upper() for m in route.methods)
    target = route.url or f"handler {route.handler}"
    if not only_unguarded:
        return f"{methods} {target} serves requests"
    return (
        f"{methods} {target} requires no authentication: no security dependency, auth "
        "decorator or credential check on the route, and none on its router, app or gateway"
    )


SPEC = AnalyzerSpec(
    name="web-route-auth",
    description="Inference routes of FastAPI/Flask/Starlette apps and whether they require auth.",
    kinds=frozenset(
        {ArtifactKind.PYTHON, ArtifactKind.KUBERNETES, ArtifactKind.COMPOSE, ArtifactKind.CONFIG}
    ),
    params_schema={
        "type": "object",
        "additionalProperties": False,
        "required": ["report"],
        "properties": {
            "report": {
                "enum": ["routes", "unauthenticated"],
                "description": "All inference routes (scope), or only the unguarded ones.",
            }
        },
    },
    repo=unauthenticated_routes,
)

SPECS: tuple[AnalyzerSpec, ...] = (SPEC,)
"""The analyzers of this domain, for the registry."""
