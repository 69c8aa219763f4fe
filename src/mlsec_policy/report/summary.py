"""Figures derived from a report: counts per status, per phase and per risk code.

Every rendering shows these, so they are computed in one place. They are derived, never
stored as truth: a report rebuilt from JSON recomputes them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from mlsec_policy.models import STATUS_ORDER, ControlResult, ControlStatus, Report

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


def phases(report: Report) -> tuple[PhaseSummary, ...]:
    """Return one summary per taxonomy phase, in lifecycle order, with the report's statuses."""
    shown = shown_statuses(report.results)
    return tuple(
        PhaseSummary(
            phase.id,
            phase.title,
            phase.layer,
            status_counts(
                selected := tuple(r for r in report.results if r.control.phase == phase.id),
                shown,
            ),
            selected,
        )
        for phase in report.taxonomy.phases
    )


def risks(report: Report) -> tuple[RiskSummary, ...]:
    """Return one summary per risk code of the taxonomy, in taxonomy order."""
    rank = {status: index for index, status in enumerate(STATUS_ORDER)}
    summaries = []
    for risk in report.taxonomy.risks:
        covering = [r for r in report.results if risk.id in r.control.risks]
        if covering:
            worst = min((r.status for r in covering), key=lambda s: rank[s]).value
        else:
            worst = "not-covered"
        summaries.append(
            RiskSummary(
                risk.id, risk.title, risk.phase, tuple(r.control.id for r in covering), worst
            )
        )
    return tuple(summaries)


def worst(results: tuple[ControlResult, ...]) -> ControlStatus | None:
    """Return the most pressing status among ``results`` (None when there are none)."""
    rank = {status: index for index, status in enumerate(STATUS_ORDER)}
    return min((r.status for r in results), key=lambda s: rank[s]) if results else None
