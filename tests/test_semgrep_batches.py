"""Semgrep over the targets in several processes: one logical run, the same report.

The target list is cut into runs by the bytes of the targets (and the length of the command
line); every file lands in exactly one run and every rule runs on it there. A real scan of the
bundled examples (real semgrep, views included) with every target in a run of its own gives
byte-identical JSON and SARIF reports to the scan with one semgrep process.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

import mlsec_policy.engines.semgrep.engine as semgrep_engine
from mlsec_policy.engines.semgrep.process import batches
from tests.conftest import EXAMPLES, CliResult
from tests.support.semgrep_runs import record_semgrep_runs, scan_reports

Cli = Callable[..., CliResult]


def test_runs_are_cut_by_the_bytes_of_their_targets() -> None:
    targets = ["a.py", "b.py", "c.py", "big.py", "d.py"]
    sizes = [40, 50, 20, 500, 10]
    runs = batches(targets, sizes=sizes, source_budget=100)
    assert runs == [["a.py", "b.py"], ["c.py"], ["big.py"], ["d.py"]]
    assert [t for run in runs for t in run] == targets, "each target once, in order"


def test_without_sizes_only_the_command_line_cuts() -> None:
    targets = [f"file{n}.py" for n in range(10)]
    assert batches(targets) == [targets]
    assert batches(targets, budget=30) == [targets[:3], targets[3:6], targets[6:9], targets[9:]]
    assert batches(targets, sizes=[10**9] * 10) == [targets], "no byte budget: one run"


@pytest.fixture
def semgrep_runs(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """Record the targets of every semgrep process the scans start (semgrep still runs)."""
    return record_semgrep_runs(monkeypatch)


def _named(target: str) -> str:
    """Return a target without the scan's own scratch folder (views are written there)."""
    return target.partition("/views/")[2] or target


def _scan(cli: Cli, out: Path, jobs: str = "1") -> tuple[int, bytes, bytes]:
    return scan_reports(cli, out, EXAMPLES, jobs)


def test_a_scan_in_many_semgrep_runs_reports_exactly_what_one_run_does(
    cli: Cli,
    tmp_path: Path,
    semgrep_runs: list[list[str]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    monkeypatch.setattr(semgrep_engine, "SOURCE_BYTES_PER_RUN", None)
    whole = _scan(cli, tmp_path / "whole")
    (single,) = semgrep_runs
    assert len(single) > 5, "the examples give semgrep several files in one process"
    started = len(semgrep_runs)
    monkeypatch.setattr(semgrep_engine, "SOURCE_BYTES_PER_RUN", 1)
    split = _scan(cli, tmp_path / "split")
    runs = semgrep_runs[started:]
    assert all(len(run) == 1 for run in runs), "a budget of one byte: every file alone"
    assert sorted(_named(t) for run in runs for t in run) == sorted(map(_named, single))
    assert split == whole


def test_runs_side_by_side_report_exactly_what_one_run_does(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With --jobs 2 and several runs, two one-core semgrep processes run at once: same report."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    monkeypatch.setattr(semgrep_engine, "SOURCE_BYTES_PER_RUN", None)
    whole = _scan(cli, tmp_path / "whole", jobs="2")
    real = semgrep_engine.run_rules  # type: ignore[attr-defined]
    lock = threading.Lock()
    now = [0]
    most = [0]
    jobs: list[int] = []

    def counting(binary: Path, rules: Path, targets: Sequence[str], *args: Any) -> Any:
        with lock:
            now[0] += 1
            most[0] = max(most[0], now[0])
            jobs.append(args[2].jobs)
        try:
            time.sleep(0.2)  # let the other worker start before this one can end
            return real(binary, rules, targets, *args)
        finally:
            with lock:
                now[0] -= 1

    monkeypatch.setattr(semgrep_engine, "run_rules", counting)
    monkeypatch.setattr(semgrep_engine, "SOURCE_BYTES_PER_RUN", 1)
    split = _scan(cli, tmp_path / "split", jobs="2")
    assert len(jobs) > 5, "a budget of one byte: a run per file"
    assert set(jobs) == {1}, "each process of several runs gets one core"
    assert most[0] == 2, "two processes at once, never more than --jobs"
    assert split == whole


def test_a_small_tree_is_shared_out_among_the_cores(
    cli: Cli, tmp_path: Path, semgrep_runs: list[list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Under the byte budget, --jobs 2 still gives two one-core runs of about half the bytes."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    shared = _scan(cli, tmp_path / "shared", jobs="2")
    # far under the budget, yet cut by about half the bytes: a greedy cut by bytes gives two
    # runs, or a few more when a file does not fit the first half
    assert 2 <= len(semgrep_runs) <= 4, semgrep_runs
    assert all(semgrep_runs), "neither run is empty"
    started = len(semgrep_runs)
    monkeypatch.setattr(semgrep_engine, "SOURCE_BYTES_PER_RUN", None)
    whole = _scan(cli, tmp_path / "whole", jobs="2")
    assert len(semgrep_runs) - started == 1, "no budget: one process"
    assert shared == whole
