"""The roll-up: each rule that turns control statuses into a requirement's status."""

from __future__ import annotations

import pytest

from mlsec_policy.frameworks.rollup import requirement_status, roll_up
from mlsec_policy.models import (
    ControlMapping,
    ControlStatus,
    Coverage,
    EvidenceKind,
    Framework,
    FrameworkSection,
    Report,
    Requirement,
    RequirementStatus,
)

AUTO = EvidenceKind.AUTOMATED


def requirement(
    *controls: tuple[str, EvidenceKind],
    coverage: Coverage = Coverage.FULL,
    reason: str = "",
) -> Requirement:
    return Requirement(
        id="R-1",
        title="a requirement",
        section="S",
        coverage=coverage,
        mappings=tuple(ControlMapping(c, kind) for c, kind in controls),
        reason=reason,
    )


TWO = requirement(("A", AUTO), ("B", AUTO))


@pytest.mark.parametrize(
    ("statuses", "status", "reason"),
    [
        ({"A": "fail", "B": "error"}, RequirementStatus.FAIL, "failing: A"),
        ({"A": "baselined", "B": "pass"}, RequirementStatus.FAIL, "failing: A"),
        ({"A": "pass", "B": "error"}, RequirementStatus.ERROR, "in error: B"),
        ({"A": "error", "B": "needs-attestation"}, RequirementStatus.ERROR, "in error: A"),
        (
            {"A": "needs-attestation", "B": "waived"},
            RequirementStatus.NEEDS_ATTESTATION,
            "awaiting an attestation: A",
        ),
        ({"A": "waived", "B": "pass"}, RequirementStatus.WAIVED, "waived: A"),
        ({"A": "pass"}, RequirementStatus.NOT_EVALUATED, "not evaluated by this scan: B"),
        (
            {"A": "not-evaluated", "B": "pass"},
            RequirementStatus.NOT_EVALUATED,
            "not evaluated by this scan: A",
        ),
        (
            {"A": "not-applicable", "B": "not-applicable"},
            RequirementStatus.NOT_APPLICABLE,
            "no mapped control applies to this repository",
        ),
        ({"A": "pass", "B": "not-applicable"}, RequirementStatus.PASS, "passing: A"),
        ({"A": "pass", "B": "attested"}, RequirementStatus.PASS, "passing: A, B"),
    ],
)
def test_the_first_matching_rule_decides(
    statuses: dict[str, str], status: RequirementStatus, reason: str
) -> None:
    result = requirement_status(TWO, statuses)
    assert (result.status, result.reason) == (status, reason)
    assert [(c.mapping.control, c.status) for c in result.controls] == [
        ("A", statuses.get("A", "not-evaluated")),
        ("B", statuses.get("B", "not-evaluated")),
    ]


def test_a_partial_requirement_passes_only_partly_and_says_what_is_left() -> None:
    partial = requirement(("A", AUTO), coverage=Coverage.PARTIAL, reason="a person reviews X")
    result = requirement_status(partial, {"A": "pass"})
    assert result.status is RequirementStatus.PARTIAL_PASS
    assert result.reason == "passing: A; not shown by a scan: a person reviews X"
    assert requirement_status(partial, {"A": "fail"}).status is RequirementStatus.FAIL


def test_attestation_only_needs_an_attestation_until_attested() -> None:
    only = requirement(("ATT", EvidenceKind.ATTESTATION))
    waiting = requirement_status(only, {"ATT": ControlStatus.NEEDS_ATTESTATION.value})
    assert waiting.status is RequirementStatus.NEEDS_ATTESTATION
    attested = requirement_status(only, {"ATT": ControlStatus.ATTESTED.value})
    assert (attested.status, attested.reason) == (RequirementStatus.PASS, "passing: ATT")


def test_not_covered_stays_visible_with_its_reason() -> None:
    gap = requirement(coverage=Coverage.NOT_COVERED, reason="a board approves the policy")
    result = requirement_status(gap, {})
    assert (result.status, result.reason, result.controls) == (
        RequirementStatus.NOT_COVERED,
        "a board approves the policy",
        (),
    )


def test_an_exclusion_wins_and_keeps_its_justification() -> None:
    result = requirement_status(TWO, {"A": "fail", "B": "fail"}, "we supply no AI systems")
    assert result.status is RequirementStatus.EXCLUDED
    assert result.justification == "we supply no AI systems"
    assert result.reason == "excluded by the configuration: we supply no AI systems"
    assert [c.status for c in result.controls] == ["fail", "fail"]


def test_roll_up_over_a_real_scan_counts_per_status_and_section(rich: Report) -> None:
    statuses = {r.control.id: r.status.value for r in rich.results}
    assert statuses["MLSEC-LOAD-01"] == "fail" and statuses["MLSEC-HUMAN-01"] == "attested"
    framework = Framework(
        id="t",
        title="test framework",
        version="1",
        publisher="us",
        source="https://example.org",
        sections=(FrameworkSection("S", "one"), FrameworkSection("T", "two")),
        requirements=(
            Requirement(
                "R-1", "loads", "S", Coverage.FULL, (ControlMapping("MLSEC-LOAD-01", AUTO),)
            ),
            Requirement(
                "R-2",
                "trained",
                "T",
                Coverage.FULL,
                (ControlMapping("MLSEC-HUMAN-01", EvidenceKind.ATTESTATION),),
            ),
            Requirement("R-3", "board", "T", Coverage.NOT_COVERED, reason="a person decides"),
            Requirement(
                "R-4", "other", "T", Coverage.FULL, (ControlMapping("MLSEC-DEP-01", AUTO),)
            ),
        ),
    )
    result = roll_up(framework, rich.results, {"R-4": "no dependencies ship"})
    assert [r.status.value for r in result.requirements] == [
        "fail",
        "pass",
        "not-covered",
        "excluded",
    ]
    counts = result.counts()
    assert {k: v for k, v in counts.items() if v} == {
        "fail": 1,
        "pass": 1,
        "not-covered": 1,
        "excluded": 1,
    }
    assert list(counts) == [s.value for s in RequirementStatus]
    assert result.section_counts() == {
        "S": {"fail": 1},
        "T": {"pass": 1, "not-covered": 1, "excluded": 1},
    }
