"""Kubernetes pod analyzers: privileges, host access, security context, limits, probes, tokens.

Each analyzer walks the pods of a manifest (see :mod:`mlsec_policy.analyzers.read.kubernetes`) and
reports at the line of the offending setting, or — for a missing setting — at the container or
pod it is missing from. "Missing" is only claimed when it is certain: a container that is a
fragment (a kustomize patch without an image) or a Helm template that injects content into the
node in question is left alone. So is a kustomize patch (a file a kustomization applies with
``patches``/``patchesStrategicMerge``): it says what changes, not the whole object, so it is
never judged for what it lacks — its base is — only for a security setting it weakens.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from mlsec_policy.analyzers.base import AnalyzerSpec, FileContext, Observation
from mlsec_policy.analyzers.params import NO_PARAMS, NoParams, Params
from mlsec_policy.analyzers.read.kubernetes import Container, K8sObject, PodSpec, load_objects
from mlsec_policy.analyzers.read.kustomize import overlays
from mlsec_policy.analyzers.read.yamldoc import (
    is_templated_value,
    is_true,
    mapping,
    sequence,
    unconditional,
)
from mlsec_policy.models import ArtifactKind, JsonValue


@dataclass(frozen=True, slots=True)
class Privileged:
    """Parameters of ``k8s-privileged``."""

    capabilities: tuple[str, ...] = ()
    """Capabilities a container must not add."""


@dataclass(frozen=True, slots=True)
class HostAccess:
    """Parameters of ``k8s-host-access``."""

    namespaces: bool = True
    """Report pods that share the host's network, PID or IPC namespace."""
    paths: tuple[str, ...] = ()
    """Host paths (shell patterns) whose mounts are reported (empty: every path)."""
    exclude_paths: tuple[str, ...] = ()
    """Host paths whose mounts are not reported."""


Hardening = Literal[
    "non-root", "no-privilege-escalation", "read-only-root-filesystem", "drop-all-capabilities"
]


@dataclass(frozen=True, slots=True)
class SecurityContext:
    """Parameters of ``k8s-security-context``."""

    require: tuple[Hardening, ...]
    """The hardening settings every container must have."""


@dataclass(frozen=True, slots=True)
class ResourceLimits:
    """Parameters of ``k8s-resource-limits``."""

    resources: tuple[str, ...] = ()
    """Resources every container must limit (empty: cpu and memory)."""


@dataclass(frozen=True, slots=True)
class Probes:
    """Parameters of ``k8s-probes``."""

    probes: tuple[Literal["readinessProbe", "livenessProbe", "startupProbe"], ...] = ()
    """Probes a serving container must declare (empty: readiness and liveness)."""


def _label(obj: K8sObject, container: Container | None = None) -> str:
    where = f"{obj.kind}/{obj.name}" if obj.name else obj.kind
    return f"{where} container {container.name!r}" if container else where


def _all_containers(pod: PodSpec) -> tuple[Container, ...]:
    return (*pod.containers, *pod.others)


def privileged(context: FileContext, params: Privileged) -> Iterable[Observation]:
    """Report privileged containers, allowed privilege escalation and dangerous capabilities."""
    dangerous = {c.upper() for c in params.capabilities}
    for obj in load_objects(context):
        for pod in obj.pods():
            for container in _all_containers(pod):
                context_path = (*container.path, "securityContext")
                security = mapping(container.data.get("securityContext"))
                if is_true(security.get("privileged")):
                    yield Observation(
                        context.at(obj.doc.line((*context_path, "privileged"))),
                        message=f"{_label(obj, container)} runs privileged, with every "
                        "device and capability of the host",
                    )
                if is_true(security.get("allowPrivilegeEscalation")):
                    yield Observation(
                        context.at(obj.doc.line((*context_path, "allowPrivilegeEscalation"))),
                        message=f"{_label(obj, container)} allows privilege escalation",
                    )
                added = sequence(mapping(security.get("capabilities")).get("add"))
                for index, capability in enumerate(added):
                    name = str(capability).upper().removeprefix("CAP_")
                    if name in dangerous:
                        line = obj.doc.value_line((*context_path, "capabilities", "add", index))
                        yield Observation(
                            context.at(line),
                            message=f"{_label(obj, container)} adds the {name} capability",
                            key=name,
                        )


