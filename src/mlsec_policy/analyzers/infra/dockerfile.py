"""Dockerfile analyzers: remote ADD, exposed tool ports, missing HEALTHCHECK.

Runtime properties (which ports the image exposes, whether it declares a health check) are
judged on the final build stage and the stages it is built from — a builder stage does not
ship. ``ADD`` of a remote source is judged in every stage: a tampered download poisons the
build whichever stage fetches it.

The final user has its own module (:mod:`.dockerfile_user`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from mlsec_policy.analyzers.base import AnalyzerSpec, FileContext, Observation
from mlsec_policy.analyzers.params import no_params, object_params
from mlsec_policy.analyzers.read.commands import commands
from mlsec_policy.analyzers.read.dockerfile import parse, runtime_instructions, stages
from mlsec_policy.analyzers.read.yamldoc import sequence
from mlsec_policy.models import ArtifactKind, JsonValue

_URL = re.compile(r"^(https?://|git@|ssh://)", re.IGNORECASE)
_COMMIT_FRAGMENT = re.compile(r"#[0-9a-f]{40}$")
_PORT = re.compile(r"^(\d+)(?:-(\d+))?(?:/\w+)?$")


def remote_add(context: FileContext, params: Mapping[str, JsonValue]) -> Iterable[Observation]:
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


def exposed_tool_ports(
    context: FileContext, params: Mapping[str, JsonValue]
) -> Iterable[Observation]:
    """Report EXPOSE of ML tool ports (Jupyter, TensorBoard, SSH...) in the shipped image."""
    tools = {int(p) for p in sequence(params.get("ports")) if isinstance(p, int)}
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


def missing_healthcheck(
    context: FileContext, params: Mapping[str, JsonValue]
) -> Iterable[Observation]:
    """Report a serving image (it exposes a port or starts a server) without a HEALTHCHECK."""
    servers = re.compile(str(params["servers"]), re.IGNORECASE)
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


DOCKERFILE = frozenset({ArtifactKind.DOCKERFILE})

SPECS = (
    AnalyzerSpec(
        name="dockerfile-remote-add",
        description="ADD of a remote URL without --checksum, or of an unpinned git source.",
        kinds=DOCKERFILE,
        params_schema=no_params(),
        file=remote_add,
    ),
    AnalyzerSpec(
        name="dockerfile-exposed-tools",
        description="EXPOSE of ML tooling ports in the final image.",
        kinds=DOCKERFILE,
        params_schema=object_params(
            {"ports": {"type": "array", "minItems": 1, "items": {"type": "integer"}}},
            required=["ports"],
        ),
        file=exposed_tool_ports,
    ),
    AnalyzerSpec(
        name="dockerfile-healthcheck",
        description="Serving images (EXPOSE or a server start command) without HEALTHCHECK.",
        kinds=DOCKERFILE,
        params_schema=object_params(
            {"servers": {"type": "string", "format": "regex"}}, required=["servers"]
        ),
        file=missing_healthcheck,
    ),
)
"""The analyzers of this module, for the registry."""
