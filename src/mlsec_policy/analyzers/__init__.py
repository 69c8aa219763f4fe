"""Native analyzers, listed explicitly: nothing registers itself as an import side effect."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mlsec_policy.analyzers import (
    ci_tools,
    codeowners,
    commands,
    compose,
    data_files,
    deps_checks,
    doc_sections,
    dockerfile_checks,
    dockerfile_user,
    gha,
    image_refs,
    integrity_dvc,
    integrity_lfs,
    integrity_manifest,
    integrity_scope,
    integrity_shards,
    k8s_cluster,
    k8s_pods,
    model_artifacts,
    notebook_checks,
    paths,
    route_auth,
    secret_assignments,
    secrets_scan,
    suppression_comments,
    update_automation,
)
from mlsec_policy.analyzers.base import AnalyzerSpec

ANALYZERS: dict[str, AnalyzerSpec] = {
    spec.name: spec
    for spec in (
        paths.SPEC,
        data_files.SPEC,
        deps_checks.SPEC_LOCK,
        deps_checks.SPEC_PINS,
        deps_checks.SPEC_SOURCES,
        dockerfile_user.SPEC,
        integrity_dvc.SPEC,
        integrity_lfs.SPEC,
        integrity_manifest.SPEC,
        integrity_scope.SPEC,
        integrity_shards.SPEC,
        notebook_checks.COMMANDS,
        notebook_checks.OUTPUTS,
        notebook_checks.LEAKS,
        secret_assignments.SPEC,
        secrets_scan.SPEC,
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
        # serving: web routes and their authentication
        route_auth.SPEC,
    )
}
"""Every native analyzer by name."""


def params_schemas() -> Mapping[str, Mapping[str, Any]]:
    """Return each analyzer's parameter schema by name (what the policy loader validates)."""
    return {name: spec.params_schema for name, spec in ANALYZERS.items()}
