"""Kubernetes cluster-object analyzers: exposed ML tooling, broad RBAC, ingresses without TLS.

These look at objects other than pods: Services that put an ML tool (MLflow, Jupyter,
TensorBoard, the Ray dashboard, a model server's management API) on a node port or a cloud load
balancer; RBAC rules and bindings that hand out everything; and Ingresses that serve plain HTTP.
What counts as an ML tool — ports and name hints — comes from the check's parameters.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

from mlsec_policy.analyzers.base import AnalyzerSpec, FileContext, Observation
from mlsec_policy.analyzers.infra.tools import ExposedTools
from mlsec_policy.analyzers.params import NO_PARAMS, NoParams, Params
from mlsec_policy.analyzers.read.kubernetes import K8sObject, load_objects
from mlsec_policy.analyzers.read.yamldoc import is_true, mapping, sequence, unconditional
from mlsec_policy.models import ArtifactKind, JsonValue, Severity

EXPOSED_TYPES = frozenset({"LoadBalancer", "NodePort"})
TLS_ANNOTATIONS = re.compile(
    r"(certificate-arn|ssl-cert|pre-shared-cert|managed-certificates)", re.IGNORECASE
)
"""Annotations by which a cloud load balancer terminates TLS in front of an Ingress."""
TLS_SWITCHES = re.compile(r"(/ssl-passthrough|/router\.tls)$", re.IGNORECASE)
"""Annotations that, set to true, keep TLS on: nginx passes the client's TLS through to the
backend untouched (end to end); Traefik terminates it on the router with its own certificate."""


def exposed_tools(context: FileContext, params: ExposedTools) -> Iterable[Observation]:
    """Report LoadBalancer/NodePort Services whose ports or names say they front an ML tool."""
    ports = set(params.ports)
    names = params.name_pattern()
    objects = load_objects(context)
    named = _named_ports(objects)
    for obj in objects:
        if obj.kind != "Service":
            continue
        spec = mapping(obj.data.get("spec"))
        kind = spec.get("type")
        if kind not in EXPOSED_TYPES:
            continue
        labels = [obj.name, *(str(v) for v in mapping(spec.get("selector")).values())]
        named_tool = names is not None and any(names.search(label) for label in labels)
        for index, port in enumerate(sequence(spec.get("ports"))):
            entry = mapping(port)
            port_name = str(entry.get("name") or "")
            tool_port = bool(ports & _reached(entry, named))
            tool_name = named_tool or (names is not None and bool(names.search(port_name)))
            if not (tool_port or tool_name):
                continue
            reached = sorted(_reached(entry, named) - {entry.get("port")})
            via = f" (container port {reached[0]})" if reached else ""
            yield Observation(
                context.at(obj.doc.value_line(("spec", "ports", index))),
                message=f"Service/{obj.name} exposes port {entry.get('port')}{via} of an ML tool "
                f"through a {kind} service, outside the cluster",
                key=str(entry.get("port")),
            )


def _named_ports(objects: list[K8sObject]) -> dict[str, set[int]]:
    """Return the container port numbers of the file's pods, by port name."""
    named: dict[str, set[int]] = {}
    for obj in objects:
        for pod in obj.pods():
            for container in pod.containers:
                for port in sequence(container.data.get("ports")):
                    name, number = mapping(port).get("name"), mapping(port).get("containerPort")
                    if isinstance(name, str) and isinstance(number, int):
                        named.setdefault(name, set()).add(number)
    return named


def _reached(entry: Mapping[str, JsonValue], named: Mapping[str, set[int]]) -> set[int]:
    """Return the container port(s) a Service port forwards to: its target, not its number.

    A Service port 8888 that targets a token-checking proxy on 8988 fronts the proxy, not a
    notebook; a named target is looked up among the file's container ports.
    """
    target, number = entry.get("targetPort"), entry.get("port")
    if isinstance(target, int) and not isinstance(target, bool):
        return {target}
    if isinstance(target, str) and target in named:
        return named[target]
    return {number} if isinstance(number, int) and not isinstance(number, bool) else set()


