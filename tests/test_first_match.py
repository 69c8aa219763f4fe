"""A ``--diff-base`` scan stops a whole-repository scope or evidence search at its first match.

Real git repositories, the real semgrep and analyzers, batches made tiny so that a search runs
over several of them: the diff scan names the first match in the search order and says it
stopped there; a full scan still lists every match; a search that finds nothing in the first
batches goes on to the last file (never "not found" early); and the diff scan's reports are
byte for byte the same with and without a cache.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import git
import pytest

from mlsec_policy import firstmatch
from mlsec_policy.analyzers import ANALYZERS
from mlsec_policy.discover import discover
from mlsec_policy.models import CheckMode
from mlsec_policy.policy import NativeCheck, load_policy
from tests.conftest import CliResult, commit_all, load_json, write_tree
from tests.test_result_cache import _scan

Cli = Callable[..., CliResult]

SERVICE = (
    "from fastapi import FastAPI\n"
    "import prometheus_client\n"
    "\n"
    "app = FastAPI()\n"
    "\n"
    "\n"
    '@app.post("/predict")\n'
    "async def predict(payload: dict) -> dict:\n"
    "    return {}\n"
    "\n"
    "\n"
    '@app.get("/health")\n'
    "async def health() -> dict:\n"
    "    return {}\n"
)
"""A serving endpoint (MLSEC-MON-01's scope) with a metrics library (its evidence)."""
FILLER = "def add(a: int, b: int) -> int:\n    return a + b\n"


@pytest.fixture(autouse=True)
def _small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    monkeypatch.setattr(firstmatch, "FIRST_BATCH", 1)
    monkeypatch.setattr(firstmatch, "GROWTH", 2)


def _repo(root: Path, tree: dict[str, str | bytes]) -> Path:
    """Return a repository of ``tree`` in one commit, then one commit changing README.md."""
    write_tree(root, {"README.md": "# demo\n", **tree})
    repo = git.Repo.init(root)
    commit_all(repo, "first")
    write_tree(root, {"README.md": "# demo\n\nchanged\n"})
    commit_all(repo, "second")
    return root


def _control(report_path: Path, control_id: str) -> dict[str, Any]:
    report = load_json(report_path)
    found: dict[str, Any] = next(r for r in report["results"] if r["control"]["id"] == control_id)
    return found


def _places(result: dict[str, Any]) -> list[str]:
    return [f"{e['location']['path']}:{e['location']['start_line']}" for e in result["evidence"]]


def test_the_diff_scan_names_the_first_match_and_a_full_scan_every_match(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(firstmatch, "FIRST_BATCH", 3)  # three services match in the first
    services = {f"svc/s{n}.py": SERVICE for n in range(4)}
    fillers = {f"lib/m{n}.py": FILLER for n in range(6)}
    root = _repo(tmp_path / "repo", {**fillers, **services})

    _scan(cli, root, tmp_path / "full", "--no-cache")
    _scan(cli, root, tmp_path / "diff", "--no-cache", "--diff-base", "HEAD~1")

    full = _control(tmp_path / "full" / "r.json", "MLSEC-MON-01")
    assert full["status"] == "pass"
    assert _places(full) == [f"svc/s{n}.py:2" for n in range(4)]
    assert "searched the repository only up to" not in full["reason"]
    diff = _control(tmp_path / "diff" / "r.json", "MLSEC-MON-01")
    assert diff["status"] == "pass"
    # the services spell the ranking's words: they come first, then by path
    assert _places(diff) == ["svc/s0.py:2"]
    assert diff["reason"] == (
        "evidence found; the diff scan searched the repository only up to the first scope match"
        " of serving-endpoint (svc/s0.py:7) and the first evidence match of"
        " serving-metrics-library (svc/s0.py:2)"
    )


def test_a_search_without_an_early_match_reads_every_file(cli: Cli, tmp_path: Path) -> None:
    # the only evidence sits in the file searched last: no ranking word, last by path
    fillers = {f"lib/m{n}.py": FILLER for n in range(9)}
    last = {"zz/monitor.py": "import nannyml\n"}
    root = _repo(
        tmp_path / "repo", {"svc/s0.py": SERVICE.replace("prometheus", "os"), **fillers, **last}
    )
    assert firstmatch.search_order(discover(root, ()))[-1] == "zz/monitor.py"

    _scan(cli, root, tmp_path / "diff", "--no-cache", "--diff-base", "HEAD~1")

    diff = _control(tmp_path / "diff" / "r.json", "MLSEC-MON-01")
    assert diff["status"] == "pass", diff["reason"]
    assert _places(diff) == ["zz/monitor.py:1"]


def test_a_missing_match_is_found_missing_only_after_every_file(cli: Cli, tmp_path: Path) -> None:
    fillers = {f"lib/m{n}.py": FILLER for n in range(9)}
    root = _repo(tmp_path / "repo", {"svc/s0.py": SERVICE.replace("prometheus", "os"), **fillers})

    _scan(cli, root, tmp_path / "diff", "--no-cache", "--diff-base", "HEAD~1")

    diff = _control(tmp_path / "diff" / "r.json", "MLSEC-MON-01")
    assert diff["evidence"] == []
    assert "searched the repository only up to" in diff["reason"]  # the scope's search stopped
    assert "evidence match" not in diff["reason"]


def test_the_diff_scans_reports_are_the_same_with_and_without_a_cache(
    cli: Cli, tmp_path: Path
) -> None:
    services = {f"svc/s{n}.py": SERVICE for n in range(3)}
    fillers = {f"lib/m{n}.py": FILLER for n in range(5)}
    broken = {"lib/broken.py": "import torch\n\ndef load(path:\n    return torch.load(path)\n"}
    root = _repo(tmp_path / "repo", {**fillers, **services, **broken})
    cache = ["--cache-dir", str(tmp_path / "cache")]
    diff = ["--diff-base", "HEAD~1"]

    plain = _scan(cli, root, tmp_path / "plain", "--no-cache", *diff)
    _scan(cli, root, tmp_path / "full", *cache)  # the base branch's scan fills the cache
    after_full = _scan(cli, root, tmp_path / "after-full", *cache, *diff)
    again = _scan(cli, root, tmp_path / "again", *cache, *diff)

    assert after_full == plain
    assert again == plain


def test_only_file_by_file_scope_and_evidence_checks_stop_early() -> None:
    policy = load_policy(("builtin",), ANALYZERS)
    stopping = {
        c.id: c
        for ctl in policy.controls
        for c in ctl.checks
        if firstmatch.stops_early(c, ANALYZERS)
    }
    assert {"serving-endpoint", "conversion-evaluated-python", "serving-metrics-library"} <= set(
        stopping
    )
    for check in stopping.values():
        assert check.mode in (CheckMode.SCOPE, CheckMode.EVIDENCE), check.id
        if isinstance(check, NativeCheck):  # a repository analyzer reads files together
            assert ANALYZERS[check.analyzer].repo is None, check.id
    assert "web-api-routes" not in stopping  # routes and their authentication: cross-file
    assert "raw-request-body" not in stopping  # a violation: every match is a finding
