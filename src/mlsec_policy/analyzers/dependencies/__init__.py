"""Dependencies: what a repository declares it installs, and what that changes.

``manifests`` judges pinning of ML-critical packages, package sources and lock files;
``advisories`` matches pinned and locked versions against the offline advisory snapshot;
``snapshot_use`` says which checks read that snapshot and what a report records of it;
``versions`` grades other checks' findings by the package versions the repository declares.
"""

from __future__ import annotations

from typing import Any

from mlsec_policy.analyzers.base import AnalyzerSpec
from mlsec_policy.analyzers.dependencies import advisories
from mlsec_policy.analyzers.dependencies.manifests import SPECS as _MANIFEST_SPECS
from mlsec_policy.analyzers.dependencies.snapshot_use import reads_snapshot, snapshot_info
from mlsec_policy.analyzers.dependencies.versions import graded_by_versions

SPECS: tuple[AnalyzerSpec[Any], ...] = (*_MANIFEST_SPECS, advisories.SPEC)
"""The analyzers of this domain, for the registry."""

__all__ = ["SPECS", "graded_by_versions", "reads_snapshot", "snapshot_info"]
