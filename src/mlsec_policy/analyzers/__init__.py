"""Native analyzers, listed explicitly: nothing registers itself as an import side effect."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mlsec_policy.analyzers import (
    ci_tools,
    codeowners,
    commands,
    compose,
    doc_sections,
    dockerfile_checks,
    dockerfile_user,
    gha,
    image_refs,
    k8s_cluster,
    k8s_pods,
    model_artifacts,
    paths,
    suppression_comments,
    update_automation,
)
from mlsec_policy.analyzers.base import AnalyzerSpec

ANALYZERS: dict[str, AnalyzerSpec] = {
    spec.name: spec
    for spec in (
        paths.SPEC,
        dockerfile_user.SPEC,
        model_artifacts.SPEC,
        suppression_comments.SPEC,
        # infrastructure: containers, clusters, compose, CI
        *dockerfile_checks.SPECS,
        commands.SPEC,
        image_refs.SPEC,
        *k8s_pods.SPECS,
        *k8s_cluster.SPECS,
        *compose.SPECS,
        *gha.SPECS,
        # evidence: governance documents and repository hygiene
        doc_sections.SPEC,
        update_automation.SPEC,
        codeowners.SPEC,
        ci_tools.SPEC,
    )
}
"""Every native analyzer by name."""


def params_schemas() -> Mapping[str, Mapping[str, Any]]:
    """Return each analyzer's parameter schema by name (what the policy loader validates)."""
    return {name: spec.params_schema for name, spec in ANALYZERS.items()}
