"""Analyzer ``ray-dashboard-exposure``: a Ray head whose dashboard listens on every interface.

The Ray dashboard port also serves the Jobs API, which runs whatever it is sent. Binding it to
``0.0.0.0`` is only a finding where a Ray *head* starts with it, and how bad it is depends on
who can then reach the port:

- a worker's ``rayStartParams`` (or ``ray start`` without ``--head``) starts no dashboard;
- a test suite that feeds the value to a chart (helm-unittest ``set:``/``asserts:``) starts
  nothing;
- a cluster with token authentication (KubeRay ``authOptions: {mode: token}``,
  ``RAY_AUTH_MODE=token``) no longer runs unauthenticated jobs;
- on Kubernetes the head Service decides: ``ClusterIP`` (KubeRay's default) keeps the port
  inside the cluster, where every pod can still submit jobs (high); a ``NodePort`` or
  ``LoadBalancer`` service, the host's network, or an Ingress/Route in the same file to the
  dashboard put it outside (critical); so does a compose port published on a non-loopback
  address, and ``ray start --head`` on a machine (a shell script, a cluster launcher's head
  commands).

The files are read by indentation (:mod:`..read.outline`), not parsed: templated manifests
(``{{.Name}}``) and JSON examples say where the setting sits just as well.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from mlsec_policy.analyzers.base import AnalyzerSpec, FileContext, Observation
from mlsec_policy.analyzers.params import NO_PARAMS, NoParams
from mlsec_policy.analyzers.read.commands import commands
from mlsec_policy.analyzers.read.outline import Outline
from mlsec_policy.analyzers.read.yamldoc import unconditional
from mlsec_policy.models import ArtifactKind, Severity

_ANY_HOST = r"""(?:0\.0\.0\.0|::|\[::\])(?![\w.:\]])"""
KEY_FORM = re.compile(
    rf"""^\s*(?:-\s+)?["']?dashboard-host["']?\s*:\s*["']?{_ANY_HOST}["']?\s*,?\s*(?:#.*)?$"""
)
FLAG_FORM = re.compile(rf"""--dashboard-host(?:\s*=\s*|\s+)["']?{_ANY_HOST}""")
_RAY_START = re.compile(r"\bray\s+start\b")
_HEAD_FLAG = re.compile(r"--head\b")
_TOKEN_AUTH = (
    re.compile(r"(?ms)^\s*authOptions\s*:\s*$.*?^\s*mode\s*:\s*[\"']?token\b"),
    re.compile(r"(?m)^\s*enableK8sTokenAuth\s*:\s*[\"']?true\b"),
    re.compile(r"""RAY_AUTH_MODE["']?\s*[:=]\s*["']?token\b"""),
    re.compile(r"""(?m)name\s*:\s*["']?RAY_AUTH_MODE["']?\s*\n\s*value\s*:\s*["']?token\b"""),
)
_SUITE = re.compile(r"(?m)^suite\s*:")
_SUITE_TESTS = (re.compile(r"(?m)^tests\s*:"), re.compile(r"(?m)^\s*(?:-\s+)?asserts\s*:"))
_EXPOSED_SERVICE = re.compile(r"(?m)^\s*(?:serviceType|type)\s*:\s*[\"']?(NodePort|LoadBalancer)\b")
_HOST_NETWORK = re.compile(r"(?m)^\s*hostNetwork\s*:\s*[\"']?true\b")
_ROUTE_KIND = re.compile(r"(?m)^kind\s*:\s*[\"']?(Ingress|Route|HTTPRoute|IngressRoute)\b")
_SERVICE_KIND = re.compile(r"(?m)^kind\s*:\s*[\"']?Service\b")
_DASHBOARD_PORT = re.compile(r"\b8265\b|dashboard", re.IGNORECASE)
_PORT_ENTRY = re.compile(r"""(?m)^\s*-\s*["']?([^"'\s#]+)""")
_LOOPBACK = ("127.", "localhost", "[::1]", "::1")
DASHBOARD_PORT = "8265"