def rbac_wildcards(context: FileContext, params: NoParams) -> Iterable[Observation]:
    """Report bindings to cluster-admin and (Cluster)Role rules with wildcard verbs or resources."""
    for obj in load_objects(context):
        if obj.kind in {"ClusterRoleBinding", "RoleBinding"}:
            role = mapping(obj.data.get("roleRef"))
            if role.get("name") == "cluster-admin":
                yield Observation(
                    context.at(obj.doc.line(("roleRef", "name"))),
                    message=f"{obj.kind}/{obj.name} grants cluster-admin",
                )
        elif obj.kind in {"ClusterRole", "Role"}:
            yield from _wildcard_rules(context, obj)


def _wildcard_rules(context: FileContext, obj: K8sObject) -> Iterable[Observation]:
    for index, rule in enumerate(sequence(obj.data.get("rules"))):
        entry = mapping(rule)
        wild = [
            field
            for field in ("verbs", "resources", "apiGroups")
            if "*" in [str(v) for v in sequence(entry.get(field))]
        ]
        if not {"verbs", "resources"} & set(wild):
            continue
        line = context.at(obj.doc.value_line(("rules", index)))
        groups = [str(g) for g in sequence(entry.get("apiGroups"))]
        if wild == ["verbs"] and groups and all(_custom_group(g) for g in groups):
            resources = ", ".join(str(r) for r in sequence(entry.get("resources")))
            yield Observation(
                line,
                message=f"{obj.kind}/{obj.name} grants every verb on {resources} "
                f"({', '.join(groups)}): full control of these custom resources, which is what "
                "an admin role for them is for; bind it only to their administrators",
                severity=Severity.MEDIUM,
                key=str(index),
            )
            continue
        yield Observation(
            line,
            message=f"{obj.kind}/{obj.name} grants '*' in {' and '.join(wild)}",
            key=str(index),
        )


def _custom_group(group: str) -> bool:
    """Return True for an API group of custom resources (not core, not a Kubernetes group)."""
    name = group.strip().lower()
    return "." in name and not name.endswith((".k8s.io", ".kubernetes.io")) and "*" not in name


def ingress_tls(context: FileContext, params: NoParams) -> Iterable[Observation]:
    """Report Ingresses with routing rules but no TLS section and no TLS annotation."""
    for obj in load_objects(context):
        if obj.kind != "Ingress":
            continue
        spec = obj.data.get("spec")
        if not isinstance(spec, Mapping) or "tls" in spec:
            continue
        if obj.doc.templated(("spec",)):
            continue
        annotations = mapping(mapping(obj.data.get("metadata")).get("annotations"))
        if any(TLS_ANNOTATIONS.search(str(key)) for key in annotations):
            continue
        if any(TLS_SWITCHES.search(str(k)) and is_true(v) for k, v in annotations.items()):
            continue
        if not sequence(spec.get("rules")) and "defaultBackend" not in spec:
            continue
        yield Observation(
            context.at(obj.doc.line(("spec",))),
            message=f"Ingress/{obj.name} has no tls section: traffic reaches it unencrypted",
        )


K8S = frozenset({ArtifactKind.KUBERNETES})

SPECS = (
    AnalyzerSpec(
        name="k8s-exposed-tools",
        description="LoadBalancer/NodePort Services in front of ML tooling (by port or name).",
        kinds=K8S,
        params=Params.beside(ExposedTools, __name__, "k8s-exposed-tools"),
        file=unconditional(exposed_tools),
    ),
    AnalyzerSpec(
        name="k8s-rbac-wildcards",
        description="cluster-admin bindings and RBAC rules with '*' verbs or resources.",
        kinds=K8S,
        params=NO_PARAMS,
        file=unconditional(rbac_wildcards),
    ),
    AnalyzerSpec(
        name="k8s-ingress-tls",
        description="Ingresses without a tls section or a TLS annotation.",
        kinds=K8S,
        params=NO_PARAMS,
        file=unconditional(ingress_tls),
    ),
)
"""The analyzers of this module, for the registry."""
