"""Roll a scan's control results up into a status for every requirement of a framework.

The rules (docs/frameworks.md says the same, for people):

1. A requirement the configuration excludes is ``excluded`` with its justification.
2. A requirement no control covers is ``not-covered`` with its reason: listed, never dropped.
3. Otherwise each mapped control's status counts, the first rule that matches deciding:
   any control ``fail`` or ``baselined`` (a baseline hides known findings from the gate,
   not from an auditor) gives ``fail``; any ``error`` gives ``error`` (never a pass); any
   ``needs-attestation`` gives ``needs-attestation``; any ``waived`` gives ``waived`` (an
   accepted exception, not a pass); any control the scan did not evaluate (disabled,
   filtered, diff-limited) gives ``not-evaluated``; all ``not-applicable`` gives
   ``not-applicable``.
4. What is left has passing (or attested) controls and maybe not-applicable ones: ``pass``
   when the coverage is ``full``, ``partial-pass`` when it is ``partial`` (what the controls
   show holds; the rest of the requirement needs a person).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from mlsec_policy.models import (
    ControlResult,
    ControlStatus,
    Coverage,
    Framework,
    FrameworkResult,
    MappedControl,
    Requirement,
    RequirementResult,
    RequirementStatus,
)

NOT_RUN = ControlStatus.NOT_EVALUATED.value
"""The status recorded for a mapped control the scan has no result for."""

_RULES: tuple[tuple[frozenset[str], RequirementStatus, str], ...] = (
    (
        frozenset({ControlStatus.FAIL.value, ControlStatus.BASELINED.value}),
        RequirementStatus.FAIL,
        "failing",
    ),
    (frozenset({ControlStatus.ERROR.value}), RequirementStatus.ERROR, "in error"),
    (
        frozenset({ControlStatus.NEEDS_ATTESTATION.value}),
        RequirementStatus.NEEDS_ATTESTATION,
        "awaiting an attestation",
    ),
    (frozenset({ControlStatus.WAIVED.value}), RequirementStatus.WAIVED, "waived"),
    (frozenset({NOT_RUN}), RequirementStatus.NOT_EVALUATED, "not evaluated by this scan"),
)
"""Control statuses that decide a requirement, first match wins, with how to say so."""


def roll_up(
    framework: Framework,
    results: Sequence[ControlResult],
    exclusions: Mapping[str, str] | None = None,
) -> FrameworkResult:
    """Return the status of every requirement of ``framework`` given a scan's ``results``.

    ``exclusions`` maps requirement ids the configuration declares not applicable to their
    justification.
    """
    statuses = {result.control.id: result.status.value for result in results}
    excluded = exclusions or {}
    return FrameworkResult(
        framework,
        tuple(
            requirement_status(requirement, statuses, excluded.get(requirement.id))
            for requirement in framework.requirements
        ),
    )


def requirement_status(
    requirement: Requirement, statuses: Mapping[str, str], justification: str | None = None
) -> RequirementResult:
    """Return one requirement's status from its controls' statuses (rules: module docstring)."""
    controls = tuple(
        MappedControl(mapping, statuses.get(mapping.control, NOT_RUN))
        for mapping in requirement.mappings
    )
    if justification is not None:
        return RequirementResult(
            requirement,
            RequirementStatus.EXCLUDED,
            f"excluded by the configuration: {justification}",
            controls,
            justification,
        )
    if requirement.coverage is Coverage.NOT_COVERED:
        return RequirementResult(
            requirement, RequirementStatus.NOT_COVERED, requirement.reason, controls
        )
    for decisive, status, words in _RULES:
        named = [c.mapping.control for c in controls if c.status in decisive]
        if named:
            return RequirementResult(requirement, status, f"{words}: {', '.join(named)}", controls)
    passing = [
        c.mapping.control
        for c in controls
        if c.status in (ControlStatus.PASS.value, ControlStatus.ATTESTED.value)
    ]
    if not passing:
        return RequirementResult(
            requirement,
            RequirementStatus.NOT_APPLICABLE,
            "no mapped control applies to this repository",
            controls,
        )
    shown = f"passing: {', '.join(passing)}"
    if requirement.coverage is Coverage.FULL:
        return RequirementResult(requirement, RequirementStatus.PASS, shown, controls)
    rest = f"; not shown by a scan: {requirement.reason}" if requirement.reason else ""
    return RequirementResult(requirement, RequirementStatus.PARTIAL_PASS, shown + rest, controls)
