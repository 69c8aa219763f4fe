"""Native analyzers, listed explicitly: nothing registers itself as an import side effect."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mlsec_policy.analyzers import dockerfile_user, paths, route_auth
from mlsec_policy.analyzers.base import AnalyzerSpec

ANALYZERS: dict[str, AnalyzerSpec] = {
    spec.name: spec
    for spec in (
        paths.SPEC,
        dockerfile_user.SPEC,
        route_auth.SPEC,
    )
}
"""Every native analyzer by name."""


def params_schemas() -> Mapping[str, Mapping[str, Any]]:
    """Return each analyzer's parameter schema by name (what the policy loader validates)."""
    return {name: spec.params_schema for name, spec in ANALYZERS.items()}
