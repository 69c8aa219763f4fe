"""Semgrep's first processes start before every target is gated: the gates go a wave at a time.

Computing the gates (:mod:`mlsec_policy.engines.semgrep.subsets`) reads every target; on
transformers that kept one core idle for about 15 s before the first semgrep process. The
engine now plans the runs by bytes, gates the targets of the first ``--jobs`` runs, starts
them, and gates the next wave while they work. A real scan of the bundled examples in many
waves gives byte-identical JSON and SARIF to the scan in one wave, and a semgrep process has
started before the last wave is gated.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

import mlsec_policy.engines.semgrep.engine as semgrep_engine
import mlsec_policy.engines.semgrep.formulas as formulas
import mlsec_policy.engines.semgrep.subsets as subsets
from mlsec_policy.engines.semgrep.schedule import plan_runs, waves
from tests.conftest import EXAMPLES, CliResult
from tests.support.semgrep_runs import scan_reports

Cli = Callable[..., CliResult]
BIG = 10**9


def test_waves_are_the_plans_runs_taken_jobs_at_a_time() -> None:
    targets = [f"f{n}.py" for n in range(8)]
    sizes = [100, 300, 100, 200, 100, 400, 100, 100]
    plan = plan_runs(targets, sizes, 2, 150, BIG)
    assert len(plan) > 2
    found = waves(targets, sizes, 2, 150, BIG)
    assert found[0] == sorted(plan[0] + plan[1]), "the first wave: the costliest runs, one a core"
    assert all(wave == sorted(wave) for wave in found), "each wave keeps the targets' order"
    assert sorted(n for wave in found for n in wave) == list(range(8)), "each target once"
    assert len(found) == -(-len(plan) // 2)


def test_a_plan_of_no_more_runs_than_cores_is_one_wave() -> None:
    targets = [f"f{n}.py" for n in range(5)]
    assert waves(targets, [10] * 5, 2, BIG, BIG) == [list(range(5))]
    assert waves(targets, [10] * 5, 1, None, BIG) == [list(range(5))]
    assert waves([], [], 2, 10, BIG) == []


def test_semgrep_starts_before_the_last_wave_is_gated_and_reports_the_same(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    events: list[tuple[str, int]] = []
    real_select = semgrep_engine.select  # type: ignore[attr-defined]
    real_run = semgrep_engine.run_rules  # type: ignore[attr-defined]

    def gating(targets: Sequence[Any], *args: Any) -> Any:
        events.append(("gate", len(targets)))
        return real_select(targets, *args)

    def running(binary: Path, rules: Path, targets: Sequence[str], *args: Any) -> Any:
        events.append(("run", len(targets)))
        return real_run(binary, rules, targets, *args)

    real_prefilters = formulas.prefilters
    fetched: list[Path] = []

    def fetching(rules: Path, *args: Any) -> Any:
        fetched.append(rules)
        return real_prefilters(rules, *args)

    monkeypatch.setattr(semgrep_engine, "select", gating)
    monkeypatch.setattr(semgrep_engine, "run_rules", running)
    monkeypatch.setattr(subsets, "prefilters", fetching)
    monkeypatch.setattr(semgrep_engine, "SOURCE_BYTES_PER_RUN", None)
    whole = scan_reports(cli, tmp_path / "whole", EXAMPLES, "2")
    assert [kind for kind, _ in events].count("gate") == 1, "no byte budget: one wave"
    gated = events[0][1]
    events.clear()
    fetched.clear()
    monkeypatch.setattr(semgrep_engine, "SOURCE_BYTES_PER_RUN", 4096)
    waved = scan_reports(cli, tmp_path / "waved", EXAMPLES, "2")
    gates = [n for n, (kind, _) in enumerate(events) if kind == "gate"]
    runs = [n for n, (kind, _) in enumerate(events) if kind == "run"]
    assert len(gates) > 2, events
    assert sum(events[n][1] for n in gates) == gated, "every target gated once"
    assert runs and runs[0] < gates[-1], "a semgrep process started before the last wave's gates"
    assert len(fetched) == 1, "semgrep's prefilters are fetched once per scan, not per wave"
    assert waved == whole
