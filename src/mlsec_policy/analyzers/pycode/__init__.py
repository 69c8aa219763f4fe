"""Checks on Python application code that judge a call by where its arguments come from.

The shared reader :mod:`mlsec_policy.analyzers.read.pyflow` walks each module and grades every
value (constant, from outside the program, unknown here); the analyzers of this domain decide
which calls matter: shell commands (:mod:`.shell`), SQL statements (:mod:`.sql`) and code run
by eval/exec (:mod:`.evaluation`), plain-http URLs written away from the download or client
call that uses them (:mod:`.downloads`, :mod:`.endpoints`), hub ids a configuration hands to an
unpinned loading helper (:mod:`.hub_helpers`). :mod:`.guarded` grades other
checks' findings by the opt-in guards (:mod:`.guards`) in front of them.
"""

from __future__ import annotations

from typing import Any

from mlsec_policy.analyzers.base import AnalyzerSpec
from mlsec_policy.analyzers.pycode.downloads import DOWNLOAD_ORIGINS
from mlsec_policy.analyzers.pycode.endpoints import ENDPOINT_ORIGINS
from mlsec_policy.analyzers.pycode.evaluation import EVALUATION
from mlsec_policy.analyzers.pycode.guarded import graded_by_guards
from mlsec_policy.analyzers.pycode.hub_helpers import HUB_ID_THROUGH_HELPER
from mlsec_policy.analyzers.pycode.shell import SHELL
from mlsec_policy.analyzers.pycode.sql import SQL

SPECS: tuple[AnalyzerSpec[Any], ...] = (
    SHELL,
    SQL,
    EVALUATION,
    DOWNLOAD_ORIGINS,
    ENDPOINT_ORIGINS,
    HUB_ID_THROUGH_HELPER,
)
"""The analyzers of this domain, for the registry."""

__all__ = ["SPECS", "graded_by_guards"]
