"""The time budget of ``policy test``: every rule is timed on a generated 10,000-line file.

No test here asserts how long anything took: the budget is a ratio that ``policy test``
computes inside one semgrep run (a rule's time over the parse of the same file), and the rule
it must catch is tens of times over it. The tests check that the real regression — the shape
MLSEC-FETCH-03 had before its rewrite — fails, and that a rule of ordinary cost passes.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from pathlib import Path

from mlsec_policy.analyzers import ANALYZERS
from mlsec_policy.cli.common import semgrep_settings
from mlsec_policy.policy import load_policy
from mlsec_policy.policytest import measure_budget
from mlsec_policy.policytest.stress import STRESS_LINES, stress_source
from tests.conftest import CliResult
from tests.support.slowpack import FAST_CHECK, SLOW_CHECK, write_slow_pack


def test_the_stress_file_is_fixed_and_has_the_shapes_that_slow_rules_down() -> None:
    vocabulary = ["urllib.request.urlretrieve(...) hashlib"]
    text = stress_source(vocabulary)
    assert text == stress_source(vocabulary), "the same file on every run"
    lines = text.splitlines()
    assert len(lines) >= STRESS_LINES
    tree = ast.parse(text)  # valid Python; it is only ever parsed, never run
    assert max(len(line) for line in lines) > 100_000, "a line of embedded assets"
    functions = [node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)]
    longest = max(functions, key=lambda node: (node.end_lineno or 0) - node.lineno)
    assert (longest.end_lineno or 0) - longest.lineno >= STRESS_LINES // 4, "a very long function"
    nested = [node for node in ast.walk(longest) if isinstance(node, ast.FunctionDef)]
    assert len(nested) >= 100, "holding many callbacks"
    assert sum(isinstance(node, ast.ClassDef) for node in tree.body) >= 40
    assert any(isinstance(node, ast.Dict) and len(node.keys) >= 300 for node in ast.walk(tree))
    header = "\n".join(line for line in lines[:5] if line.startswith("#"))
    assert "urlretrieve" in header and "hashlib" in header, "no rule is skipped by a prefilter"


def test_policy_test_fails_a_rule_that_cannot_finish_on_the_file(
    tmp_path: Path, cli: Callable[..., CliResult]
) -> None:
    pack = write_slow_pack(tmp_path / "pack")
    result = cli(
        "policy",
        "test",
        str(pack),
        "--no-require-fixtures",
        "--no-semgrep-test",
        "--rule-timeout",
        "5",
        "--profile",
    )
    assert result.code == 1, result.out
    slow = [line for line in result.out.splitlines() if line.startswith("SLOW")]
    assert len(slow) == 1, result.out
    assert slow[0].startswith(f"SLOW  {SLOW_CHECK} (TEST-SLOW-01) was stopped at the time limit")
    timed = [line for line in result.out.splitlines() if line.startswith("TIME")]
    assert any(FAST_CHECK in line for line in timed), "the ordinary rule is timed as well"
    assert "budget: 2 rule(s) timed on a generated 10,000-line Python file" in result.out
    assert result.out.rstrip().endswith(": FAILED")


def test_a_rule_over_the_ratio_is_confirmed_alone_and_fails(tmp_path: Path) -> None:
    pack = write_slow_pack(tmp_path / "pack")
    policy = load_policy((str(pack),), ANALYZERS)
    severities = {control.id: control.meta.severity for control in policy.controls}
    checks = [check for control in policy.controls for check in control.checks]
    # a smaller file and a lower bound keep the test short; the slow rule's cost grows with
    # the square of the long function's length, the ordinary rule's with the file
    result = measure_budget(
        checks, severities, semgrep_settings("auto", 1, 30), ratio=4.0, lines=4000
    )
    assert not result.problems
    (slow,) = result.over
    assert slow.check.id == SLOW_CHECK
    assert slow.alone is not None and slow.alone > 4.0, "confirmed by CPU time in its own run"
    (fast,) = [time for time in result.times if time.check.id == FAST_CHECK]
    assert fast.ratio < 1.0 and not fast.timed_out
    assert result.ok is False
