"""Meta-tests of the bundled catalogue: all of the taxonomy covered, each control proven."""

from __future__ import annotations

from collections import Counter

import pytest

from mlsec_policy.analyzers import ANALYZERS
from mlsec_policy.options import SemgrepSettings
from mlsec_policy.policy import Policy, SemgrepCheck, load_policy
from mlsec_policy.policy.catalogue import empty_phases, phase_coverage, uncovered_risks
from mlsec_policy.policytest import (
    PASSING,
    check_gaps,
    coverage_gaps,
    legacy_cases,
    load_cases,
    run_selftest,
)
from mlsec_policy.resources import policies_dir


@pytest.fixture(scope="module")
def bundled() -> Policy:
    return load_policy(("builtin",), ANALYZERS)


def test_every_risk_code_has_a_control(bundled: Policy) -> None:
    assert [risk.id for risk in uncovered_risks(bundled)] == []
    assert len(bundled.taxonomy.risks) == 34


def test_every_phase_has_a_control(bundled: Policy) -> None:
    assert [phase.id for phase in empty_phases(bundled)] == []
    assert len(bundled.taxonomy.phases) == 9


def test_coverage_matrix_lists_each_risk_under_its_phase(bundled: Policy) -> None:
    rows = [(p.phase.id, r.risk.id) for p in phase_coverage(bundled) for r in p.risks]
    assert sorted(rows) == sorted((r.phase, r.id) for r in bundled.taxonomy.risks)
    for phase in phase_coverage(bundled):
        for risk in phase.risks:
            for control_id in risk.controls:
                assert risk.risk.id in bundled.control(control_id).meta.risks


def test_every_control_has_a_failing_and_a_passing_fixture(bundled: Policy) -> None:
    assert dict(coverage_gaps(bundled, policies_dir())) == {}


def test_no_case_lists_findings_by_place_only(bundled: Policy) -> None:
    """A case of the first oracle form is satisfied by a finding from the wrong check.

    After merging cases written in that form, run ``mlsec-policy policy test --write-oracles``:
    it names the checks where the scan agrees with the case, and refuses (and says why) where
    it does not.
    """
    assert legacy_cases(bundled, policies_dir()) == []


def test_every_check_fires_where_it_counts(bundled: Policy) -> None:
    """Violations in a failing case, evidence in a passing one, scope in a failing one."""
    assert check_gaps(bundled, policies_dir()) == []


def test_every_failing_fixture_names_its_findings(bundled: Policy) -> None:
    """A 'fail' case without findings would pass whatever the control reported."""
    for control in bundled.controls:
        for case in load_cases(control):
            if case.status.value == "fail":
                assert case.findings, f"{control.id} case {case.name} lists no findings"


def test_passing_fixtures_expect_no_findings(bundled: Policy) -> None:
    for control in bundled.controls:
        for case in load_cases(control):
            if case.status in PASSING:
                assert not case.findings, f"{control.id} case {case.name}"


def test_ids_and_checks_are_unique_and_cited(bundled: Policy) -> None:
    checks = Counter(check.id for control in bundled.controls for check in control.checks)
    assert [check for check, count in checks.items() if count > 1] == []
    for control in bundled.controls:
        assert control.meta.requirements, control.id
        assert control.meta.risks, control.id
        assert control.meta.fix and len(control.meta.fix) <= 160, control.id


def test_every_semgrep_check_passes_semgreps_own_test_mode(bundled: Policy) -> None:
    result = run_selftest(bundled.controls, policies_dir(), SemgrepSettings())
    assert [p.display() for p in result.problems] == []
    assert list(result.gaps) == []
    assert result.checks == sum(
        1
        for control in bundled.controls
        for check in control.checks
        if isinstance(check, SemgrepCheck)
    )
