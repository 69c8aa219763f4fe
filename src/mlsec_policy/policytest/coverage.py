"""What a pack's fixtures leave unproven, control by control and check by check.

Controls need a failing and a passing case; checks must fire where it counts; cases still in
the first oracle form prove nothing about checks.

A check *fires where it counts* when a case's oracle shows it doing the job its mode gives it:

- a violation check produces a finding in a failing case;
- an evidence check produces evidence in a passing case (evidence is what makes it pass);
- a scope check matches in a failing case (it is what makes the control apply there).

Attestation checks read no files; the failing and passing cases of their control (a missing
and a recorded attestation) are their proof. Cases of the first oracle form name no checks, so
they prove nothing here until ``policy test --write-oracles`` converts them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from mlsec_policy.models import CheckMode, ControlStatus
from mlsec_policy.policy.model import Control, Policy
from mlsec_policy.policytest.cases import FAILING, PASSING, Case, load_cases, pack_controls
from mlsec_policy.policytest.oracles import Marks

PROOF: Mapping[CheckMode, tuple[ControlStatus, str, str]] = {
    CheckMode.VIOLATION: (ControlStatus.FAIL, "findings", "produces a finding in no failing case"),
    CheckMode.EVIDENCE: (ControlStatus.PASS, "evidence", "finds evidence in no passing case"),
    CheckMode.SCOPE: (ControlStatus.FAIL, "scope", "matches in no failing case"),
}
"""Per mode: the status of a case that proves a check, the oracle part, and the gap's text."""


def coverage_gaps(policy: Policy, pack_root: Path) -> Mapping[str, str]:
    """Return, per control of the pack, what its fixtures lack (a failing or a passing case)."""
    gaps: dict[str, str] = {}
    for control in pack_controls(policy, pack_root):
        statuses = {case.status for case in load_cases(control)}
        lacking = []
        if not statuses & FAILING:
            lacking.append("a failing case")
        if not statuses & PASSING:
            lacking.append("a passing case")
        if lacking:
            gaps[control.id] = " and ".join(lacking)
    return gaps


def check_gaps(policy: Policy, pack_root: Path, only: Iterable[str] = ()) -> list[str]:
    """Return one line per check of the pack that fires in no case where it counts."""
    wanted = tuple(only)
    return [gap for control in pack_controls(policy, pack_root, wanted) for gap in _gaps(control)]


def _gaps(control: Control) -> Iterable[str]:
    cases = load_cases(control)
    for check in control.checks:
        proof = PROOF.get(check.mode)
        if proof is None:
            continue
        status, part, text = proof
        if not any(check.id in _checks(case, part) for case in cases if case.status is status):
            yield f"{check.id} ({control.id}) {text}"


def _checks(case: Case, part: str) -> set[str]:
    marks: Marks = getattr(case.oracle, part)
    return {check_id for check_id, _ in marks}


def legacy_cases(policy: Policy, pack_root: Path) -> list[str]:
    """Return ``CONTROL [case]`` for every case still in the first oracle form."""
    return [
        f"{control.id} [{case.name}]"
        for control in pack_controls(policy, pack_root)
        for case in load_cases(control)
        if case.oracle.legacy
    ]
