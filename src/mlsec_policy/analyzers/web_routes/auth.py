"""Repository analyzer: inference routes of Python web apps that require no authentication.

Whether a route is protected often depends on other files: a router declared in
``routers/predict.py`` may be mounted in ``main.py`` with ``include_router(router,
dependencies=[Depends(verify_key)])``, the dependency list may be a constant of
``security.py``, an app may install an authentication middleware, and an ingress may
authenticate before the app sees a request. Semgrep sees one file at a time, so this analyzer
reads every Python module with routes (see :mod:`mlsec_policy.analyzers.read.routes`), judges
each guard (see :mod:`.guards`), follows imported names into the modules that define them,
resolves router inclusions through the imports, and looks for gateway authentication in
Kubernetes, compose and config files before it reports a route.

Only routes in scope are considered (see :mod:`.scope`). ``report: routes`` yields all of
them (a scope check); ``report: unauthenticated`` only those without any guard.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from mlsec_policy.analyzers.base import AnalyzerSpec, Observation, RepoContext
from mlsec_policy.analyzers.params import Params
from mlsec_policy.analyzers.read.pysymbols import dotted
from mlsec_policy.analyzers.read.routes import ModuleFacts, Route
from mlsec_policy.analyzers.web_routes.facts import WEB_FACTS
from mlsec_policy.analyzers.web_routes.guards import Guard, GuardReader
from mlsec_policy.analyzers.web_routes.program import Program, resolve_module
from mlsec_policy.analyzers.web_routes.route_flow import RouterChains, included
from mlsec_policy.analyzers.web_routes.scope import needs_auth
from mlsec_policy.models import ArtifactKind, Location

MAX_HOPS = 6
"""How many modules a guard's name is followed through (re-exports included)."""


class Repository:
    """Guard readers of the target's modules, and guards resolved across modules."""

    def __init__(self, program: Program) -> None:
        self.program = program
        self._readers: dict[str, GuardReader | None] = {}

    def reader(self, path: str) -> GuardReader | None:
        """Return the guard reader of a module (None when it cannot be parsed)."""
        if path not in self._readers:
            symbols = self.program.module(path)
            self._readers[path] = GuardReader(symbols) if symbols is not None else None
        return self._readers[path]

    def authenticates(self, path: str, guard: Guard, hops: int = 0) -> bool:
        """Return True when ``guard``, seen in module ``path``, authenticates for certain."""
        if guard.certain:
            return True
        if hops >= MAX_HOPS:
            return False
        for ref in sorted(guard.refs, key=lambda r: (r.module, r.name)):
            target = resolve_module(path, ref.module, self.program.paths)
            if target is None:
                continue
            reader = self.reader(target)
            if reader is not None and self.authenticates(
                target, reader.exported(ref.name), hops + 1
            ):
                return True
        return False


@dataclass(frozen=True, slots=True)
class RouteAudit:
    """The routes of the target in scope of authentication, and which of them have none."""

    modules: Mapping[str, ModuleFacts]
    in_scope: list[tuple[str, Route]]
    unguarded: list[tuple[str, Route]]
    chains: RouterChains
    """Where each router is declared and mounted (an unguarded route's flow)."""
    guarded: frozenset[tuple[str, str]] = frozenset()
    """The (module, app or router) pairs whose every route authenticates."""


def audit_routes(program: Program, context: RepoContext) -> RouteAudit:
    """Read every route module of ``program`` and judge each in-scope route's guards."""
    repository = Repository(program)
    modules = program.route_modules("routes")
    guarded, app_wide = _owner_guards(repository, modules)
    app_wide = app_wide or _gateway_auth(program, context)
    in_scope: list[tuple[str, Route]] = []
    unguarded: list[tuple[str, Route]] = []
    for path in sorted(modules):
        reader = repository.reader(path)
        for route in modules[path].routes:
            if not needs_auth(route):
                continue
            in_scope.append((path, route))
            if not (
                app_wide
                or _owner_guarded(path, route.owner, guarded)
                or (reader is not None and repository.authenticates(path, reader.route(route)))
            ):
                unguarded.append((path, route))
    chains = RouterChains(modules, repository)
    return RouteAudit(modules, in_scope, unguarded, chains, frozenset(guarded))


@dataclass(frozen=True, slots=True)
class WebRouteAuth:
    """Parameters of ``web-route-auth``."""

    report: Literal["routes", "unauthenticated"]
    """Every inference route (a scope), or only the routes no authentication guards."""


def unauthenticated_routes(context: RepoContext, params: WebRouteAuth) -> Iterable[Observation]:
    """Yield inference routes (all, or only the unguarded ones; see the module docstring)."""
    only_unguarded = params.report == "unauthenticated"
    program = Program(context)
    audit = audit_routes(program, context)
    for path, route in audit.unguarded if only_unguarded else audit.in_scope:
        yield Observation(
            Location(path, route.line),
            message=_message(route, only_unguarded),
            flow=audit.chains.flow(path, route) if only_unguarded else (),
        )
    error = program.parse_error("routes")
    if error is not None:
        raise error


def _gateway_auth(program: Program, context: RepoContext) -> bool:
    """Return True when a Kubernetes, compose or config file shows gateway authentication."""
    return any(
        program.facts_of(artifact).gateway
        for artifact in context.artifacts
        if artifact.kind is not ArtifactKind.PYTHON
    )


def _owner_guards(
    repository: Repository, modules: Mapping[str, ModuleFacts]
) -> tuple[set[tuple[str, str]], bool]:
    """Return the (module, app or router) pairs whose every route authenticates.

    The flag says whether some app-wide guard (middleware, app dependencies) covers every route.
    """
    guarded: set[tuple[str, str]] = set()
    app_wide = False
    for path, facts in sorted(modules.items()):
        reader = repository.reader(path)
        if reader is None:
            continue
        apps = facts.app_names
        for app in facts.apps:
            if repository.authenticates(path, reader.dependencies(app.call)):
                guarded.add((path, app.name))
                app_wide |= app.whole_app
        for hook in facts.hooks:
            if repository.authenticates(path, reader.hook(hook)):
                guarded.add((path, hook.owner))
                app_wide |= hook.owner in apps or hook.http_middleware
        for inclusion in facts.inclusions:
            if repository.authenticates(path, reader.dependencies(inclusion.call)):
                guarded.add(included(path, inclusion.target, facts, repository))
    _inherit_guards(repository, modules, guarded)
    return guarded, app_wide


def _inherit_guards(
    repository: Repository, modules: Mapping[str, ModuleFacts], guarded: set[tuple[str, str]]
) -> None:
    """Mark every router mounted onto a guarded router as guarded too, down any depth.

    FastAPI copies a router's routes, with the mount's and the router's dependencies, into
    whatever includes it, so a sub-router's routes pass the guard of every mount above it.
    The set only grows, so the loop ends (cycles included).
    """
    mounts = [
        (
            path,
            dotted(inclusion.call.func).rpartition(".")[0].split(".")[0],
            included(path, inclusion.target, facts, repository),
        )
        for path, facts in sorted(modules.items())
        for inclusion in facts.inclusions
    ]
    grew = True
    while grew:
        grew = False
        for path, parent, child in mounts:
            if child not in guarded and _owner_guarded(path, parent, guarded):
                guarded.add(child)
                grew = True


def _owner_guarded(path: str, owner: str, guarded: set[tuple[str, str]]) -> bool:
    return (path, owner) in guarded or (path, owner.split(".")[0]) in guarded


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
    params=Params.beside(WebRouteAuth, __name__, "web-route-auth"),
    repo=unauthenticated_routes,
    facts=(WEB_FACTS,),
)