def host_access(context: FileContext, params: HostAccess) -> Iterable[Observation]:
    """Report pods sharing host namespaces and hostPath volumes (filtered by path patterns)."""
    include = params.paths or ("*",)
    exclude = params.exclude_paths
    for obj in load_objects(context):
        for pod in obj.pods():
            if params.namespaces:
                for key in ("hostNetwork", "hostPID", "hostIPC"):
                    if is_true(pod.data.get(key)):
                        yield Observation(
                            context.at(obj.doc.line((*pod.path, key))),
                            message=f"{_label(obj)} sets {key}: true and shares the host's "
                            f"{key.removeprefix('host').lower()} namespace",
                        )
            for index, volume in enumerate(sequence(pod.data.get("volumes"))):
                host_path = mapping(mapping(volume).get("hostPath")).get("path")
                if not isinstance(host_path, str) or is_templated_value(host_path):
                    continue
                normal = "/" + host_path.strip().strip("/")
                if not _matches(normal, include) or _matches(normal, exclude):
                    continue
                yield Observation(
                    context.at(obj.doc.line((*pod.path, "volumes", index, "hostPath"))),
                    message=f"{_label(obj)} mounts the host path {host_path}",
                    key=normal,
                )


def _matches(path: str, patterns: Sequence[str]) -> bool:
    return any(fnmatch.fnmatchcase(path, pattern) for pattern in patterns)


def security_context(context: FileContext, params: SecurityContext) -> Iterable[Observation]:
    """Report containers whose security context lacks the hardening settings required."""
    required = params.require
    if _is_patch(context):
        yield from _weakened(context)
        return
    for obj in load_objects(context):
        for pod in obj.pods():
            pod_context = mapping(pod.data.get("securityContext"))
            pod_unknown = obj.doc.templated((*pod.path, "securityContext")) or any(
                is_templated_value(v) for v in pod_context.values()
            )
            for container in pod.containers:
                if container.partial or obj.doc.templated(container.path):
                    continue
                own = container.data.get("securityContext")
                if is_templated_value(own):
                    continue
                missing = [
                    text
                    for key, text in _missing_settings(mapping(own), pod_context, required)
                    if not (pod_unknown and key == "non-root")
                ]
                if missing:
                    yield Observation(
                        context.at(obj.doc.line(container.path)),
                        message=f"{_label(obj, container)} does not set "
                        + ", ".join(missing)
                        + " in its securityContext",
                    )


def _is_patch(context: FileContext) -> bool:
    return overlays(context).is_patch(context.artifact.path)


def _weakened(context: FileContext) -> Iterator[Observation]:
    """Report a patch that turns a container (or its pod) to root or a writable root."""
    for obj in load_objects(context):
        for pod in obj.pods():
            places = [(pod.path, obj.doc, _label(obj), mapping(pod.data.get("securityContext")))]
            places.extend(
                (c.path, obj.doc, _label(obj, c), mapping(c.data.get("securityContext")))
                for c in pod.containers
            )
            for path, doc, label, security in places:
                user = security.get("runAsUser")
                root_user = isinstance(user, int) and not isinstance(user, bool) and user == 0
                for key in ("runAsNonRoot", "runAsUser"):
                    if (key == "runAsUser" and root_user) or (
                        key == "runAsNonRoot" and security.get(key) is False
                    ):
                        yield Observation(
                            context.at(doc.line((*path, "securityContext", key))),
                            message=f"the patch makes {label} run as root ({key}: "
                            f"{str(security.get(key)).lower()})",
                            key=key,
                        )
                if security.get("readOnlyRootFilesystem") is False:
                    yield Observation(
                        context.at(doc.line((*path, "securityContext", "readOnlyRootFilesystem"))),
                        message=f"the patch gives {label} a writable root filesystem",
                    )


def _missing_settings(
    own: Mapping[str, JsonValue], pod: Mapping[str, JsonValue], required: Sequence[Hardening]
) -> Iterator[tuple[str, str]]:
    """Yield (requirement, what to set) for each required setting the container lacks."""
    if "non-root" in required and not _non_root(own, pod):
        yield "non-root", "runAsNonRoot: true (or a non-zero runAsUser)"
    if "no-privilege-escalation" in required and own.get("allowPrivilegeEscalation") is not False:
        yield "no-privilege-escalation", "allowPrivilegeEscalation: false"
    if "read-only-root-filesystem" in required and not is_true(own.get("readOnlyRootFilesystem")):
        yield "read-only-root-filesystem", "readOnlyRootFilesystem: true"
    if "drop-all-capabilities" in required:
        dropped = {str(c).upper() for c in sequence(mapping(own.get("capabilities")).get("drop"))}
        if "ALL" not in dropped:
            yield "drop-all-capabilities", "capabilities.drop: [ALL]"


