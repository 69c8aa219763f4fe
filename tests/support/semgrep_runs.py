"""Recording which targets each semgrep process of the scan engine is given."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

import mlsec_policy.engines.semgrep.engine as semgrep_engine


def record_semgrep_runs(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """Return a list that receives the targets of every semgrep run (semgrep still runs)."""
    runs: list[list[str]] = []
    real = semgrep_engine.run_rules  # type: ignore[attr-defined]

    def recording(binary: Path, rules: Path, targets: Sequence[str], *args: Any) -> Any:
        runs.append(list(targets))
        return real(binary, rules, targets, *args)

    monkeypatch.setattr(semgrep_engine, "run_rules", recording)
    return runs
