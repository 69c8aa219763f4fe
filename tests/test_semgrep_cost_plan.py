"""The runs are dealt by the rules each target's gate passes, not by its bytes alone.

h2ogpt's ``src/gradio_runner.py`` is a large file that the taint rules' gates pass: by bytes
its run looked like the other, and it ran alone for 10 to 40 s at the end of the scan. Once
the gates are known each target's cost is its bytes times (its parse + the rules it passes),
so such a file gets a run with less else in it; the byte budget still bounds every run, and a
plan by weight never needs more runs than the plan by bytes. The plan never changes what a
scan reports: a real scan of the bundled examples gives the same JSON and SARIF by weight and
by bytes.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

import mlsec_policy.engines.semgrep.engine as semgrep_engine
from mlsec_policy.engines.semgrep.schedule import PARSE_COST, gated_costs, plan_runs
from tests.conftest import EXAMPLES, CliResult
from tests.support.semgrep_runs import scan_reports

Cli = Callable[..., CliResult]
BIG = 10**9
TAINT = 60


def test_a_file_that_costly_rules_pass_is_not_packed_with_more_work() -> None:
    """The h2ogpt shape: one large file the taint rules pass, smaller ones one rule passes."""
    targets = ["src/gradio_runner.py", *(f"src/m{n}.py" for n in range(6))]
    sizes = [300, *[100] * 6]
    wants = {targets[0]: frozenset({"taint-a", "taint-b"})} | {
        t: frozenset({"search"}) for t in targets[1:]
    }
    rule_costs = {"taint-a": TAINT, "taint-b": TAINT, "search": 1}
    weights = gated_costs(targets, sizes, wants, rule_costs)
    assert weights == [300 * (PARSE_COST + 2 * TAINT), *[100 * (PARSE_COST + 1)] * 6]
    by_bytes = plan_runs(targets, sizes, 2, BIG, BIG)
    assert any(0 in run and len(run) > 1 for run in by_bytes), "by bytes it shares a run"
    by_weight = plan_runs(targets, sizes, 2, BIG, BIG, weights=weights)
    assert by_weight == [[0], [1, 2, 3, 4, 5, 6]], "alone, and its run starts first"


def test_weights_balance_the_runs_by_what_the_gates_pass() -> None:
    targets = [f"f{n}.py" for n in range(8)]
    sizes = [100] * 8
    rules = [3, 0, 3, 0, 0, 0, 0, 0]
    wants = {
        t: frozenset(f"r{k}" for k in range(count)) for t, count in zip(targets, rules, strict=True)
    }
    weights = gated_costs(targets, sizes, wants, {f"r{k}": 10 for k in range(3)})
    assert weights is not None
    assert [0, 2] in [
        [n for n in run if n in (0, 2)] for run in plan_runs(targets, sizes, 2, BIG, BIG)
    ], "by bytes the two costly files share a run"
    runs = plan_runs(targets, sizes, 2, BIG, BIG, weights=weights)
    assert sorted(runs) == [[0, 1, 4, 6], [2, 3, 5, 7]], "one costly file in each run"
    spent = [sum(weights[n] for n in run) for run in runs]
    assert spent[0] == spent[1]


def test_without_known_gates_the_plan_is_by_bytes() -> None:
    targets = ["a.py", "b.py"]
    assert gated_costs(targets, [1, 2], None, {}) is None
    assert gated_costs(targets, [1, 2], {}, {}) == [PARSE_COST, 2 * PARSE_COST]
    with pytest.raises(ValueError, match="one weight per target"):
        plan_runs(targets, [1, 2], 2, BIG, BIG, weights=[1])


def test_the_byte_budget_still_bounds_the_runs_and_their_number() -> None:
    """Dealt by weight the bytes may not fit the planned runs: then the plan by bytes."""
    targets = [f"f{n}.py" for n in range(6)]
    sizes = [50, 50, 50, 50, 90, 10]
    budget = 150
    # by weight the two heaviest (50 bytes each) and the two next go to different runs...
    weights = [1000, 1000, 900, 900, 1, 1]
    by_bytes = plan_runs(targets, sizes, 2, budget, BIG)
    assert len(by_bytes) == 2
    runs = plan_runs(targets, sizes, 2, budget, BIG, weights=weights)
    # ...and the 90-byte file then fits neither run: a third run would be needed
    assert len(runs) == 2, runs
    assert sorted(n for run in runs for n in run) == list(range(6))
    for run in runs:
        assert sum(sizes[n] for n in run) <= budget, run
    fitting = [100, 100, 100, 100, 1000, 1]
    runs = plan_runs(targets, sizes, 2, budget, BIG, weights=fitting)
    assert len(runs) == 2 and runs != by_bytes, "by weight whenever the bytes fit"


def test_the_scan_deals_by_the_gates_and_reports_the_same_as_by_bytes(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    seen: list[Sequence[int] | None] = []
    planned: list[tuple[Sequence[str], Sequence[int]]] = []
    real_plan = semgrep_engine.plan_runs  # type: ignore[attr-defined]

    def planning(*args: Any) -> Any:
        seen.append(args[6] if len(args) > 6 else None)
        planned.append((args[0], args[1]))
        return real_plan(*args)

    monkeypatch.setattr(semgrep_engine, "plan_runs", planning)
    weighed = scan_reports(cli, tmp_path / "weighed", EXAMPLES, "2")
    assert seen and all(w is not None for w in seen), "every wave's gates known, dealt by them"
    ratios = {
        weights[n] // size
        for weights, (paths, sizes) in zip(seen, planned, strict=True)
        for n, (path, size) in enumerate(zip(paths, sizes, strict=True))
        if weights and path.endswith(".py") and size
    }
    assert len(ratios) > 1, "not proportional to bytes: the rules each file passes count"
    seen.clear()
    monkeypatch.setattr(semgrep_engine, "gated_costs", lambda *_: None)
    by_bytes = scan_reports(cli, tmp_path / "bytes", EXAMPLES, "2")
    assert seen and all(w is None for w in seen)
    assert by_bytes == weighed
