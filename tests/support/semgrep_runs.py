"""Recording which targets each semgrep process of the scan engine is given."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

import mlsec_policy.engines.semgrep.engine as semgrep_engine
import mlsec_policy.engines.semgrep.rulesplit as rulesplit


def record_semgrep_runs(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """Return a list that receives the targets of every semgrep run (semgrep still runs)."""
    runs: list[list[str]] = []
    real = semgrep_engine.run_rules  # type: ignore[attr-defined]

    def recording(binary: Path, rules: Path, targets: Sequence[str], *args: Any) -> Any:
        runs.append(list(targets))
        return real(binary, rules, targets, *args)

    monkeypatch.setattr(semgrep_engine, "run_rules", recording)
    # the processes of a run split by rules (one per part, each over the run's targets)
    monkeypatch.setattr(rulesplit, "run_rules", recording)
    return runs


def record_semgrep_rules(monkeypatch: pytest.MonkeyPatch) -> list[tuple[dict[str, Any], list[str]]]:
    """Return a list that receives (rules by id, targets) of every process the engine starts.

    Only the engine's own runs are recorded (semgrep still runs), with the rules file as the
    engine wrote it for that run.
    """
    runs: list[tuple[dict[str, Any], list[str]]] = []
    real = semgrep_engine.run_rules  # type: ignore[attr-defined]

    def recording(binary: Path, rules: Path, targets: Sequence[str], *args: Any) -> Any:
        loaded = json.loads(rules.read_text(encoding="utf-8"))["rules"]
        runs.append(({rule["id"]: rule for rule in loaded}, list(targets)))
        return real(binary, rules, targets, *args)

    monkeypatch.setattr(semgrep_engine, "run_rules", recording)
    return runs


def scan_reports(
    cli: Callable[..., Any], out: Path, target: Path, jobs: str = "1"
) -> tuple[int, bytes, bytes]:
    """Scan ``target`` without a cache; return the exit code, the JSON and the SARIF report."""
    out.mkdir(parents=True)
    result = cli(
        "scan", str(target), "-q", "--no-cache", "--jobs", jobs,
        "--json-output", str(out / "r.json"), "--sarif-output", str(out / "r.sarif"),
    )  # fmt: skip
    assert result.code in (0, 1), result.err
    return result.code, (out / "r.json").read_bytes(), (out / "r.sarif").read_bytes()
