"""Redaction of engine output: the one path target text takes on its way to reports.

Findings' messages and snippets, error messages and hints (semgrep's and parsers' texts quote
the bytes they choked on) and the reasons for leaving files out may all quote the target.
"""

from __future__ import annotations

from dataclasses import replace

from mlsec_policy.engines.base import EngineOutput
from mlsec_policy.models import Hit
from mlsec_policy.redact import scrub


def redacted(output: EngineOutput) -> EngineOutput:
    """Return an engine's output with every text that may quote the target redacted.

    The one place where findings' messages and snippets, error messages and hints (semgrep's
    and parsers' texts quote the bytes they choked on) and the reasons for leaving parts of
    files out pass through :func:`scrub` (secrets masked, control characters escaped) on their
    way to every report and to stderr.
    """

    def seen(hit: Hit) -> Hit:
        observed = hit.observation
        message = scrub(observed.message) if observed.message else observed.message
        snippet = scrub(observed.snippet) if observed.snippet else observed.snippet
        return replace(hit, observation=replace(observed, message=message, snippet=snippet))

    return replace(
        output,
        hits=tuple(seen(hit) for hit in output.hits),
        errors=tuple(
            replace(e, message=scrub(e.message), hint=scrub(e.hint) if e.hint else e.hint)
            for e in output.errors
        ),
        skipped=tuple(replace(s, reason=scrub(s.reason)) for s in output.skipped),
    )