WHAT = "the Ray dashboard (and the job API it serves) listens on every interface"
_IN_CLUSTER = (
    " of the head pod: no NodePort, LoadBalancer, Ingress or host network here takes it out of "
    "the cluster, but every pod in the cluster can submit jobs, that is run code"
)
_IN_COMPOSE = (
    " of the container: its port is not published here, but every container on the compose "
    "network can submit jobs, that is run code"
)
FIX = "; turn on token authentication (KubeRay authOptions mode: token, RAY_AUTH_MODE=token)"


def ray_dashboard(context: FileContext, params: NoParams) -> Iterable[Observation]:
    """Report Ray heads started with the dashboard on all interfaces, graded by exposure."""
    text = context.read_text()
    if "dashboard-host" not in text:
        return
    kind = context.artifact.kind
    if kind in {ArtifactKind.SHELL, ArtifactKind.DOCKERFILE}:
        if not _authenticated(text, whole_file=True):
            yield from _commands(context)
    elif not _test_suite(text):
        yield from _settings(context, Outline.of(text), kind)


def _commands(context: FileContext) -> Iterator[Observation]:
    """Shell scripts (on a machine) and a Dockerfile's start command (in a container)."""
    shell = context.artifact.kind is ArtifactKind.SHELL
    lines = context.read_text().splitlines()
    for command in commands(context):
        if command.source != ("script" if shell else "start"):
            continue
        if not FLAG_FORM.search(command.text) or _is_worker_command(command.text):
            continue
        last = max(command.last, command.line)
        line = next(
            (n for n in range(command.line, last + 1) if "--dashboard-host" in lines[n - 1]),
            command.line,
        )
        if shell:
            yield _critical(context, line, " of the machine that runs this script")
        else:
            yield Observation(
                context.at(line),
                message=f"{WHAT} of the container: wherever port {DASHBOARD_PORT} is "
                "published, anyone who reaches it can submit jobs, that is run code" + FIX,
                severity=Severity.HIGH,
            )


def _settings(context: FileContext, outline: Outline, kind: ArtifactKind) -> Iterator[Observation]:
    """Manifests, compose files and configuration: the key form and the flag form."""
    for number, raw in enumerate(outline.lines, start=1):
        if not outline.is_content(number):
            continue
        keyed = KEY_FORM.match(raw) is not None
        if not keyed and not FLAG_FORM.search(raw):
            continue
        chain = [key for _line, key in outline.ancestors(number)]
        role = _role(chain)
        if role == "worker" or (not keyed and _worker_flag(outline, number)):
            continue
        first, last = outline.document(number)
        document = outline.content(first, last)
        if _authenticated(document, whole_file=False):
            continue
        if role == "machine":
            yield _critical(context, number, " of the head node's machine")
            continue
        how = (
            _published(_service_block(outline, number))
            if kind is ArtifactKind.COMPOSE
            else _exposure(document, outline, (first, last))
        )
        if how:
            yield _critical(context, number, how)
            continue
        yield Observation(
            context.at(number),
            message=WHAT + (_IN_COMPOSE if kind is ArtifactKind.COMPOSE else _IN_CLUSTER) + FIX,
            severity=Severity.HIGH,
        )


def _critical(context: FileContext, line: int, how: str) -> Observation:
    return Observation(
        context.at(line),
        message=f"{WHAT}{how}: anyone who reaches port {DASHBOARD_PORT} can submit jobs, "
        "that is run code with the cluster's data and credentials" + FIX,
        severity=Severity.CRITICAL,
    )


def _role(chain: list[str]) -> str:
    """Return ``worker``, ``machine`` (a launcher's head commands) or ``head`` for a setting."""
    for key in chain:
        lowered = key.lower()
        if "worker" in lowered:
            return "worker"
        if lowered.startswith("head_") and "command" in lowered:
            return "machine"
        if "head" in lowered:
            return "head"
    return "head"


