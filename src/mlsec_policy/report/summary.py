"""Figures derived from a report: counts per status, per phase and per risk code.

Every rendering shows these, so they are computed in one place. They are derived, never
stored as truth: a report rebuilt from JSON recomputes them.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, replace

from mlsec_policy.models import STATUS_ORDER, ControlResult, ControlStatus, Finding, Report

SPLIT_STATUSES = frozenset({ControlStatus.FAIL, ControlStatus.WAIVED, ControlStatus.BASELINED})
"""Statuses decided by findings: a result with one is placed by its findings' phases and risks."""
OPTIONAL_STATUSES = frozenset({ControlStatus.BASELINED, ControlStatus.NOT_EVALUATED})
"""Statuses only some scans give (a baseline, a diff): tables show them only when present."""


def shown_statuses(results: tuple[ControlResult, ...]) -> tuple[ControlStatus, ...]:
    """Return the statuses a table shows: the optional ones only when a control has one."""
    present = {r.status for r in results}
    return tuple(s for s in STATUS_ORDER if s not in OPTIONAL_STATUSES or s in present)


@dataclass(frozen=True, slots=True)
class PhaseSummary:
    """How the controls of one lifecycle phase fared."""

    id: str
    title: str
    layer: str
    counts: dict[str, int]
    results: tuple[ControlResult, ...]


@dataclass(frozen=True, slots=True)
class RiskSummary:
    """How one risk code is covered: by which controls, with which worst status."""

    id: str
    title: str
    phase: str
    controls: tuple[str, ...]
    status: str
    """The most pressing status of its controls, or ``not-covered``."""


def status_counts(
    results: tuple[ControlResult, ...], statuses: tuple[ControlStatus, ...] | None = None
) -> dict[str, int]:
    """Return how many results have each status, in report order.

    Every status of ``statuses`` is present (default: :func:`shown_statuses` of ``results``,
    so a report without baselines or diffs counts exactly as schema 1.1 reports did).
    """
    counts = Counter(result.status for result in results)
    chosen = statuses if statuses is not None else shown_statuses(results)
    return {status.value: counts.get(status, 0) for status in chosen}


def finding_phase(finding: Finding, result: ControlResult) -> str:
    """Return the phase a finding counts in: its context's, else its control's."""
    return finding.phase or result.control.phase


def finding_risks(finding: Finding, result: ControlResult) -> tuple[str, ...]:
    """Return the risk codes a finding counts under: its context's, else its control's."""
    return finding.risks or result.control.risks


def _status_of(findings: list[Finding]) -> ControlStatus:
    """Return the status a control has on ``findings`` alone (all of one phase or risk)."""
    if any(f.suppression is None for f in findings):
        return ControlStatus.FAIL
    if all(f.suppression is not None and f.suppression.kind == "baseline" for f in findings):
        return ControlStatus.BASELINED
    return ControlStatus.WAIVED


def placed(result: ControlResult) -> dict[str, ControlResult]:
    """Return the result as each phase sees it, by phase id.

    A result decided by findings is placed in the phases of its findings (a finding's context
    may move it from its control's phase), each copy holding that phase's findings and the
    status they give; any other result sits in its control's phase.
    """
    if result.status not in SPLIT_STATUSES or not result.findings:
        return {result.control.phase: result}
    by_phase: dict[str, list[Finding]] = defaultdict(list)
    for finding in result.findings:
        by_phase[finding_phase(finding, result)].append(finding)
    if set(by_phase) == {result.control.phase}:
        return {result.control.phase: result}
    return {
        phase: replace(result, status=_status_of(found), findings=tuple(found))
        for phase, found in by_phase.items()
    }


def phases(report: Report) -> tuple[PhaseSummary, ...]:
    """Return one summary per taxonomy phase, in lifecycle order, with the report's statuses.

    A control is counted in the phases of its findings (see :func:`placed`).
    """
    shown = shown_statuses(report.results)
    by_phase: dict[str, list[ControlResult]] = defaultdict(list)
    for result in report.results:
        for phase_id, seen in placed(result).items():
            by_phase[phase_id].append(seen)
    return tuple(
        PhaseSummary(
            phase.id,
            phase.title,
            phase.layer,
            status_counts(selected := tuple(by_phase.get(phase.id, ())), shown),
            selected,
        )
        for phase in report.taxonomy.phases
    )


def risk_status(result: ControlResult, risk: str) -> ControlStatus | None:
    """Return the status of ``result`` for one risk code, or None when it does not cover it.

    A control covers its own risk codes and those its findings' contexts give. Where its
    status is decided by findings, only the findings under ``risk`` count: a control failing
    on a dataset cache fails the data-storage risks and passes the model-storage ones.
    """
    touching = [f for f in result.findings if risk in finding_risks(f, result)]
    if risk not in result.control.risks and not touching:
        return None
    if result.status not in SPLIT_STATUSES or not result.findings:
        return result.status
    return _status_of(touching) if touching else ControlStatus.PASS


def risks(report: Report) -> tuple[RiskSummary, ...]:
    """Return one summary per risk code of the taxonomy, in taxonomy order."""
    rank = {status: index for index, status in enumerate(STATUS_ORDER)}
    summaries = []
    for risk in report.taxonomy.risks:
        covering = [
            (r.control.id, status)
            for r in report.results
            if (status := risk_status(r, risk.id)) is not None
        ]
        if covering:
            worst = min((status for _, status in covering), key=lambda s: rank[s]).value
        else:
            worst = "not-covered"
        summaries.append(
            RiskSummary(risk.id, risk.title, risk.phase, tuple(c for c, _ in covering), worst)
        )
    return tuple(summaries)


def worst(results: tuple[ControlResult, ...]) -> ControlStatus | None:
    """Return the most pressing status among ``results`` (None when there are none)."""
    rank = {status: index for index, status in enumerate(STATUS_ORDER)}
    return min((r.status for r in results), key=lambda s: rank[s]) if results else None
