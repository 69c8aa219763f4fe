"""Repository analyzer: servers started on every interface with nothing that authenticates.

A server bound to ``0.0.0.0`` (or ``::``) answers every network its host is on; with no
authentication, whoever reaches the port uses the model. Reported, at the call that starts
the server, when both hold:

- the host is every interface by default (see :mod:`.hosts`): a literal, a constant, an
  environment default, a command-line or function default — not only when a flag is given;
- nothing authenticates: for ``uvicorn.run(app)``, ``app.run()`` (Flask, Quart, Sanic) and
  aiohttp's ``web.run_app(app)``, the served app (in this module, imported, or named as
  ``"module:app"``) has routes in scope that require no authentication (see :mod:`.auth`),
  its own or those of the routers it includes at any depth (router in router in app);
  for Gradio's ``launch(server_name=...)``, no ``auth=`` / ``auth_dependency=`` is given.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from mlsec_policy.analyzers.base import AnalyzerSpec, Observation, RepoContext
from mlsec_policy.analyzers.params import NO_PARAMS, NoParams
from mlsec_policy.analyzers.read.pysymbols import (
    Imported,
    ModuleSymbols,
    dotted,
    keyword,
    last_name,
    string_value,
)
from mlsec_policy.analyzers.read.routes import APP_FACTORIES, ModuleFacts, Route
from mlsec_policy.analyzers.web_routes.auth import RouteAudit, audit_routes
from mlsec_policy.analyzers.web_routes.facts import WEB_FACTS
from mlsec_policy.analyzers.web_routes.hosts import HostReader, Place
from mlsec_policy.analyzers.web_routes.program import Program, resolve_module
from mlsec_policy.analyzers.web_routes.route_flow import MAX_MOUNTS, included
from mlsec_policy.models import ArtifactKind, FlowStep, Location

SERVER_CALLS = frozenset({"run", "Config", "run_app", "launch"})
GRADIO_AUTH = ("auth", "auth_dependency")


def exposed_servers(context: RepoContext, params: NoParams) -> Iterable[Observation]:
    """Yield server starts on every interface whose app authenticates nobody."""
    del params
    program = Program(context)
    audit = audit_routes(program, context)
    hosts = HostReader(program)
    open_routes: dict[str, list[Route]] = {}
    for path, route in audit.unguarded:
        open_routes.setdefault(path, []).append(route)
    for path in program.paths:
        if "server" not in program.facts(path).matches:
            continue
        symbols = program.module(path)
        if symbols is None:
            continue
        for node in symbols.calls:
            if last_name(node.func) in SERVER_CALLS:
                found = _exposure(program, audit, open_routes, hosts, path, symbols, node)
                if found is not None:
                    yield Observation(
                        Location(path, _anchor(node)), message=found[0], flow=found[1]
                    )


def _exposure(
    program: Program,
    audit: RouteAudit,
    open_routes: Mapping[str, list[Route]],
    hosts: HostReader,
    path: str,
    symbols: ModuleSymbols,
    call: ast.Call,
) -> tuple[str, tuple[FlowStep, ...]] | None:
    """Return the message of an exposed server start and its flow, or None when not exposed.

    The flow is the first open route, then its router's declaration and mounts.
    """
    kind = _server_kind(symbols, call)
    if kind is None:
        return None
    host = _host_argument(symbols, call, "server_name" if kind == "gradio" else "host")
    reason = hosts.all_interfaces(Place(path, symbols, host)) if host is not None else None
    if reason is None:
        return None
    if kind == "gradio":
        given = [keyword(call, name) for name in GRADIO_AUTH]
        if any(g is not None and not _is_none(g) for g in given):
            return None
        return (
            f"the Gradio app listens on every interface ({reason}) and launch() is given no "
            "auth=, so anyone who can reach the port uses the app"
        ), ()
    served = _served_module(program, path, symbols, call, audit)
    if served is None:
        return None
    routes = [
        (module, route)
        for module in _app_modules(program, audit, served)
        for route in open_routes.get(module, [])
    ]
    if not routes:
        return None
    where, first = routes[0]
    methods = "/".join(m.upper() for m in first.methods)
    route = f"{methods} {first.url or first.handler}"
    open_route = FlowStep(Location(where, first.line), f"route {route} requires no authentication")
    return (
        f"the server listens on every interface ({reason}) and the app it serves requires no "
        f"authentication ({len(routes)} open route(s), e.g. {route} at {where}:{first.line})"
    ), (open_route, *audit.chains.flow(where, first))


def _app_modules(program: Program, audit: RouteAudit, served: str) -> list[str]:
    """Return the module of the app and the modules whose routers it includes, at any depth.

    Inclusions are followed level by level (app, router, sub-router) up to ``MAX_MOUNTS``
    levels, each module once, so a cycle of inclusions ends. A module reached only through an
    inclusion that authenticates (``include_router(r, dependencies=[...])``) is listed (its
    own routes are judged with that guard) but not followed further: what it mounts is behind
    the same guard.
    """
    modules = [served]
    level = [served]
    holder = _Holder(program)
    for _ in range(MAX_MOUNTS):
        following: list[str] = []
        for module in level:
            facts = audit.modules.get(module)
            if facts is None:
                continue
            for inclusion in facts.inclusions:
                target = _included_module(program, module, facts, inclusion.target)
                if target is None or target in modules:
                    continue
                modules.append(target)
                if included(module, inclusion.target, facts, holder) not in audit.guarded:
                    following.append(target)
        if not following:
            break
        level = following
    return modules


def _included_module(
    program: Program, module: str, facts: ModuleFacts, target: ast.expr
) -> str | None:
    """Return the module an included router expression of ``module`` comes from (imported)."""
    head = dotted(target).split(".")[0]
    for binding in facts.symbols.lookup(head, target):
        if isinstance(binding, Imported):
            # ``from .routers import chat`` names a module; ``from .chat import router``
            # an object of one
            found = resolve_module(module, binding.member("").module, program.paths)
            if found is None or not binding.name:
                found = resolve_module(module, binding.module, program.paths)
            if found is not None:
                return found
    return None


@dataclass(slots=True)
class _Holder:
    """The program, as :func:`.route_flow.included` asks for it."""

    program: Program


def _anchor(call: ast.Call) -> int:
    """Return the line of the host argument in the call (the call's line when it is a splat)."""
    for name in ("server_name", "host"):
        given = keyword(call, name)
        if given is not None:
            return given.lineno
    if isinstance(call.func, ast.Attribute):
        return call.func.end_lineno or call.lineno  # the line of ``.launch(`` / ``.run(``
    return call.lineno


def _server_kind(symbols: ModuleSymbols, call: ast.Call) -> str | None:
    """Return 'uvicorn', 'app' (Flask-like ``app.run``), 'aiohttp' or 'gradio', else None."""
    name = dotted(call.func)
    last = last_name(call.func)
    if last == "launch" and isinstance(call.func, ast.Attribute):
        return "gradio" if keyword(call, "server_name") is not None else None
    if last == "run_app":
        return "aiohttp"
    if last not in {"run", "Config"}:
        return None
    head = name.split(".")[0]
    bindings = symbols.lookup(head, call)
    if any(isinstance(b, Imported) and b.module.split(".")[0] == "uvicorn" for b in bindings):
        return "uvicorn"
    if (
        last == "run"
        and isinstance(call.func, ast.Attribute)
        and isinstance(call.func.value, ast.Name)
    ):
        for binding in bindings:
            if isinstance(binding, ast.Call) and last_name(binding.func) in APP_FACTORIES:
                return "app"
    return None


def _host_argument(symbols: ModuleSymbols, call: ast.Call, name: str) -> ast.expr | None:
    """Return the host given to ``call`` (also inside a ``**kwargs`` dict built nearby)."""
    given = keyword(call, name)
    if given is not None:
        return given
    for splat in (k.value for k in call.keywords if k.arg is None):
        values = symbols.lookup(splat.id, splat) if isinstance(splat, ast.Name) else [splat]
        for value in values:
            if isinstance(value, ast.Dict):
                for key, item in zip(value.keys, value.values, strict=True):
                    if key is not None and string_value(key) == name:
                        return item
            elif isinstance(value, ast.Call) and last_name(value.func) == "dict":
                found = keyword(value, name)
                if found is not None:
                    return found
    return None


def _served_module(
    program: Program, path: str, symbols: ModuleSymbols, call: ast.Call, audit: RouteAudit
) -> str | None:
    """Return the module that defines the app a server runs."""
    if isinstance(call.func, ast.Attribute) and last_name(call.func) == "run" and not call.args:
        return path  # app.run(): the app is this module's
    target = call.args[0] if call.args else keyword(call, "app")
    if target is None:
        return None
    spec = string_value(target)
    if spec is not None:
        module = spec.partition(":")[0]
        return resolve_module(path, module, program.paths)
    if isinstance(target, ast.Name):
        for binding in symbols.lookup(target.id, call):
            if isinstance(binding, Imported):
                return resolve_module(path, binding.module, program.paths)
    return path if path in audit.modules else None


SPEC = AnalyzerSpec(
    name="exposed-servers",
    description=(
        "Servers (uvicorn, Flask, aiohttp, Gradio) started on every interface whose app "
        "requires no authentication."
    ),
    kinds=frozenset({ArtifactKind.PYTHON, ArtifactKind.KUBERNETES, ArtifactKind.COMPOSE}),
    params=NO_PARAMS,
    repo=exposed_servers,
    facts=(WEB_FACTS,),
)


def _is_none(node: ast.expr) -> bool:
    return isinstance(node, ast.Constant) and node.value is None
