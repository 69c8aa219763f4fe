"""Analyzer ``service-deployment``: files that deploy a service someone will have to operate.

Controls about operating a system (an incident runbook, say) apply to a repository that ships a
deployment of a service, not to one that merely holds a Dockerfile. A file is such evidence
when it starts something that answers requests:

- a Dockerfile whose image serves (see :mod:`.dockerfile`: its start command runs a known
  server, or it has a start command of its own and exposes a port) — not a workspace image;
- a compose service that publishes ports or runs a known server, unless its command or image
  is interactive (a notebook, a shell, ``sleep infinity``);
- a Kubernetes workload whose containers declare ports, or a Service or Ingress.

Where such files are development tooling (dev containers, local stacks, samples, tests) is for
the check's ``exclude`` to say.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from mlsec_policy.analyzers.base import AnalyzerSpec, FileContext, Observation
from mlsec_policy.analyzers.infra.dockerfile import serves
from mlsec_policy.analyzers.params import Params
from mlsec_policy.analyzers.patterns.start_commands import INTERACTIVE, SERVERS
from mlsec_policy.analyzers.read.compose import services
from mlsec_policy.analyzers.read.dockerfile import parse, runtime_instructions, stages
from mlsec_policy.analyzers.read.kubernetes import SERVING_KINDS, load_objects
from mlsec_policy.analyzers.read.yamldoc import sequence
from mlsec_policy.models import ArtifactKind

NETWORK_KINDS = frozenset({"Service", "Ingress", "Route", "HTTPRoute", "InferenceService"})


@dataclass(frozen=True, slots=True)
class ServiceDeployment:
    """Parameters of ``service-deployment``."""

    servers: str = SERVERS
    """A regular expression over start commands that says an image or service serves requests."""
    interactive: str = INTERACTIVE
    """A regular expression over start commands that says it is a workspace, not a service."""


def service_deployment(context: FileContext, params: ServiceDeployment) -> Iterable[Observation]:
    """Yield one observation where a file deploys a service that answers requests."""
    kind = context.artifact.kind
    if kind is ArtifactKind.DOCKERFILE:
        exposed = runtime_instructions(stages(parse(context.read_text())), "EXPOSE")
        if serves(context, params.servers, params.interactive, exposes=bool(exposed)):
            yield Observation(context.at(), message="the image serves requests")
    elif kind is ArtifactKind.COMPOSE:
        yield from _compose(context, params)
    elif kind is ArtifactKind.KUBERNETES:
        yield from _kubernetes(context)


def _compose(context: FileContext, params: ServiceDeployment) -> Iterator[Observation]:
    servers = _regex(params.servers)
    interactive = _regex(params.interactive)
    for service in services(context):
        start = " ".join(
            str(part)
            for key in ("entrypoint", "command")
            for value in [service.data.get(key)]
            if value is not None
            for part in (value if isinstance(value, list) else [value])
        ).strip()
        if interactive is not None and start and interactive.search(start):
            continue
        if sequence(service.data.get("ports")) or (servers and servers.search(start)):
            yield Observation(
                context.at(),
                message=f"compose service {service.name!r} serves requests",
            )
            return


def _kubernetes(context: FileContext) -> Iterator[Observation]:
    for obj in load_objects(context):
        networked = obj.kind in NETWORK_KINDS
        ported = obj.kind in SERVING_KINDS and any(
            sequence(container.data.get("ports"))
            for pod in obj.pods()
            for container in pod.containers
        )
        if networked or ported:
            yield Observation(
                context.at(),
                message=f"{obj.kind}/{obj.name} serves requests",
            )
            return


def _regex(value: str | None) -> re.Pattern[str] | None:
    return re.compile(value, re.IGNORECASE) if value is not None else None


SPEC = AnalyzerSpec(
    name="service-deployment",
    description="Dockerfiles, compose services and Kubernetes objects that deploy a service "
    "answering requests (workspace and idle images excluded).",
    kinds=frozenset({ArtifactKind.DOCKERFILE, ArtifactKind.COMPOSE, ArtifactKind.KUBERNETES}),
    params=Params.beside(ServiceDeployment, __name__, "service-deployment"),
    file=service_deployment,
)
"""The analyzer of this module, for the registry."""
