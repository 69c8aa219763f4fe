"""Native analyzers, listed explicitly: nothing registers itself as an import side effect.

Each domain is a package (or, while it is small, one module) exposing ``SPECS``; the registry
below names one line per domain. Readers shared by several domains live in :mod:`.read`, the
pattern tables in :mod:`.patterns`; no domain imports another.
"""

from __future__ import annotations

from typing import Any

from mlsec_policy.analyzers import (
    data_files,
    dependencies,
    governance,
    infra,
    integrity,
    model_artifacts,
    notebooks,
    pycode,
    secrets,
    tool_evidence,
    web_routes,
)
from mlsec_policy.analyzers.base import AnalyzerSpec
from mlsec_policy.analyzers.dependencies import graded_by_versions, reads_snapshot, snapshot_info
from mlsec_policy.analyzers.pycode import graded_by_guards

__all__ = [
    "ANALYZERS",
    "graded_by_guards",
    "graded_by_versions",
    "reads_snapshot",
    "snapshot_info",
]

ANALYZERS: dict[str, AnalyzerSpec[Any]] = {
    spec.name: spec
    for spec in (
        *model_artifacts.SPECS,
        *integrity.SPECS,
        *infra.SPECS,
        *secrets.SPECS,
        *governance.SPECS,
        *dependencies.SPECS,
        *notebooks.SPECS,
        *pycode.SPECS,
        *data_files.SPECS,
        *tool_evidence.SPECS,
        *web_routes.SPECS,
    )
}
"""Every native analyzer by name."""
