"""The catalogue view of a policy: which controls cover which phase and risk code.

Used by ``mlsec-policy controls`` and ``mlsec-policy risks`` and by the catalogue meta-test.
Everything here is computed from the loaded policy and its taxonomy: no control id, phase or
risk code is known to the code.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from mlsec_policy.models import PhaseInfo, RiskInfo, Severity
from mlsec_policy.policy.model import Control, Policy


@dataclass(frozen=True, slots=True)
class RiskCoverage:
    """A risk code and the enabled controls that mitigate it."""

    risk: RiskInfo
    controls: tuple[str, ...]

    @property
    def covered(self) -> bool:
        """Return True when at least one control covers the risk."""
        return bool(self.controls)


@dataclass(frozen=True, slots=True)
class PhaseCoverage:
    """A lifecycle phase, the controls assigned to it and the coverage of its risk codes."""

    phase: PhaseInfo
    controls: tuple[str, ...]
    risks: tuple[RiskCoverage, ...]


def phase_coverage(policy: Policy) -> tuple[PhaseCoverage, ...]:
    """Return, in taxonomy order, every phase with its controls and its risks' coverage."""
    by_risk: dict[str, list[str]] = {risk.id: [] for risk in policy.taxonomy.risks}
    by_phase: dict[str, list[str]] = {phase.id: [] for phase in policy.taxonomy.phases}
    for control in policy.controls:
        by_phase.setdefault(control.meta.phase, []).append(control.id)
        for risk in control.meta.risks:
            by_risk.setdefault(risk, []).append(control.id)
    return tuple(
        PhaseCoverage(
            phase,
            tuple(sorted(by_phase[phase.id])),
            tuple(
                RiskCoverage(risk, tuple(sorted(by_risk[risk.id])))
                for risk in policy.taxonomy.risks
                if risk.phase == phase.id
            ),
        )
        for phase in policy.taxonomy.phases
    )


def uncovered_risks(policy: Policy) -> tuple[RiskInfo, ...]:
    """Return the risk codes no enabled control covers."""
    return tuple(
        risk.risk for phase in phase_coverage(policy) for risk in phase.risks if not risk.covered
    )


def empty_phases(policy: Policy) -> tuple[PhaseInfo, ...]:
    """Return the phases no enabled control is assigned to."""
    return tuple(phase.phase for phase in phase_coverage(policy) if not phase.controls)


def select_controls(
    policy: Policy,
    *,
    phase: str | None = None,
    risk: str | None = None,
    severity: Severity | None = None,
) -> tuple[Control, ...]:
    """Return the enabled controls matching every given filter, in phase then id order.

    ``phase`` and ``risk`` must name entries of the taxonomy (risk codes match regardless of
    case); a :class:`ValueError` says which ones exist otherwise.
    """
    taxonomy = policy.taxonomy
    if phase is not None and phase not in {p.id for p in taxonomy.phases}:
        raise ValueError(
            f"unknown phase {phase!r}; phases: " + ", ".join(p.id for p in taxonomy.phases)
        )
    risk_id = None
    if risk is not None:
        matches = [r.id for r in taxonomy.risks if r.id.lower() == risk.lower()]
        if not matches:
            raise ValueError(f"unknown risk code {risk!r}; risk codes look like R13-Security")
        risk_id = matches[0]
    order = {p.id: p.order for p in taxonomy.phases}
    return tuple(
        sorted(
            (
                control
                for control in policy.controls
                if (phase is None or control.meta.phase == phase)
                and (risk_id is None or risk_id in control.meta.risks)
                and (severity is None or control.meta.severity >= severity)
            ),
            key=lambda c: (order.get(c.meta.phase, 0), c.id),
        )
    )


def closest_ids(policy: Policy, wanted: str) -> Sequence[str]:
    """Return enabled control ids that look like ``wanted`` (for a 'did you mean' hint)."""
    import difflib

    ids = [control.id for control in policy.controls]
    exact = [i for i in ids if i.lower() == wanted.lower()]
    return exact or difflib.get_close_matches(wanted.upper(), ids, n=3)
