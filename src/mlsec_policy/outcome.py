"""What a report means for the caller: the verdict and the process exit code (DESIGN.md §5)."""

from __future__ import annotations

from mlsec_policy.errors import ExitCode
from mlsec_policy.models import ControlResult, ControlStatus, ErrorLevel, Report


def incomplete(report: Report) -> bool:
    """Return True when any check could not run (an error-level problem exists)."""
    return any(error.level is ErrorLevel.ERROR for error in report.errors)


def gating_failures(report: Report) -> tuple[ControlResult, ...]:
    """Return the results that fail the gate: a finding that counts, at or above ``--fail-on``.

    Findings in test, example and docs paths count only as the ``non-product`` setting says
    (:meth:`ControlResult.gating_findings`). With ``--fail-on-attestation``, missing
    attestations fail the gate too.
    """
    threshold = report.settings.fail_on
    failing = [
        r
        for r in report.results
        if r.status is ControlStatus.FAIL
        and any(f.severity >= threshold for f in r.gating_findings(report.settings.non_product))
    ]
    if report.settings.fail_on_attestation:
        failing.extend(r for r in report.results if r.status is ControlStatus.NEEDS_ATTESTATION)
    return tuple(failing)


def exit_code(report: Report) -> ExitCode:
    """Return 3 when the scan is incomplete, else 1 when the gate fails, else 0."""
    if incomplete(report):
        return ExitCode.INCOMPLETE
    if gating_failures(report):
        return ExitCode.FAILED
    return ExitCode.OK


def verdict(report: Report) -> str:
    """Return ``incomplete``, ``fail`` or ``pass`` — the one word a manager reads."""
    return {
        ExitCode.INCOMPLETE: "incomplete",
        ExitCode.FAILED: "fail",
        ExitCode.OK: "pass",
    }[exit_code(report)]
