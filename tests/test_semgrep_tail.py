"""The scan's last wave is cut into smaller runs, so that the cores finish together.

With one run per core in the last wave, the core that comes free first runs its last run and
then idles while the other finishes (about 20 s of one idle core on transformers, session 28).
The last wave is now cut into two runs per core (none below a minimum estimated cost); the
runs still cover every target once, and a real scan of the bundled examples reports the same
JSON and SARIF with the cut as without it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

import mlsec_policy.engines.semgrep.engine as semgrep_engine
import mlsec_policy.engines.semgrep.schedule as schedule
from mlsec_policy.engines.semgrep.schedule import plan_runs, tail_runs
from mlsec_policy.engines.semgrep.subsets import Selection
from tests.conftest import EXAMPLES, CliResult
from tests.support.semgrep_runs import record_semgrep_runs, scan_reports

Cli = Callable[..., CliResult]
BIG = 10**9
MIB = 2**20


def test_the_last_targets_get_two_runs_per_core_unless_too_small() -> None:
    python = ["a.py", "b.py"]
    assert tail_runs(python, [8 * MIB, 8 * MIB], 2) == 4
    assert tail_runs(python, [3 * MIB, 3 * MIB], 3) == 3, "no run below TAIL_RUN_COST"
    assert tail_runs(python, [MIB, MIB], 2) == 1, "too small to cut"
    assert tail_runs(["d.json"], [64 * MIB], 2) == 1, "data costs semgrep little"
    assert tail_runs(python, [8 * MIB, 8 * MIB], 1) == 0, "one core: nothing to balance"


def test_a_plan_has_at_least_the_runs_asked_each_target_once() -> None:
    sizes = [900, 500, 400, 300, 200, 100, 100, 50]
    targets = [f"f{n}.py" for n in range(len(sizes))]
    assert len(plan_runs(targets, sizes, 2, BIG, BIG)) == 2
    runs = plan_runs(targets, sizes, 2, BIG, BIG, least=4)
    assert len(runs) == 4
    assert sorted(n for run in runs for n in run) == list(range(len(sizes)))
    spent = [sum(sizes[n] for n in run) for run in runs]
    assert spent == sorted(spent, reverse=True), "costliest run first"
    assert len(plan_runs(targets[:3], sizes[:3], 2, BIG, BIG, least=4)) == 3, "a target a run"
    assert len(plan_runs(targets, sizes, 2, None, BIG, least=4)) == 1, "no budget: one run"


def test_the_last_wave_is_cut_finer_and_the_scan_reports_the_same(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    monkeypatch.setattr(semgrep_engine, "SOURCE_BYTES_PER_RUN", 8192)
    plans: list[int] = []
    real_plan = semgrep_engine.plan_runs  # type: ignore[attr-defined]

    def planning(*args: Any) -> Any:
        runs: Sequence[Any] = real_plan(*args)
        plans.append(len(runs))
        return runs

    monkeypatch.setattr(semgrep_engine, "plan_runs", planning)
    runs = record_semgrep_runs(monkeypatch)
    monkeypatch.setattr(schedule, "TAIL_RUN_COST", BIG)
    whole = scan_reports(cli, tmp_path / "whole", EXAMPLES, "2")
    assert len(plans) > 2 and plans[-1] == 2, f"several waves, the last in one run a core: {plans}"
    before = len(runs)
    plans.clear()
    runs.clear()
    monkeypatch.setattr(schedule, "TAIL_RUN_COST", 1)
    cut = scan_reports(cli, tmp_path / "cut", EXAMPLES, "2")
    assert plans[-1] == 4, f"the last wave in two runs a core: {plans}"
    assert plans[:-1] == [2] * (len(plans) - 1), "the other waves as before"
    assert len(runs) == before + 2
    assert cut == whole


def test_the_next_run_starts_before_the_ended_runs_results_are_read(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A freed core is given the next run first; the ended run's JSON is read after.

    One wave of many runs on one core: each run but the first starts before the results of
    the run before it are read (the run that ends starts it, or this thread does before it
    reads; a later run may start before them too). A run's start is its rules file being
    asked for, so the files are not written ahead here (that asks for them at gating time).
    """
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    monkeypatch.setattr(semgrep_engine, "SOURCE_BYTES_PER_RUN", 8192)
    monkeypatch.setattr(semgrep_engine, "waves", lambda targets, *_: [list(range(len(targets)))])
    events: list[str] = []
    real_rules_file = Selection.rules_file
    real_hits = semgrep_engine.hits  # type: ignore[attr-defined]

    def starting(self: Selection, batch: Sequence[str]) -> Path:
        events.append("start")
        return real_rules_file(self, batch)

    def reading(*args: Any) -> Any:
        events.append("read")
        return real_hits(*args)

    monkeypatch.setattr(Selection, "rules_file", starting)
    monkeypatch.setattr(Selection, "write_ahead", lambda self, batches: None)
    monkeypatch.setattr(semgrep_engine, "hits", reading)
    scan_reports(cli, tmp_path / "one-core", EXAMPLES, "1")
    runs = events.count("start")
    assert runs > 3 and events.count("read") == runs, events
    reads = [n for n, event in enumerate(events) if event == "read"]
    for number, at in enumerate(reads, 1):  # run k's results are read after run k + 1 started
        assert events[:at].count("start") >= min(number + 1, runs), events


def test_a_run_that_ends_starts_the_next_while_results_are_being_read(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two cores: while this thread reads one run's results, the other run's end starts a run.

    The first read waits until a run starts (up to 60 s): only a run that ends can start one
    then, this thread being inside the read. The report is the one of runs started in turn.
    """
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    monkeypatch.setattr(semgrep_engine, "SOURCE_BYTES_PER_RUN", 8192)
    monkeypatch.setattr(semgrep_engine, "waves", lambda targets, *_: [list(range(len(targets)))])
    monkeypatch.setattr(Selection, "write_ahead", lambda self, batches: None)
    starts: list[float] = []
    waited: list[bool] = []
    real_rules_file = Selection.rules_file
    real_hits = semgrep_engine.hits  # type: ignore[attr-defined]

    def starting(self: Selection, batch: Sequence[str]) -> Path:
        starts.append(time.monotonic())
        return real_rules_file(self, batch)

    def reading(*args: Any) -> Any:
        if not waited:
            before = len(starts)
            deadline = time.monotonic() + 60
            while len(starts) == before and time.monotonic() < deadline:
                time.sleep(0.02)
            waited.append(len(starts) > before)
        return real_hits(*args)

    monkeypatch.setattr(Selection, "rules_file", starting)
    monkeypatch.setattr(semgrep_engine, "hits", reading)
    _, report, _ = scan_reports(cli, tmp_path / "two-cores", EXAMPLES, "2")
    assert waited == [True]
    assert len(starts) > 4
    monkeypatch.setattr(semgrep_engine, "hits", real_hits)
    monkeypatch.setattr(Selection, "rules_file", real_rules_file)
    _, alone, _ = scan_reports(cli, tmp_path / "plain", EXAMPLES, "2")
    assert report == alone
