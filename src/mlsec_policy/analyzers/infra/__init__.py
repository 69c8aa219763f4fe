"""Infrastructure: Dockerfiles, compose files, Kubernetes manifests and CI workflows."""

from typing import Any

from mlsec_policy.analyzers.base import AnalyzerSpec
from mlsec_policy.analyzers.infra import (
    commands,
    compose,
    confinement,
    deployment,
    dockerfile,
    dockerfile_user,
    github_actions,
    image_refs,
    kubernetes_cluster,
    kubernetes_pods,
    ray_dashboard,
)

SPECS: tuple[AnalyzerSpec[Any], ...] = (
    *dockerfile.SPECS,
    dockerfile_user.SPEC,
    commands.SPEC,
    image_refs.SPEC,
    *kubernetes_pods.SPECS,
    *kubernetes_cluster.SPECS,
    *compose.SPECS,
    deployment.SPEC,
    *confinement.SPECS,
    *github_actions.SPECS,
    ray_dashboard.SPEC,
)
"""The analyzers of this domain, for the registry."""