def _non_root(own: Mapping[str, JsonValue], pod: Mapping[str, JsonValue]) -> bool:
    user = own.get("runAsUser", pod.get("runAsUser"))
    if isinstance(user, int) and not isinstance(user, bool):
        return user != 0
    non_root = own.get("runAsNonRoot", pod.get("runAsNonRoot"))
    return is_true(non_root)


def resource_limits(context: FileContext, params: ResourceLimits) -> Iterable[Observation]:
    """Report containers without limits for the listed resources (and for GPUs they request)."""
    wanted = params.resources or ("cpu", "memory")
    if _is_patch(context):
        return
    for obj in load_objects(context):
        for pod in obj.pods():
            for container in pod.containers:
                if container.partial or obj.doc.templated(container.path):
                    continue
                resources = container.data.get("resources")
                if is_templated_value(resources):
                    continue
                limits = mapping(mapping(resources).get("limits"))
                requests = mapping(mapping(resources).get("requests"))
                accelerators = [r for r in requests if "gpu" in r.lower() and r not in limits]
                missing = [r for r in wanted if r not in limits] + accelerators
                if missing:
                    yield Observation(
                        context.at(obj.doc.line(container.path)),
                        message=f"{_label(obj, container)} has no resource limit for "
                        + ", ".join(missing),
                    )


def probes(context: FileContext, params: Probes) -> Iterable[Observation]:
    """Report serving containers (long-running, with ports) that lack health probes."""
    wanted = params.probes or ("readinessProbe", "livenessProbe")
    if _is_patch(context):
        return
    for obj in load_objects(context):
        if not obj.serving:
            continue
        for pod in obj.pods():
            for container in pod.containers:
                if container.partial or obj.doc.templated(container.path):
                    continue
                if not sequence(container.data.get("ports")):
                    continue
                missing = [p for p in wanted if p not in container.data]
                if missing:
                    yield Observation(
                        context.at(obj.doc.line(container.path)),
                        message=f"{_label(obj, container)} serves on a port but has no "
                        + " or ".join(missing),
                    )


def service_account_token(context: FileContext, params: NoParams) -> Iterable[Observation]:
    """Report serving pods on the default service account that still mount its API token."""
    if _is_patch(context):
        return
    for obj in load_objects(context):
        if not obj.serving:
            continue
        for pod in obj.pods():
            if obj.doc.templated(pod.path) or not any(
                sequence(c.data.get("ports")) for c in pod.containers
            ):
                continue
            account = pod.data.get("serviceAccountName", pod.data.get("serviceAccount"))
            if account not in (None, "", "default"):
                continue
            if pod.data.get("automountServiceAccountToken") is False:
                continue
            token_key = (*pod.path, "automountServiceAccountToken")
            line = obj.doc.line(token_key if token_key[-1] in pod.data else pod.path)
            yield Observation(
                context.at(line),
                message=f"{_label(obj)} runs on the default service account and mounts its "
                "Kubernetes API token",
            )


K8S = frozenset({ArtifactKind.KUBERNETES})

SPECS = (
    AnalyzerSpec(
        name="k8s-privileged",
        description="Privileged containers, allowed privilege escalation, dangerous capabilities.",
        kinds=K8S,
        params=Params.beside(Privileged, __name__, "k8s-privileged"),
        file=unconditional(privileged),
    ),
    AnalyzerSpec(
        name="k8s-host-access",
        description="Pods sharing host namespaces (hostNetwork/hostPID/hostIPC) or host paths.",
        kinds=K8S,
        params=Params.beside(HostAccess, __name__, "k8s-host-access"),
        file=unconditional(host_access),
    ),
    AnalyzerSpec(
        name="k8s-security-context",
        description="Containers whose securityContext lacks the required hardening settings.",
        kinds=K8S,
        params=Params.beside(SecurityContext, __name__, "k8s-security-context"),
        file=unconditional(security_context),
    ),
    AnalyzerSpec(
        name="k8s-resource-limits",
        description="Containers without resource limits (and GPU requests without GPU limits).",
        kinds=K8S,
        params=Params.beside(ResourceLimits, __name__, "k8s-resource-limits"),
        file=unconditional(resource_limits),
    ),
    AnalyzerSpec(
        name="k8s-probes",
        description="Long-running containers that declare ports but no health probes.",
        kinds=K8S,
        params=Params.beside(Probes, __name__, "k8s-probes"),
        file=unconditional(probes),
    ),
    AnalyzerSpec(
        name="k8s-service-account-token",
        description="Serving pods on the default service account that mount its API token.",
        kinds=K8S,
        params=NO_PARAMS,
        file=unconditional(service_account_token),
    ),
)
"""The analyzers of this module, for the registry."""
