"""Committed data files: which are datasets, and the personal data their samples hold."""

from __future__ import annotations

from typing import Any

from mlsec_policy.analyzers.base import AnalyzerSpec
from mlsec_policy.analyzers.data_files import datasets, personal
from mlsec_policy.analyzers.data_files.personal import SPEC, personal_data

__all__ = ["SPEC", "SPECS", "personal_data"]

SPECS: tuple[AnalyzerSpec[Any], ...] = (personal.SPEC, datasets.SPEC)
"""The analyzers of this domain, for the registry."""
