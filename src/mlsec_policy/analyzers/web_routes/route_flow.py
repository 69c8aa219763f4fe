"""Where an unguarded route's router was declared and mounted: the route finding's data flow.

A route is reported as requiring no authentication after the analyzer looked at the route, at
the app or router it hangs off (``router = APIRouter(...)`` without ``dependencies=``) and at
every ``include_router`` / ``register_blueprint`` that mounts that router (none of them adds an
authenticating dependency). Those places are the finding's flow, declaration first, then each
mount from the innermost router out to the app, so a reader sees which objects to guard.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from typing import Protocol

from mlsec_policy.analyzers.read.pysymbols import Imported, dotted
from mlsec_policy.analyzers.read.routes import ModuleFacts, Route
from mlsec_policy.analyzers.web_routes.program import Program, resolve_module
from mlsec_policy.models import FlowStep, Location

MAX_MOUNTS = 6
"""How many inclusions up the chain (router in router in app) are followed."""


class HasProgram(Protocol):
    """Anything that holds the target's program (the auth analyzer's repository)."""

    program: Program


def included(
    path: str, target: ast.expr, facts: ModuleFacts, repository: HasProgram
) -> tuple[str, str]:
    """Resolve an included router expression to (module path, name) through the imports."""
    name = dotted(target)
    head, _, rest = name.partition(".")
    binding = next((b for b in facts.symbols.lookup(head, target) if isinstance(b, Imported)), None)
    if binding is None:
        return (path, name)
    imported = binding.member(rest) if rest else binding
    module = resolve_module(path, imported.module, repository.program.paths)
    return (module or "", imported.name)


class RouterChains:
    """The routers and apps of the target's route modules, and the inclusions that mount them."""

    def __init__(self, modules: Mapping[str, ModuleFacts], repository: HasProgram) -> None:
        self.modules = modules
        self.mounts: dict[tuple[str, str], tuple[str, int, str, str]] = {}
        """By (module, router name): the module and line of the first call that mounts it,
        the call as written (``app.include_router``) and the name it mounts the router onto."""
        for module, facts in sorted(modules.items()):
            for inclusion in sorted(facts.inclusions, key=lambda i: i.call.lineno):
                key = included(module, inclusion.target, facts, repository)
                call = dotted(inclusion.call.func)
                parent = call.rpartition(".")[0].split(".")[0]
                self.mounts.setdefault(key, (module, inclusion.call.lineno, call, parent))

    def flow(self, path: str, route: Route) -> tuple[FlowStep, ...]:
        """Return where the route's router is declared and each inclusion that mounts it."""
        owner = route.owner.split(".")[0]
        steps: list[FlowStep] = []
        facts = self.modules.get(path)
        built = next((a for a in facts.apps if a.name == owner), None) if facts else None
        if built is not None:
            kind = "app" if built.whole_app else "router"
            steps.append(
                FlowStep(
                    Location(path, built.call.lineno),
                    f"{kind} '{built.name}' declared here with no authenticating dependency",
                )
            )
        current = (path, owner)
        seen = {current}
        for _ in range(MAX_MOUNTS):
            found = self.mounts.get(current)
            if found is None:
                break
            module, line, call, parent = found
            steps.append(
                FlowStep(
                    Location(module, line),
                    f"mounted here by {call} with no authenticating dependency",
                )
            )
            current = (module, parent)
            if current in seen:
                break
            seen.add(current)
        return tuple(steps)
