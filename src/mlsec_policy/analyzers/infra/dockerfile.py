"""Dockerfile analyzers: remote ADD, exposed tool ports, missing HEALTHCHECK.

Runtime properties (which ports the image exposes, whether it declares a health check) are
judged on the final build stage and the stages it is built from — a builder stage does not
ship. ``ADD`` of a remote source is judged in every stage: a tampered download poisons the
build whichever stage fetches it.

Whether an image *serves* is decided by evidence, not by being a Dockerfile: its start command
runs a known server (``servers``: the shared table of :mod:`...patterns.start_commands` unless
the check passes its own), or it has a start command of its own and exposes a port for it. An
image whose start command is interactive or idle (``interactive``: ``sleep infinity``, a
shell, sshd, Jupyter) is a workspace, and so is an image
under ``.devcontainer/``: exposing SSH or a notebook port is its purpose, and it has no
requests to health-check. An image without a start command of its own inherits its base's and
serves only if that command is a known server.

The final user has its own module (:mod:`.dockerfile_user`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from mlsec_policy.analyzers.base import AnalyzerSpec, FileContext, Observation
from mlsec_policy.analyzers.params import NO_PARAMS, NoParams, Params
from mlsec_policy.analyzers.patterns.start_commands import INTERACTIVE, SERVERS
from mlsec_policy.analyzers.read.commands import commands
from mlsec_policy.analyzers.read.dockerfile import parse, runtime_instructions, stages
from mlsec_policy.models import ArtifactKind

_URL = re.compile(r"^(https?://|git@|ssh://)", re.IGNORECASE)
_COMMIT_FRAGMENT = re.compile(r"#[0-9a-f]{40}$")
_PORT = re.compile(r"^(\d+)(?:-(\d+))?(?:/\w+)?$")


@dataclass(frozen=True, slots=True)
class ToolPorts:
    """Parameters of ``dockerfile-exposed-tools``."""

    ports: tuple[int, ...]
    """Ports of interactive ML tooling (Jupyter, TensorBoard, SSH...)."""
    servers: str = SERVERS
    """A regular expression over start commands that says the image serves requests."""
    interactive: str = INTERACTIVE
    """A regular expression over start commands that says the image is a workspace."""


@dataclass(frozen=True, slots=True)
class Healthcheck:
    """Parameters of ``dockerfile-healthcheck``."""

    servers: str = SERVERS
    """A regular expression over start commands that says the image serves requests."""
    interactive: str = INTERACTIVE
    """A regular expression over start commands that says the image is a workspace."""


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
    """Report EXPOSE of ML tool ports (Jupyter, TensorBoard, SSH...) in a serving image."""
    tools = set(params.ports)
    exposed = runtime_instructions(stages(parse(context.read_text())), "EXPOSE")
    ranges = [(i, _port_range(word)) for i in exposed for word in i.arguments.split()]
    api_port = any(r is None or not tools & set(range(r[0], r[1] + 1)) for _i, r in ranges)
    if not serves(context, params.servers, params.interactive, exposes=api_port):
        return
    for instruction, found in reversed(ranges):
        hit = sorted(p for p in tools if found and found[0] <= p <= found[1])
        if hit:
            yield Observation(
                context.at(instruction.line),
                message=f"the image exposes port {hit[0]}, used by interactive ML tooling "
                "(notebooks, dashboards, SSH) that has no place in a serving image",
                key=str(hit[0]),
            )


def missing_healthcheck(context: FileContext, params: Healthcheck) -> Iterable[Observation]:
    """Report a serving image (it exposes a port or starts a server) without a HEALTHCHECK."""
    all_stages = stages(parse(context.read_text()))
    if not all_stages:
        return
    checks = runtime_instructions(all_stages, "HEALTHCHECK")
    if checks and checks[0].arguments.strip().upper() != "NONE":
        return
    exposes = bool(runtime_instructions(all_stages, "EXPOSE"))
    if not serves(context, params.servers, params.interactive, exposes=exposes):
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


def serves(
    context: FileContext, servers: str | None, interactive: str | None, *, exposes: bool
) -> bool:
    """Return True when the image's start command (and ports) say it serves requests.

    ``servers`` and ``interactive`` are regular expressions over the start command (None or
    empty: not used).
    """
    if "/.devcontainer/" in f"/{context.artifact.path}":
        return False
    starts = " ".join(c.text for c in commands(context) if c.source == "start").strip()
    if starts and interactive and re.search(interactive, starts, re.IGNORECASE):
        return False
    if servers and re.search(servers, starts, re.IGNORECASE):
        return True
    return bool(starts) and exposes


def _port_range(word: str) -> tuple[int, int] | None:
    match = _PORT.match(word)
    return (int(match.group(1)), int(match.group(2) or match.group(1))) if match else None


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
)
"""The analyzers of this module, for the registry."""
