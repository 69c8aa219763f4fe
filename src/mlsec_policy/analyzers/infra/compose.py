"""docker-compose analyzers: host-level privileges and ML tools published on every interface.

A compose file is read safely with line positions. ``services`` is walked; each setting that
hands a container the host — ``privileged``, the host's network/PID/IPC namespace, the Docker
socket, dangerous capabilities — and each published port of an ML tool reachable from the
network is reported at its own line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass

from mlsec_policy.analyzers.base import AnalyzerSpec, FileContext, Observation
from mlsec_policy.analyzers.infra.tools import ExposedTools
from mlsec_policy.analyzers.params import Params
from mlsec_policy.analyzers.read.compose import Service, services
from mlsec_policy.analyzers.read.yamldoc import is_true, mapping, sequence
from mlsec_policy.models import ArtifactKind, JsonValue, Severity

LOOPBACK = ("127.", "localhost", "[::1]", "::1")
_PORT_RANGE = re.compile(r"^(\d+)(?:-(\d+))?$")


@dataclass(frozen=True, slots=True)
class HostPrivileges:
    """Parameters of ``compose-host-privileges``."""

    sockets: tuple[str, ...] = ()
    """Paths of container runtime sockets (``docker.sock``...) a service must not mount."""
    capabilities: tuple[str, ...] = ()
    """Capabilities a service must not add."""
    host_pid_capabilities: tuple[str, ...] = ()
    """Capabilities that reach the host only through its PID namespace (``pid: host``):
    ``SYS_PTRACE`` can trace just the processes the container sees. With ``pid: host`` they
    are reported like ``capabilities``; without it, at low severity (a debugging capability
    left in a deployment, confined to the container's own processes)."""
    report_sockets: bool = True
    report_other: bool = True
    """Report privileged mode, host namespaces and capabilities."""


def host_privileges(context: FileContext, params: HostPrivileges) -> Iterable[Observation]:
    """Report privileged services, host namespaces, socket mounts and dangerous capabilities."""
    sockets = params.sockets
    dangerous = {c.upper() for c in params.capabilities}
    with_host_pid = {c.upper() for c in params.host_pid_capabilities}
    for service in services(context):
        label = f"service {service.name!r}"
        if params.report_other:
            own_pid = set() if _host(service.data, "pid") else with_host_pid
            yield from _namespace_findings(
                context, service, label, dangerous | with_host_pid, own_pid
            )
        if params.report_sockets:
            for index, volume in enumerate(sequence(service.data.get("volumes"))):
                source = _volume_source(volume)
                if source and any(source.rstrip("/").endswith(s) for s in sockets):
                    yield Observation(
                        context.at(service.doc.value_line((*service.path, "volumes", index))),
                        message=f"{label} mounts the container runtime socket {source}: "
                        "whoever controls the container controls the host",
                        key=source,
                    )


def _namespace_findings(
    context: FileContext, service: Service, label: str, dangerous: set[str], confined: set[str]
) -> Iterator[Observation]:
    """Report privileged mode, host namespaces and capabilities (``confined`` ones: low)."""
    data = service.data
    if is_true(data.get("privileged")):
        yield Observation(
            context.at(service.line("privileged")), message=f"{label} runs privileged"
        )
    for key in ("network_mode", "pid", "ipc", "userns_mode", "uts"):
        if _host(data, key):
            yield Observation(
                context.at(service.line(key)),
                message=f"{label} sets {key}: host and shares the host's namespace",
                key=key,
            )
    for index, capability in enumerate(sequence(data.get("cap_add"))):
        name = str(capability).upper().removeprefix("CAP_")
        if name not in dangerous:
            continue
        at = context.at(service.doc.value_line((*service.path, "cap_add", index)))
        if name in confined:
            yield Observation(
                at,
                message=f"{label} adds the {name} capability; without pid: host it reaches "
                "only the container's own processes (keep debugging capabilities out of "
                "deployments)",
                severity=Severity.LOW,
                key=name,
            )
        else:
            yield Observation(at, message=f"{label} adds the {name} capability", key=name)


def _host(data: Mapping[str, JsonValue], key: str) -> bool:
    """Return True when the service sets ``key: host`` (shares that host namespace)."""
    return str(data.get(key, "")).strip().lower() == "host"


def _volume_source(volume: JsonValue) -> str | None:
    if isinstance(volume, str):
        return volume.split(":", 1)[0] if ":" in volume else None
    source = mapping(volume).get("source")
    return source if isinstance(source, str) else None


def exposed_tools(context: FileContext, params: ExposedTools) -> Iterable[Observation]:
    """Report ports of ML tools published on all interfaces (not bound to the loopback)."""
    tool_ports = set(params.ports)
    names = params.name_pattern()
    for service in services(context):
        is_tool = names is not None and names.search(service.text()) is not None
        for index, entry in enumerate(sequence(service.data.get("ports"))):
            host_ip, container_ports = _published(entry)
            if host_ip.startswith(LOOPBACK):
                continue
            if not (is_tool or tool_ports & container_ports):
                continue
            shown = ", ".join(str(p) for p in sorted(container_ports)) or "?"
            yield Observation(
                context.at(service.doc.value_line((*service.path, "ports", index))),
                message=f"service {service.name!r} publishes ML tool port {shown} on every "
                "network interface of the host",
                key=shown,
            )


def _published(entry: JsonValue) -> tuple[str, set[int]]:
    """Return (host IP, container ports) of a ``ports`` entry; every entry is published."""
    if isinstance(entry, Mapping):  # long syntax: published (or given a random port)
        target = entry.get("target")
        ports = {target} if isinstance(target, int) else _ports(str(target))
        return str(entry.get("host_ip") or ""), ports
    text = str(entry).split("/", 1)[0].strip()
    if text.startswith("["):  # [::1]:8888:8888
        host, _, rest = text[1:].partition("]:")
        return host, _ports(rest.rsplit(":", 1)[-1])
    parts = text.split(":")
    host_ip = parts[0] if len(parts) == 3 else ""
    return host_ip, _ports(parts[-1])


def _ports(text: str) -> set[int]:
    match = _PORT_RANGE.match(text.strip())
    if not match:
        return set()
    first = int(match.group(1))
    last = int(match.group(2) or first)
    return set(range(first, min(last, first + 1000) + 1))


COMPOSE = frozenset({ArtifactKind.COMPOSE})

SPECS = (
    AnalyzerSpec(
        name="compose-host-privileges",
        description="Compose services that are privileged, share host namespaces or mount "
        "the container runtime socket.",
        kinds=COMPOSE,
        params=Params.beside(HostPrivileges, __name__, "compose-host-privileges"),
        file=host_privileges,
    ),
    AnalyzerSpec(
        name="compose-exposed-tools",
        description="Compose services publishing ML tool ports on all host interfaces.",
        kinds=COMPOSE,
        params=Params.beside(ExposedTools, __name__, "compose-exposed-tools"),
        file=exposed_tools,
    ),
)
"""The analyzers of this module, for the registry."""
