"""The rule-mutation command: each removed condition must make some fixture case fail."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mlsec_policy.policytest.mutations import param_mutations, rule_mutations
from tests.conftest import EXAMPLES, CliResult

Cli = Callable[..., CliResult]
CONTROL = "controls/model-deployment/ACME-REG-01"


def test_rule_mutations_remove_one_condition_each() -> None:
    rule: dict[str, Any] = {
        "languages": ["python"],
        "patterns": [
            {"pattern-either": [{"pattern": "a(...)"}, {"pattern": "b(...)"}]},
            {"pattern-not": "a(1)"},
            {"metavariable-regex": {"metavariable": "$X", "regex": "x"}},
        ],
        "paths": {"exclude": ["tests/"]},
    }
    found = dict(rule_mutations(rule))
    assert sorted(found) == [
        "paths.exclude[0] (paths exclude 'tests/')",
        "patterns[0].pattern-either[0] (pattern-either entry)",
        "patterns[0].pattern-either[1] (pattern-either entry)",
        "patterns[1] (pattern-not)",
        "patterns[2] (metavariable-regex)",
    ]
    assert found["patterns[1] (pattern-not)"]["patterns"] == [
        rule["patterns"][0],
        rule["patterns"][2],
    ]
    assert found["paths.exclude[0] (paths exclude 'tests/')"]["paths"] == {}  # emptied: gone
    assert rule["patterns"][1] == {"pattern-not": "a(1)"}  # the original is untouched
    # a patterns list whose only positive pattern is a condition's context keeps its conditions
    assert dict(rule_mutations({"patterns": [{"pattern-inside": "f(...)"}]})) == {}


def test_param_mutations_drop_an_entry_or_a_parameter() -> None:
    assert [d for d, _ in param_mutations({"patterns": ["*.p12", "!x.p12"], "min-bytes": 64})] == [
        "patterns: drop '*.p12'",
        "patterns: drop '!x.p12'",
        "drop patterns",
        "drop min-bytes",
    ]


def test_the_example_pack_kills_every_mutation(cli: Cli) -> None:
    result = cli("policy", "mutate", str(EXAMPLES / "custom-pack"))
    assert result.code == 0, result.out
    assert result.out.splitlines() == [
        "ACME-REG-01: 0/2 mutation(s) survived",
        "0/2 mutation(s) survived in 1 control(s)",
    ]


def test_a_weak_fixture_set_shows_its_survivors(tmp_path: Path, cli: Cli) -> None:
    pack = tmp_path / "pack"
    shutil.copytree(EXAMPLES / "custom-pack", pack)
    tests = pack / CONTROL / "tests"
    shutil.rmtree(tests / "pass")
    shutil.rmtree(tests / "fail")
    (tests / "fail" / "deploy").mkdir(parents=True)
    (tests / "none").mkdir()
    (tests / "none" / "README.md").write_text("no images here\n")
    (tests / "fail" / "Dockerfile").write_text("FROM docker.io/library/python:3.12\n")
    (tests / "fail" / "deploy" / "job.yaml").write_text(
        "apiVersion: batch/v1\nkind: Job\nspec:\n  template:\n    spec:\n      containers:\n"
        "        - name: train\n          image: docker.io/example/train:1.0\n"
    )
    (tests / "expected.yaml").write_text(
        "cases:\n  fail:\n    status: fail\n    findings:\n"
        "      acme-base-image-outside-registry: [Dockerfile:1]\n"
        "      acme-image-outside-registry: [deploy/job.yaml:8]\n"
        "  none:\n    status: not-applicable\n    findings: {}\n"
    )
    out = tmp_path / "survival.md"
    result = cli("policy", "mutate", str(pack), "--write", str(out))
    assert result.code == 1
    assert (
        "SURVIVED ACME-REG-01 acme-image-outside-registry: rule patterns[1] (metavariable-regex)"
        in result.out
    )
    assert "2/2 mutation(s) survived in 1 control(s)" in result.out
    table = out.read_text()
    assert "| ACME-REG-01 | high | 2 | 2 | 100% | 0 |" in table
    assert "- ACME-REG-01 `acme-base-image-outside-registry`: rule patterns[1]" in table


def test_bundled_controls_mutate_semgrep_rules_and_analyzer_params(cli: Cli) -> None:
    result = cli("policy", "mutate", "--control", "MLSEC-CODE-05", "--control", "MLSEC-SECRET-02")
    lines = result.out.splitlines()
    assert any(line.startswith("MLSEC-CODE-05: ") for line in lines), result.out
    assert any(line.startswith("MLSEC-SECRET-02: ") for line in lines), result.out
    assert not any(line.startswith(("SKIP", "BROKEN")) for line in lines), result.out
    # MLSEC-SECRET-02's checks are all native: its mutations are of analyzer parameters
    secret = next(line for line in lines if line.startswith("MLSEC-SECRET-02: "))
    assert int(secret.split("/")[1].split()[0]) > 0, secret
