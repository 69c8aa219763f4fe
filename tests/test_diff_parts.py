"""A diff scan's semgrep parts run at once, each in a scratch folder of its own.

:func:`mlsec_policy.diffscope.run_split` runs three parts of the semgrep checks — the per-file
rules on the changed files, the first-match search, the other repository-wide rules — in
threads side by side (``parallel``). Real git repository, real semgrep: the three parts are
shown to be running at the same time (each waits for the others at a barrier before it starts
semgrep; run one after another, the barrier times out), each writes under its own folder, and
the engine's output and the scan's reports are the same as when the parts run in turn.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

from mlsec_policy import scan as scan_module
from mlsec_policy.analyzers import ANALYZERS
from mlsec_policy.diffscope import plan, run_split
from mlsec_policy.discover import discover
from mlsec_policy.engines.base import EngineOutput, Workspace
from mlsec_policy.engines.semgrep.engine import SemgrepEngine
from mlsec_policy.models import Inventory
from mlsec_policy.options import SemgrepSettings
from mlsec_policy.policy import SemgrepCheck, load_policy
from mlsec_policy.suppress.diff import changes_since
from tests.conftest import CliResult
from tests.test_diff_words import _repo
from tests.test_result_cache import _scan

BARRIER_SECONDS = 60.0
"""How long a part waits for the other two before the test fails (never reached when they run
at once; bounded so that parts run in turn fail the test instead of hanging it)."""


class _Recorder:
    """The real semgrep engine, noting which scratch folder each run was given."""

    def __init__(self, engine: SemgrepEngine, barrier: threading.Barrier | None) -> None:
        self.engine = engine
        self.name = engine.name
        self.barrier = barrier
        self.scratches: set[Path] = set()
        self.waited: set[int] = set()
        self.lock = threading.Lock()

    def run(self, checks: Sequence[Any], inventory: Inventory, workspace: Workspace) -> Any:
        return self.run_part(checks, checks, inventory, workspace)

    def run_part(
        self,
        checks: Sequence[Any],
        complete: Sequence[Any],
        inventory: Inventory,
        workspace: Workspace,
    ) -> EngineOutput:
        with self.lock:
            self.scratches.add(workspace.scratch)
            first = threading.get_ident() not in self.waited
            self.waited.add(threading.get_ident())
        if self.barrier is not None and first:
            self.barrier.wait()  # the first run of each part: all three must have started
        return self.engine.run_part(checks, complete, inventory, workspace)


def _split(root: Path, scratch: Path, parallel: bool, barrier: threading.Barrier | None) -> Any:
    policy = load_policy(("builtin",), ANALYZERS)
    inventory = discover(root, ())
    changes = changes_since(root, "HEAD~1")
    scope = plan(policy, inventory, changes, ANALYZERS)
    engine = _Recorder(SemgrepEngine(SemgrepSettings(jobs=1), policy.severities()), barrier)
    scratch.mkdir()
    output = run_split(
        engine,
        policy.checks(SemgrepCheck),
        inventory,
        Workspace(root, scratch),
        scope,
        parallel,
    )
    return output, engine.scratches


def test_the_parts_run_at_once_in_folders_of_their_own(tmp_path: Path) -> None:
    root = _repo(tmp_path / "repo")
    barrier = threading.Barrier(3, timeout=BARRIER_SECONDS)
    together, folders = _split(root, tmp_path / "together", True, barrier)
    in_turn, shared = _split(root, tmp_path / "in-turn", False, None)
    assert len(folders) == 3  # the changed file's rules, the search, the whole-tree rules
    assert all(f.parent == tmp_path / "together" for f in folders)
    assert shared == {tmp_path / "in-turn"}
    assert together == in_turn
    assert together.hits and together.examined == ("svc/api.py",)


def test_the_reports_are_the_same_with_the_parts_at_once(
    cli: Callable[..., CliResult], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    root = _repo(tmp_path / "repo")
    diff = ["--no-cache", "--diff-base", "HEAD~1"]
    in_turn = _scan(cli, root, tmp_path / "in-turn", *diff)
    calls: list[bool] = []

    def at_once(*args: Any) -> EngineOutput:
        engine, checks, inventory, workspace, scope, *rest = args
        calls.append(bool(rest) and rest[0])
        worded = rest[1] if len(rest) > 1 else None
        parallel = bool(rest)  # semgrep's parts at once; the native engine's run as it was
        return run_split(engine, checks, inventory, workspace, scope, parallel, worded)

    monkeypatch.setattr(scan_module, "run_split", at_once)
    assert _scan(cli, root, tmp_path / "at-once", *diff) == in_turn
    assert calls == [False, False]  # the scan runs the parts in turn (session 30's measurement)
