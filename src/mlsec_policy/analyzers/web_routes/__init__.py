"""Python web apps: which routes serve callers, and whether they authenticate them.

:mod:`.auth` is the repository analyzer; :mod:`.guards` judges whether an expression
authenticates, :mod:`.scope` decides which routes must.
"""

from __future__ import annotations

from mlsec_policy.analyzers.base import AnalyzerSpec
from mlsec_policy.analyzers.web_routes.auth import SPEC as ROUTE_AUTH

SPECS: tuple[AnalyzerSpec, ...] = (ROUTE_AUTH,)
"""The analyzers of this domain, for the registry."""
