"""Semgrep over the targets in several processes: one logical run, the same report.

The target list is cut into runs by the bytes of the targets (and the length of the command
line); every file lands in exactly one run and every rule runs on it there. A real scan of the
bundled examples (real semgrep, views included) with every target in a run of its own gives
byte-identical JSON and SARIF reports to the scan with one semgrep process.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import mlsec_policy.engines.semgrep.engine as semgrep_engine
from mlsec_policy.engines.semgrep.process import batches
from tests.conftest import EXAMPLES, CliResult
from tests.support.semgrep_runs import record_semgrep_runs

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


def _scan(cli: Cli, out: Path) -> tuple[int, bytes, bytes]:
    out.mkdir(parents=True)
    result = cli(
        "scan", str(EXAMPLES), "-q", "--no-cache", "--jobs", "1",
        "--json-output", str(out / "r.json"), "--sarif-output", str(out / "r.sarif"),
    )  # fmt: skip
    assert result.code in (0, 1), result.err
    return result.code, (out / "r.json").read_bytes(), (out / "r.sarif").read_bytes()


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
