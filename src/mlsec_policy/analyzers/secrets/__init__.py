"""Secrets: credentials by token format, and literal values given to secret-named settings.

What a secret looks like is kept in :mod:`mlsec_policy.analyzers.patterns.secrets`, which the
notebook analyzers share.
"""

from typing import Any

from mlsec_policy.analyzers.base import AnalyzerSpec
from mlsec_policy.analyzers.secrets import assignments, dotenv_files, tokens

SPECS: tuple[AnalyzerSpec[Any], ...] = (assignments.SPEC, tokens.SPEC, dotenv_files.SPEC)
"""The analyzers of this domain, for the registry."""
