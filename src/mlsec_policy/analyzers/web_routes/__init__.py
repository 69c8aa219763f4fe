"""Python web apps: which routes serve callers, and whether they authenticate them.

:mod:`.auth` reports routes that do not authenticate (:mod:`.guards` judges whether an
expression authenticates, :mod:`.scope` decides which routes must); :mod:`.fields` reports
unbounded request fields whose content reaches the model (:mod:`.request_models` finds the
fields, :mod:`.flow` follows them); :mod:`.exposure` reports servers started on every
interface (:mod:`.hosts` resolves their addresses) whose app authenticates nobody.
:mod:`.program` parses and resolves modules for all of them.
"""

from __future__ import annotations

from typing import Any

from mlsec_policy.analyzers.base import AnalyzerSpec
from mlsec_policy.analyzers.web_routes.auth import SPEC as ROUTE_AUTH
from mlsec_policy.analyzers.web_routes.exposure import SPEC as EXPOSED_SERVERS
from mlsec_policy.analyzers.web_routes.fields import SPEC as REQUEST_FIELDS

SPECS: tuple[AnalyzerSpec[Any], ...] = (ROUTE_AUTH, REQUEST_FIELDS, EXPOSED_SERVERS)
"""The analyzers of this domain, for the registry."""
