"""The report formats a scan can write, each a pure ``render(report) -> str``.

The command line offers ``--<name>-output FILE`` for every entry, and ``report render``
re-renders any of them from a JSON report.
"""

from __future__ import annotations

from collections.abc import Callable

from mlsec_policy.models import Report
from mlsec_policy.report import cdxa, html, json_report, junit, markdown, sarif

FORMATS: dict[str, Callable[[Report], str]] = {
    "json": json_report.render,
    "sarif": sarif.render,
    "html": html.render,
    "markdown": markdown.render,
    "junit": junit.render,
    "cdxa": cdxa.render,
}
"""Format name to renderer, in the order outputs are written."""