def _is_worker_command(text: str) -> bool:
    return _RAY_START.search(text) is not None and _HEAD_FLAG.search(text) is None


def _worker_flag(outline: Outline, number: int) -> bool:
    """Return True when a ``--dashboard-host`` flag belongs to a ``ray start`` without --head."""
    line = outline.lines[number - 1]
    if _RAY_START.search(line):
        return _is_worker_command(line)
    ancestors = outline.ancestors(number)
    if not ancestors:
        return False
    parent = ancestors[0][0]
    return _is_worker_command(outline.content(parent, outline.block_end(parent)))


def _authenticated(text: str, *, whole_file: bool) -> bool:
    """Return True when the text turns on Ray's token authentication.

    For a whole file only the environment forms count (a script or Dockerfile that exports
    ``RAY_AUTH_MODE=token``); a manifest's ``authOptions`` count per document.
    """
    patterns = _TOKEN_AUTH[2:3] if whole_file else _TOKEN_AUTH
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    content = "\n".join(lines)
    return any(pattern.search(content) for pattern in patterns)


def _test_suite(text: str) -> bool:
    """Return True for a chart test suite (helm-unittest), whose values are inputs."""
    return _SUITE.search(text) is not None or all(p.search(text) for p in _SUITE_TESTS)


def _exposure(document: str, outline: Outline, span: tuple[int, int]) -> str | None:
    """Return how the dashboard of a manifest's head becomes reachable from outside, or None."""
    service = _EXPOSED_SERVICE.search(document)
    if service:
        return f", and the head is exposed through a {service.group(1)} service"
    if _HOST_NETWORK.search(document):
        return ", and the head pod shares the node's network (hostNetwork: true)"
    for first, last in _documents(outline):
        if (first, last) == span:
            continue
        other = outline.content(first, last)
        route = _ROUTE_KIND.search(other)
        if route and _DASHBOARD_PORT.search(other):
            return f", and an {route.group(1)} in this file routes to the dashboard"
        exposed = _EXPOSED_SERVICE.search(other)
        if _SERVICE_KIND.search(other) and exposed and DASHBOARD_PORT in other:
            return f", and a {exposed.group(1)} service in this file exposes port {DASHBOARD_PORT}"
    return None


def _service_block(outline: Outline, number: int) -> str:
    """Return the text of the compose service that line ``number`` belongs to."""
    ancestors = outline.ancestors(number)
    for index, (_line, key) in enumerate(ancestors):
        if key == "services" and index > 0:
            start = ancestors[index - 1][0]
            return outline.content(start, outline.block_end(start))
    return outline.content(*outline.document(number))


def _published(service: str) -> str | None:
    """Return how a compose service publishes the dashboard port on a non-loopback address."""
    for match in _PORT_ENTRY.finditer(service):
        parts = match.group(1).split("/", 1)[0].rsplit(":", 2)
        if len(parts) < 2 or parts[-1] != DASHBOARD_PORT:
            continue
        if len(parts) == 3 and parts[0].startswith(_LOOPBACK):
            continue
        return f", and port {DASHBOARD_PORT} is published on the host's interfaces"
    return None


def _documents(outline: Outline) -> Iterator[tuple[int, int]]:
    first = 1
    for index, raw in enumerate(outline.lines):
        if raw.strip() == "---":
            if index >= first:
                yield first, index
            first = index + 2
    if first <= len(outline.lines):
        yield first, len(outline.lines)


SPEC = AnalyzerSpec(
    name="ray-dashboard-exposure",
    description="Ray heads whose dashboard/job API listens on every interface, graded by who "
    "can reach it (worker settings, test suites and token-authenticated clusters excluded).",
    kinds=frozenset(
        {
            ArtifactKind.SHELL,
            ArtifactKind.DOCKERFILE,
            ArtifactKind.COMPOSE,
            ArtifactKind.KUBERNETES,
            ArtifactKind.CONFIG,
        }
    ),
    params=NO_PARAMS,
    file=unconditional(ray_dashboard),
)
"""The analyzer of this module, for the registry."""
