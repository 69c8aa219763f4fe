"""The words every report uses for a finding's data flow and for the context it was placed by.

A finding that depends on a value defined elsewhere (a URL constant, a parameter default)
lists those places, source first, as "via file:line"; a finding whose check placed it by what
the matched code handles says which context and which risk codes that gave.
"""

from __future__ import annotations

from mlsec_policy.models import Finding


def via(finding: Finding) -> str:
    """Return ``via a.py:3 (URL defined here), b.py:9 (...)``, or "" without a flow."""
    if not finding.flow:
        return ""
    steps = ", ".join(f"{step.location.display()} ({step.message})" for step in finding.flow)
    return f"via {steps}"


def context_note(finding: Finding) -> str:
    """Return ``handles a model: R11-Security, R13-Security``, or "" without a context."""
    if finding.context is None or not finding.risks:
        return ""
    where = f" in {finding.phase}" if finding.phase else ""
    return f"handles {_article(finding.context)}{where}: {', '.join(finding.risks)}"


def _article(context: str) -> str:
    return {"data": "data", "model": "a model", "request": "a request"}.get(context, context)
