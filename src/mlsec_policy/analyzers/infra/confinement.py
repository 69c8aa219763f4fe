"""Analyzers of the kernel confinement a container gives up: seccomp, AppArmor and SELinux.

Docker and Kubernetes start containers under a seccomp filter (the runtime's default profile
blocks about fifty system calls used in container escapes) and, where the host has it, an
AppArmor or SELinux profile. Each can be switched off per container:

- compose: ``security_opt: [seccomp:unconfined, apparmor=unconfined, label:disable]``;
- Kubernetes: ``securityContext.seccompProfile.type: Unconfined`` (pod or container),
  ``appArmorProfile.type: Unconfined``, or the older annotations
  ``seccomp.security.alpha.kubernetes.io/pod: unconfined`` and
  ``container.apparmor.security.beta.kubernetes.io/<name>: unconfined``.

Each setting is reported at its own line. The file is read with line positions; nothing runs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from typing import cast

from mlsec_policy.analyzers.base import AnalyzerSpec, FileContext, Observation
from mlsec_policy.analyzers.params import NO_PARAMS, NoParams
from mlsec_policy.analyzers.read.compose import services
from mlsec_policy.analyzers.read.kubernetes import K8sObject, PodSpec, load_objects
from mlsec_policy.analyzers.read.yamldoc import mapping, sequence, unconditional
from mlsec_policy.models import ArtifactKind, JsonValue
from mlsec_policy.yamlpos import Path_

_COMPOSE_OPTION = re.compile(
    r"^\s*(?P<what>seccomp|apparmor|systempaths)\s*[:=]\s*unconfined\s*$"
    r"|^\s*(?P<label>label)\s*[:=]\s*disable\s*$",
    re.IGNORECASE,
)
_ANNOTATION = re.compile(
    r"^(?:container\.)?(?P<what>seccomp|apparmor)\.security\.(?:alpha|beta)\.kubernetes\.io/"
    r"(?P<target>.+)$"
)
_WHAT = {
    "seccomp": "seccomp system-call filtering",
    "apparmor": "its AppArmor profile",
    "systempaths": "the masking of /proc and /sys paths",
    "label": "SELinux labelling",
}


def compose_unconfined(context: FileContext, params: NoParams) -> Iterable[Observation]:
    """Report compose ``security_opt`` entries that switch a confinement off."""
    del params
    for service in services(context):
        for index, option in enumerate(sequence(service.data.get("security_opt"))):
            match = _COMPOSE_OPTION.match(str(option))
            if not match:
                continue
            what = (match.group("what") or match.group("label")).lower()
            yield Observation(
                context.at(service.doc.value_line((*service.path, "security_opt", index))),
                message=f"service {service.name!r} runs without {_WHAT[what]} "
                f"(security_opt {str(option).strip()})",
                key=what,
            )


def k8s_unconfined(context: FileContext, params: NoParams) -> Iterable[Observation]:
    """Report pods and containers whose seccomp or AppArmor profile is Unconfined."""
    del params
    for obj in load_objects(context):
        for pod in obj.pods():
            yield from _annotations(context, obj, pod)
            yield from _profiles(context, obj, pod.data, pod.path, "the pod")
            for container in (*pod.containers, *pod.others):
                who = f"container {container.name!r}"
                yield from _profiles(context, obj, container.data, container.path, who)


def _profiles(
    context: FileContext,
    obj: K8sObject,
    owner: Mapping[str, JsonValue],
    owner_path: Path_,
    who: str,
) -> Iterator[Observation]:
    path = (*owner_path, "securityContext")
    security = mapping(owner.get("securityContext"))
    for key, what in (("seccompProfile", "seccomp"), ("appArmorProfile", "apparmor")):
        kind = mapping(security.get(key)).get("type")
        if isinstance(kind, str) and kind.strip().lower() == "unconfined":
            yield Observation(
                context.at(obj.doc.value_line((*path, key, "type"))),
                message=f"{_where(obj)}: {who} runs without {_WHAT[what]} ({key}.type: Unconfined)",
                key=what,
            )


def _annotations(context: FileContext, obj: K8sObject, pod: PodSpec) -> Iterator[Observation]:
    """Report the legacy seccomp/AppArmor annotations of the pod template (or the Pod)."""
    parent = pod.path[:-1] if pod.path[-1:] == ("spec",) else None
    if parent is None:
        return
    path = (*parent, "metadata", "annotations")
    for name, value in _at(obj.data, path).items():
        match = _ANNOTATION.match(str(name))
        if match and str(value).strip().lower() == "unconfined":
            what = match.group("what")
            yield Observation(
                context.at(obj.doc.value_line((*path, name))),
                message=f"{_where(obj)}: {match.group('target')} runs without {_WHAT[what]} "
                f"(annotation {name}: unconfined)",
                key=what,
            )


def _at(data: Mapping[str, JsonValue], path: Path_) -> Mapping[str, JsonValue]:
    node = cast(JsonValue, data)
    for key in path:
        if isinstance(key, int):
            items = sequence(node)
            node = items[key] if key < len(items) else None
        else:
            node = mapping(node).get(key)
    return mapping(node)


def _where(obj: K8sObject) -> str:
    return f"{obj.kind}/{obj.name}" if obj.name else obj.kind


SPECS = (
    AnalyzerSpec(
        name="compose-unconfined",
        description="Compose services whose security_opt switches off seccomp, AppArmor, "
        "SELinux labelling or path masking.",
        kinds=frozenset({ArtifactKind.COMPOSE}),
        params=NO_PARAMS,
        file=compose_unconfined,
    ),
    AnalyzerSpec(
        name="k8s-unconfined",
        description="Pods and containers whose seccomp or AppArmor profile is Unconfined "
        "(securityContext or annotations).",
        kinds=frozenset({ArtifactKind.KUBERNETES}),
        params=NO_PARAMS,
        file=unconditional(k8s_unconfined),
    ),
)
"""The analyzers of this module, for the registry."""
