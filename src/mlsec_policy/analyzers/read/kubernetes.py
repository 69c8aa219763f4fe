"""Read Kubernetes manifests and Helm templates, and find every pod and container in them.

The walker is shared by the Kubernetes analyzers. It reads each YAML document safely (through
:mod:`mlsec_policy.yamlpos`, so every value keeps its line), and finds pod specifications
wherever they sit: in a Pod, in the template of a Deployment, StatefulSet, DaemonSet, Job or
CronJob, and in the custom resources ML platforms use (KServe InferenceService, Seldon, Kubeflow
training jobs, Ray clusters, Argo workflows...). Any mapping with a ``containers`` list of
mappings is a pod spec; KServe's framework predictors (``predictor.sklearn`` and friends) are
read as containers of their component.

Helm templates are read through the same neutralised view the semgrep engine uses. A template
can inject whole blocks (``{{- toYaml .Values.securityContext | nindent 12 }}``); the lines of
such *output* actions are remembered, so that "missing X" checks can tell a setting that is
truly absent from one the chart fills in from its values — and stay silent on the latter.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import cast

from mlsec_policy.analyzers.base import FileContext
from mlsec_policy.analyzers.read.yamldoc import (
    Mapping_,
    YamlDoc,
    display_name,
    file_docs,
    mapping,
    sequence,
    yaml_docs,
)
from mlsec_policy.models import JsonValue
from mlsec_policy.views.helm import TEMPLATE_FORMATS
from mlsec_policy.yamlpos import Path_

SERVING_KINDS = frozenset(
    {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Pod"}
)
"""Core workloads that run long-lived processes (serving when they declare ports)."""

KSERVE_COMPONENTS = ("predictor", "transformer", "explainer")
KSERVE_FRAMEWORK_HINTS = frozenset(
    {"storageUri", "modelFormat", "runtimeVersion", "protocolVersion"}
)


@dataclass(frozen=True, slots=True)
class Container:
    """A container (or container-like model spec) of a pod."""

    data: Mapping_
    path: Path_
    group: str
    """``containers``, ``initContainers``, ``ephemeralContainers`` or a KServe framework key."""

    @property
    def name(self) -> str:
        """Return the container's name, or its group when it has none."""
        name = self.data.get("name")
        return name if isinstance(name, str) else self.group

    @property
    def partial(self) -> bool:
        """Return True for a fragment (a kustomize patch) rather than a full container."""
        return self.group in {"containers", "initContainers"} and "image" not in self.data


@dataclass(frozen=True, slots=True)
class PodSpec:
    """A pod specification found in a document."""

    data: Mapping_
    path: Path_
    containers: tuple[Container, ...]
    """Main containers (and KServe model specs); init and ephemeral ones are in ``others``."""
    others: tuple[Container, ...]


@dataclass(frozen=True, slots=True)
class K8sObject:
    """One Kubernetes object (a YAML document with ``kind``)."""

    doc: YamlDoc
    kind: str
    name: str
    data: Mapping_

    def pods(self) -> Iterator[PodSpec]:
        """Yield every pod spec of the object."""
        yield from _pods(self.data, (), self.kind)

    @property
    def serving(self) -> bool:
        """Return True for a long-running core workload (Deployment, StatefulSet, Pod...)."""
        return self.kind in SERVING_KINDS


def load_objects(context: FileContext) -> list[K8sObject]:
    """Read every Kubernetes object of a manifest or Helm template.

    Raises :class:`AnalyzerError` when the file (or its Helm view) is not valid YAML: an
    unreadable manifest is never a pass.
    """
    helm = context.artifact.format in TEMPLATE_FORMATS

    def read() -> list[K8sObject]:
        docs = file_docs(context, helm=helm)
        return [obj for doc in docs if (obj := _object(doc)) is not None]

    return context.remember("k8s-objects", read)


def objects_from_text(text: str, *, helm: bool) -> list[K8sObject]:
    """Read the Kubernetes objects of manifest ``text`` (a Helm template when ``helm``)."""
    return [obj for doc in yaml_docs(text, helm=helm) if (obj := _object(doc)) is not None]


def _object(doc: YamlDoc) -> K8sObject | None:
    data = doc.data
    if not isinstance(data, Mapping):
        return None
    kind = data.get("kind")
    if not isinstance(kind, str) or "apiVersion" not in data:
        return None
    name = mapping(data.get("metadata")).get("name")
    shown = display_name(name) if isinstance(name, str) else ""
    return K8sObject(doc, kind, shown, cast(Mapping_, data))


def _pods(value: JsonValue | Mapping_, path: Path_, kind: str) -> Iterator[PodSpec]:
    if isinstance(value, list):
        for index, item in enumerate(value):
            yield from _pods(item, (*path, index), kind)
        return
    if not isinstance(value, Mapping):
        return
    node = value
    containers = node.get("containers")
    if isinstance(containers, list) and any(isinstance(c, Mapping) for c in containers):
        yield _pod(node, path)
        return
    if kind == "InferenceService" and path[-1:] and path[-1] in KSERVE_COMPONENTS:
        frameworks = tuple(
            Container(cast(Mapping_, child), (*path, key), str(key))
            for key, child in node.items()
            if isinstance(child, Mapping) and KSERVE_FRAMEWORK_HINTS & set(child)
        )
        if frameworks:
            yield PodSpec(node, path, frameworks, ())
            return
    for key, child in node.items():
        yield from _pods(child, (*path, key), kind)


def _pod(node: Mapping_, path: Path_) -> PodSpec:
    def group(name: str) -> tuple[Container, ...]:
        return tuple(
            Container(cast(Mapping_, item), (*path, name, index), name)
            for index, item in enumerate(sequence(node.get(name)))
            if isinstance(item, Mapping)
        )

    return PodSpec(node, path, group("containers"), group("initContainers"))
