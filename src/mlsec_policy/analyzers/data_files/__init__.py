"""Committed data files: which are datasets, what their samples hold (personal data, labels).

Three analyzers: ``dataset-files``, ``personal-data`` and ``conflicting-labels``.
"""

from __future__ import annotations

from typing import Any

from mlsec_policy.analyzers.base import AnalyzerSpec
from mlsec_policy.analyzers.data_files import datasets, labels, personal
from mlsec_policy.analyzers.data_files.personal import SPEC, personal_data

__all__ = ["SPEC", "SPECS", "personal_data"]

SPECS: tuple[AnalyzerSpec[Any], ...] = (personal.SPEC, datasets.SPEC, labels.SPEC)
"""The analyzers of this domain, for the registry."""
