"""Dealing the targets out to semgrep runs of about equal cost; results in target order.

A cut by bytes alone gave h2ogpt's Python to one process and its JSON data to the other (43
and 5 CPU-s): the scan waited for the first. The plan estimates a target's cost from its bytes
and language and balances the runs, within the byte and command-line budgets. Whatever run a
file lands in and whenever that run ends, the engine reports its results in target order: a
real scan of the bundled examples with the runs started in reverse order and the targets
shuffled among them gives byte-identical JSON and SARIF.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

import mlsec_policy.engines.semgrep.engine as semgrep_engine
from mlsec_policy.engines.semgrep.schedule import cost, in_target_order, plan_runs
from mlsec_policy.models import Hit, Location, Observation, ScanError
from tests.conftest import EXAMPLES, CliResult
from tests.support.semgrep_runs import record_semgrep_runs

Cli = Callable[..., CliResult]
BIG = 10**9


def _flat(runs: Sequence[Sequence[int]]) -> list[int]:
    return sorted(n for run in runs for n in run)


def test_python_and_data_files_are_balanced_by_cost_not_bytes() -> None:
    """The h2ogpt shape: the Python bytes are shared out, the cheap JSON bytes follow."""
    targets = ["data/d.json", *(f"src/m{n}.py" for n in range(4))]
    sizes = [1200, 300, 300, 300, 300]
    runs = plan_runs(targets, sizes, jobs=2, source_budget=10_000, arg_budget=BIG)
    assert len(runs) == 2
    assert _flat(runs) == list(range(5)), "each target in exactly one run"
    python = [sum(1 for n in run if targets[n].endswith(".py")) for run in runs]
    assert python == [2, 2], "balanced by bytes, one run would get every Python file"
    assert all(run == sorted(run) for run in runs), "targets keep their order within a run"


def test_costliest_run_starts_first_and_costs_are_close() -> None:
    sizes = [900, 500, 400, 300, 200, 100, 100, 50]
    targets = [f"f{n}.py" for n in range(len(sizes))]
    runs = plan_runs(targets, sizes, jobs=2, source_budget=BIG, arg_budget=BIG)
    spent = [sum(sizes[n] for n in run) for run in runs]
    assert spent == sorted(spent, reverse=True), "costliest run first"
    assert spent[0] - spent[-1] <= 100, spent


def test_the_byte_budget_bounds_every_run_and_sets_their_number() -> None:
    sizes = [40, 50, 20, 500, 10, 30, 60, 45]
    targets = [f"f{n}.py" for n in range(len(sizes))]
    runs = plan_runs(targets, sizes, jobs=2, source_budget=100, arg_budget=BIG)
    assert _flat(runs) == list(range(len(sizes)))
    for run in runs:
        assert len(run) == 1 or sum(sizes[n] for n in run) <= 100, run
    assert [3] in runs, "a target over the budget runs alone"
    assert len(runs) >= 4, "755 bytes at 100 a run and two cores: runs of the budget at most"


def test_the_command_line_budget_cuts_even_without_a_byte_budget() -> None:
    targets = [f"file{n}.py" for n in range(10)]
    assert plan_runs(targets, [1] * 10, 2, None, BIG) == [list(range(10))], "one run"
    runs = plan_runs(targets, [1] * 10, 2, None, 30)
    assert _flat(runs) == list(range(10))
    assert all(sum(len(targets[n]) + 1 for n in run) <= 30 for run in runs)


def test_a_small_tree_gets_one_run_per_core_and_no_empty_run() -> None:
    assert plan_runs(["a.py"], [10], 4, 1000, BIG) == [[0]]
    assert len(plan_runs(["a.py", "b.py", "c.py"], [10, 10, 10], 2, 1000, BIG)) == 2
    assert plan_runs([], [], 2, 1000, BIG) == []


def test_python_costs_more_than_other_bytes() -> None:
    assert cost("a.py", 3200) == 3200
    assert cost("views/3/nb.py", 3200) == 3200, "a notebook's view is Python"
    assert cost("data.json", 3200) == 100
    assert cost("README.md", 1) == 1, "never free"


def _hit(path: str, line: int) -> Hit:
    return Hit("C", "c", Observation(Location(path, line), "m"))


def test_results_come_back_in_target_order_whatever_the_run_order() -> None:
    paths = ["a.py", "b.py", "c.py"]
    found = [_hit("c.py", 9), _hit("a.py", 5), _hit("c.py", 1), _hit("b.py", 2), _hit("a.py", 1)]
    errors = [
        ScanError("semgrep", "parse-error", "c", path="c.py"),
        ScanError("semgrep", "x", "no file"),
        ScanError("semgrep", "view", "v", path="nb.ipynb"),
        ScanError("semgrep", "parse-error", "a", path="a.py"),
    ]
    hits, ordered = in_target_order(found, errors, paths)
    assert [(h.observation.location.path, h.observation.location.start_line) for h in hits] == [
        ("a.py", 5), ("a.py", 1), ("b.py", 2), ("c.py", 9), ("c.py", 1),
    ], "by target, each file's results in semgrep's order"  # fmt: skip
    assert [e.message for e in ordered] == ["v", "a", "c", "no file"]


def _scan(cli: Cli, out: Path) -> tuple[bytes, bytes]:
    out.mkdir(parents=True)
    result = cli(
        "scan", str(EXAMPLES), "-q", "--no-cache", "--jobs", "2",
        "--json-output", str(out / "r.json"), "--sarif-output", str(out / "r.sarif"),
    )  # fmt: skip
    assert result.code in (0, 1), result.err
    return (out / "r.json").read_bytes(), (out / "r.sarif").read_bytes()


def test_a_scan_reports_the_same_whatever_the_runs_and_their_order(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    runs = record_semgrep_runs(monkeypatch)
    planned = _scan(cli, tmp_path / "planned")
    assert len(runs) == 2, "the examples are far under the budget: one run per core"

    def shuffled(
        targets: Sequence[str],
        sizes: Sequence[int],
        jobs: int,
        budget: int | None,
        args: int,
        least: int = 0,
        weights: Sequence[int] | None = None,
    ) -> list[list[int]]:
        numbers = list(range(len(targets)))
        random.Random(7).shuffle(numbers)
        return [numbers[k::3] for k in range(3)][::-1]

    monkeypatch.setattr(semgrep_engine, "plan_runs", shuffled)
    started = len(runs)
    assert _scan(cli, tmp_path / "shuffled") == planned
    assert len(runs) - started == 3
    assert any(run != sorted(run) for run in runs[started:]), "targets out of order in a run"
