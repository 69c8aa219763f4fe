"""Dockerfile analyzers: remote ADD, exposed tool ports, missing HEALTHCHECK, a root final user.

Runtime properties (which ports the image exposes, whether it declares a health check) are
judged on the final build stage and the stages it is built from — a builder stage does not
ship. ``ADD`` of a remote source is judged in every stage: a tampered download poisons the
build whichever stage fetches it.

Semgrep cannot judge the final user reliably: a ``USER`` in an earlier build stage satisfies a
``pattern-not-inside`` and hides a final stage that runs as root (checkov misses it too). Here
the last stage is found, and its own USER instructions — or those of the stages it is built
from (``FROM builder``) — decide.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from mlsec_policy.analyzers.base import AnalyzerSpec, FileContext, Observation
from mlsec_policy.analyzers.params import NO_PARAMS, NoParams, Params
from mlsec_policy.analyzers.read.commands import commands
from mlsec_policy.analyzers.read.dockerfile import Stage, parse, runtime_instructions, stages
from mlsec_policy.models import ArtifactKind

_URL = re.compile(r"^(https?://|git@|ssh://)", re.IGNORECASE)
_COMMIT_FRAGMENT = re.compile(r"#[0-9a-f]{40}$")
_PORT = re.compile(r"^(\d+)(?:-(\d+))?(?:/\w+)?$")


@dataclass(frozen=True, slots=True)
class ToolPorts:
    """Parameters of ``dockerfile-exposed-tools``."""

    ports: tuple[int, ...]
    """Ports of interactive ML tooling (Jupyter, TensorBoard, SSH...)."""


@dataclass(frozen=True, slots=True)
class Healthcheck:
    """Parameters of ``dockerfile-healthcheck``."""

    servers: str
    """A regular expression over start commands that says the image serves requests."""


def remote_add(context: FileContext, params: NoParams) -> Iterable[Observation]:
    """Report ``ADD`` of a URL without ``--checksum`` (or a git source not pinned to a commit)."""
    for stage in stages(parse(context.read_text())):
        for instruction in stage.instructions:
            if instruction.keyword != "ADD":
                continue
            words = instruction.arguments.split()
            flags = [w for w in words if w.startswith("--")]
            sources = [w for w in words if not w.startswith("--")][:-1]
            if any(flag.startswith("--checksum=") for flag in flags):
                continue
            for source in sources:
                if not _URL.match(source):
                    continue
                git = source.startswith(("git@", "ssh://")) or ".git" in source.split("#")[0]
                if git and _COMMIT_FRAGMENT.search(source):
                    continue
                yield Observation(
                    context.at(instruction.line),
                    message=f"ADD fetches {source} at build time without verifying a checksum",
                    snippet=f"ADD {instruction.arguments}"[:300],
                    key=source,
                )


def exposed_tool_ports(context: FileContext, params: ToolPorts) -> Iterable[Observation]:
    """Report EXPOSE of ML tool ports (Jupyter, TensorBoard, SSH...) in the shipped image."""
    tools = set(params.ports)
    for instruction in reversed(runtime_instructions(stages(parse(context.read_text())), "EXPOSE")):
        for word in instruction.arguments.split():
            match = _PORT.match(word)
            if not match:
                continue
            first, last = int(match.group(1)), int(match.group(2) or match.group(1))
            hit = sorted(p for p in tools if first <= p <= last)
            if hit:
                yield Observation(
                    context.at(instruction.line),
                    message=f"the image exposes port {hit[0]}, used by interactive ML tooling "
                    "(notebooks, dashboards, SSH) that has no place in a serving image",
                    key=str(hit[0]),
                )


def missing_healthcheck(context: FileContext, params: Healthcheck) -> Iterable[Observation]:
    """Report a serving image (it exposes a port or starts a server) without a HEALTHCHECK."""
    servers = re.compile(params.servers, re.IGNORECASE)
    all_stages = stages(parse(context.read_text()))
    if not all_stages:
        return
    checks = runtime_instructions(all_stages, "HEALTHCHECK")
    if checks and checks[0].arguments.strip().upper() != "NONE":
        return
    exposes = bool(runtime_instructions(all_stages, "EXPOSE"))
    starts_server = any(
        command.source == "start" and servers.search(command.text) for command in commands(context)
    )
    if not (exposes or starts_server):
        return
    if checks:
        yield Observation(
            context.at(checks[0].line),
            message="HEALTHCHECK NONE switches off the health check of a serving image",
        )
        return
    yield Observation(
        context.at(all_stages[-1].start.line),
        message="the image serves requests but declares no HEALTHCHECK, so a hung model "
        "server keeps receiving traffic",
    )


ROOT_USERS = frozenset({"root", "0", "0:0", "root:root", "root:0", "0:root"})


def final_stage_root(context: FileContext, params: NoParams) -> Iterable[Observation]:
    """Yield an observation when the final stage runs as root."""
    all_stages = stages(parse(context.read_text()))
    if not all_stages:
        return
    final = all_stages[-1]
    user, line = _effective_user(final, all_stages)
    if user is None:
        yield Observation(
            context.at(final.start.line),
            message="the final build stage never sets USER, so the container runs as root",
            snippet=f"FROM {final.start.arguments}",
        )
    elif user.lower() in ROOT_USERS:
        yield Observation(
            context.at(line),
            message=f"the final build stage runs as {user!r}",
            snippet=f"USER {user}",
        )


def _effective_user(stage: Stage, all_stages: list[Stage]) -> tuple[str | None, int]:
    """Return the last USER of the stage, following ``FROM <earlier stage>`` chains."""
    for instruction in runtime_instructions(all_stages, "USER"):
        if instruction.arguments:
            return instruction.arguments.split()[0], instruction.line
    return None, stage.start.line


DOCKERFILE = frozenset({ArtifactKind.DOCKERFILE})

SPECS = (
    AnalyzerSpec(
        name="dockerfile-remote-add",
        description="ADD of a remote URL without --checksum, or of an unpinned git source.",
        kinds=DOCKERFILE,
        params=NO_PARAMS,
        file=remote_add,
    ),
    AnalyzerSpec(
        name="dockerfile-exposed-tools",
        description="EXPOSE of ML tooling ports in the final image.",
        kinds=DOCKERFILE,
        params=Params.beside(ToolPorts, __name__, "dockerfile-exposed-tools"),
        file=exposed_tool_ports,
    ),
    AnalyzerSpec(
        name="dockerfile-healthcheck",
        description="Serving images (EXPOSE or a server start command) without HEALTHCHECK.",
        kinds=DOCKERFILE,
        params=Params.beside(Healthcheck, __name__, "dockerfile-healthcheck"),
        file=missing_healthcheck,
    ),
    AnalyzerSpec(
        name="dockerfile-final-user",
        description="The final Dockerfile stage runs as root (no USER, or USER root/0).",
        kinds=DOCKERFILE,
        params=NO_PARAMS,
        file=final_stage_root,
    ),
)
"""The analyzers of this module, for the registry."""
