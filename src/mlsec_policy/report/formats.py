"""The report formats a scan can write, each a pure ``render(report) -> str``.

The command line offers ``--<name>-output FILE`` for every entry, and ``report render``
re-renders any of them from a JSON report. Each renderer's module is imported when a report
of its format is first rendered: most scans write one or two formats, and some renderers
import much (HTML a template engine, JUnit an XML library).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from mlsec_policy.models import Report


def _renderer(module: str) -> Callable[[Report], str]:
    """Return a function that imports ``mlsec_policy.report.<module>`` and renders with it."""

    def render(report: Report) -> str:
        rendered: str = importlib.import_module(f"mlsec_policy.report.{module}").render(report)
        return rendered

    render.__doc__ = f"Render ``report`` with :func:`mlsec_policy.report.{module}.render`."
    return render


FORMATS: dict[str, Callable[[Report], str]] = {
    "json": _renderer("json_report"),
    "sarif": _renderer("sarif"),
    "html": _renderer("html"),
    "markdown": _renderer("markdown"),
    "junit": _renderer("junit"),
    "cdxa": _renderer("cdxa"),
}
"""Format name to renderer, in the order outputs are written."""
