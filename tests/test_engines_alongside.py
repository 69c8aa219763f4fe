"""Semgrep's processes start before the native analyzers take the interpreter lock.

Both engines run in one process: the native analyzers in the main thread, semgrep's preparation
(reading every target to pick its view) and its child processes from another thread. Started at
once, the Python threads share the interpreter lock and semgrep's first process waits for the
analyzers' share too. The native work now starts once semgrep's processes run; it still starts
when semgrep's thread ends without any, or fails.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

import mlsec_policy.engines.semgrep.engine as semgrep_engine
from mlsec_policy.engines.alongside import side_by_side
from mlsec_policy.engines.base import EngineOutput
from mlsec_policy.engines.native import NativeEngine
from tests.conftest import EXAMPLES, CliResult

Cli = Callable[..., CliResult]


def test_the_second_engine_waits_until_the_first_has_launched() -> None:
    launched = threading.Event()
    events: list[str] = []

    def processes() -> EngineOutput:
        time.sleep(0.3)
        events.append("launched")
        launched.set()
        time.sleep(0.2)
        events.append("processes done")
        return EngineOutput(version="1")

    def in_process() -> EngineOutput:
        events.append("in-process started")
        return EngineOutput(version="2")

    first, second = side_by_side(processes, in_process, launched)
    assert (first.version, second.version) == ("1", "2")
    assert events == ["launched", "in-process started", "processes done"]


def test_the_second_engine_runs_when_the_first_ends_without_launching_or_fails() -> None:
    ran: list[str] = []

    def in_process() -> EngineOutput:
        ran.append("native")
        return EngineOutput()

    first, _ = side_by_side(lambda: EngineOutput(version="x"), in_process, threading.Event())
    assert first.version == "x" and ran == ["native"]

    def broken() -> EngineOutput:
        raise RuntimeError("semgrep could not start")

    with pytest.raises(RuntimeError, match="could not start"):
        side_by_side(broken, in_process, threading.Event())
    assert ran == ["native", "native"], "the native work still ran before the error surfaced"


def test_a_scan_starts_semgrep_before_the_native_analyzers(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[str] = []
    real_rules = semgrep_engine.run_rules  # type: ignore[attr-defined]
    real_native = NativeEngine.run

    def recording_rules(binary: Path, rules: Path, targets: Sequence[str], *args: Any) -> Any:
        started.append("semgrep")
        return real_rules(binary, rules, targets, *args)

    def recording_native(self: NativeEngine, *args: Any) -> EngineOutput:
        started.append("native")
        return real_native(self, *args)

    monkeypatch.setattr(semgrep_engine, "run_rules", recording_rules)
    monkeypatch.setattr(NativeEngine, "run", recording_native)
    result = cli("scan", str(EXAMPLES), "-q", "--no-cache", "--jobs", "2",
                 "--json-output", str(tmp_path / "r.json"))  # fmt: skip
    assert result.code in (0, 1), result.err
    assert started[0] == "semgrep", started
    assert started.count("native") == 1 and started.count("semgrep") >= 2
