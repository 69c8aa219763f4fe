"""Fixture oracles name the check behind each finding; the first form converts, or is refused."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from mlsec_policy.models import CheckMode, ControlStatus, Location
from mlsec_policy.policytest.oracles import Oracle, differences, read_oracle
from mlsec_policy.policytest.shadow import probe, tagged, untagged
from tests.conftest import EXAMPLES, CliResult

Cli = Callable[..., CliResult]
EXPECTED = "controls/model-deployment/ACME-REG-01/tests/expected.yaml"
NEW_FORM = """cases:
  fail:
    status: fail
    findings:
      acme-base-image-outside-registry:
        - Dockerfile:2
      acme-image-outside-registry:
        - deploy/deployment.yaml:11
  pass:
    status: pass
    findings: {}
"""
OLD_FORM = """cases:
  fail:
    status: fail
    findings: [deploy/deployment.yaml:11, Dockerfile:2]
  pass:
    status: pass
"""


@pytest.fixture
def pack(tmp_path: Path) -> Path:
    target = tmp_path / "pack"
    shutil.copytree(EXAMPLES / "custom-pack", target)
    return target


def test_the_example_pack_uses_the_check_naming_form() -> None:
    assert (EXAMPLES / "custom-pack" / EXPECTED).read_text() == NEW_FORM


def test_a_finding_from_the_wrong_check_fails_the_case(pack: Path, cli: Cli) -> None:
    expected = pack / EXPECTED
    swapped = NEW_FORM.replace("acme-base-image", "@").replace("acme-image", "acme-base-image")
    expected.write_text(swapped.replace("@", "acme-image"))
    result = cli("policy", "test", str(pack), "--no-semgrep-test")
    assert result.code == 1
    assert (
        "findings at Dockerfile:2 came from acme-base-image-outside-registry, "
        "expected acme-image-outside-registry" in result.out
    )
    assert (
        "findings at deploy/deployment.yaml:11 came from acme-image-outside-registry, "
        "expected acme-base-image-outside-registry" in result.out
    )


def test_the_first_form_is_compared_by_place_and_noted(pack: Path, cli: Cli) -> None:
    (pack / EXPECTED).write_text(OLD_FORM)
    result = cli("policy", "test", str(pack), "--no-semgrep-test")
    assert "2/2 cases passed" in result.out
    assert "NOTE  2 case(s) list findings by place only" in result.out
    # a case that names no check proves no check fires
    assert result.code == 1
    assert (
        "GAP   acme-image-outside-registry (ACME-REG-01) produces a finding in no failing case"
        in result.out
    )
    relaxed = cli("policy", "test", str(pack), "--no-semgrep-test", "--no-require-fixtures")
    assert relaxed.code == 0, relaxed.out


def test_write_oracles_converts_cases_the_scan_confirms(pack: Path, cli: Cli) -> None:
    (pack / EXPECTED).write_text(OLD_FORM)
    result = cli("policy", "test", str(pack), "--write-oracles")
    assert result.code == 0, result.out
    assert result.out.splitlines() == [
        "wrote   ACME-REG-01 [fail]",
        "wrote   ACME-REG-01 [pass]",
        "2 case(s) converted, 0 refused",
    ]
    assert (pack / EXPECTED).read_text() == NEW_FORM
    again = cli("policy", "test", str(pack), "--write-oracles")
    assert again.out.splitlines() == ["0 case(s) converted, 0 refused (no case uses the old form)"]


def test_write_oracles_refuses_a_case_the_scan_contradicts(pack: Path, cli: Cli) -> None:
    original = (
        "cases:\n  fail:\n    status: fail\n"
        "    findings: [deploy/deployment.yaml:12, Dockerfile:2]\n"
        "  pass:\n    status: pass\n"
    )
    (pack / EXPECTED).write_text(original)
    result = cli("policy", "test", str(pack), "--write-oracles")
    assert result.code == 1
    assert "REFUSED ACME-REG-01 [fail]: the scan disagrees with the old oracle" in result.out
    assert "missing findings: deploy/deployment.yaml:12" in result.out
    assert "1 case(s) converted, 1 refused" in result.out
    text = (pack / EXPECTED).read_text()
    assert "findings: [deploy/deployment.yaml:12, Dockerfile:2]" not in text  # file rewritten...
    assert "- deploy/deployment.yaml:12" in text  # ...but the refused case kept as it was
    assert "pass:\n    status: pass\n    findings: {}\n" in text


def test_oracle_reading_and_differences() -> None:
    assert read_oracle({"status": "pass"}).legacy
    assert read_oracle({"findings": ["a.py:1"]}) == Oracle(frozenset({("", "a.py:1")}), legacy=True)
    oracle = read_oracle({"findings": {"x-check": ["a.py:1"]}, "scope": {"s-check": ["b.py"]}})
    assert not oracle.legacy
    assert oracle.scope == frozenset({("s-check", "b.py")})
    assert differences("findings", oracle.findings, frozenset({("x-check", "a.py:2")})) == [
        "missing findings of x-check: a.py:1",
        "unexpected findings of x-check: a.py:2",
    ]


def test_the_scope_probe_copies_scope_checks_as_violations() -> None:
    from mlsec_policy.analyzers import ANALYZERS
    from mlsec_policy.policy import load_policy

    policy = load_policy(("builtin",), ANALYZERS)
    control = policy.control("MLSEC-MODEL-01")
    found = probe(control)
    assert found is not None
    assert found.id == tagged("MLSEC-MODEL-01", "scope")
    assert [(c.id, c.mode) for c in found.checks] == [
        (tagged("model-artifacts-present", "scope"), CheckMode.VIOLATION)
    ]
    assert untagged(found.checks[0].id) == "model-artifacts-present"
    assert probe(policy.control("MLSEC-CI-01")) is None
    assert Location("a.py", 3) and ControlStatus.PASS  # the models the oracles are built from


def test_the_meta_tests_catch_the_first_form_and_silent_checks(pack: Path) -> None:
    from mlsec_policy.analyzers import ANALYZERS
    from mlsec_policy.policy import load_policy
    from mlsec_policy.policytest import check_gaps, legacy_cases

    assert legacy_cases(load_policy((str(pack),), ANALYZERS), pack) == []
    (pack / EXPECTED).write_text(OLD_FORM)
    policy = load_policy((str(pack),), ANALYZERS)
    assert legacy_cases(policy, pack) == ["ACME-REG-01 [fail]", "ACME-REG-01 [pass]"]
    assert check_gaps(policy, pack) == [
        "acme-image-outside-registry (ACME-REG-01) produces a finding in no failing case",
        "acme-base-image-outside-registry (ACME-REG-01) produces a finding in no failing case",
    ]
