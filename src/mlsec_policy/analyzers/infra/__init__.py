"""Infrastructure: Dockerfiles, compose files, Kubernetes manifests and CI workflows."""

from typing import Any

from mlsec_policy.analyzers.base import AnalyzerSpec
from mlsec_policy.analyzers.infra import (
    commands,
    compose,
    confinement,
    dockerfile,
    github_actions,
    image_refs,
    kubernetes_cluster,
    kubernetes_pods,
)

SPECS: tuple[AnalyzerSpec[Any], ...] = (
    *dockerfile.SPECS,
    commands.SPEC,
    image_refs.SPEC,
    *kubernetes_pods.SPECS,
    *kubernetes_cluster.SPECS,
    *compose.SPECS,
    *confinement.SPECS,
    *github_actions.SPECS,
)
"""The analyzers of this domain, for the registry."""
