"""A diff scan runs its changed files' rules and fills its search's index beside the chain.

:func:`mlsec_policy.diffrun.run_split` starts semgrep's run on the changed files at once,
while the word test decides the whole-repository rules' files, and fills the first-match
search's index of words while the whole-repository run works. Real git repositories and the
real semgrep: the reports are byte for byte those of the parts run one after another; the
changed files' run has started before the word test ends; a filled index answers the search
without reading a file.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import git
import pytest

from mlsec_policy import diffrun, firstmatch
from mlsec_policy import scan as scan_module
from mlsec_policy.analyzers import ANALYZERS
from mlsec_policy.diffscope import narrow
from mlsec_policy.discover import discover
from mlsec_policy.engines.base import Workspace
from mlsec_policy.engines.semgrep.prefilter import located_words
from mlsec_policy.models import CheckMode, Inventory
from mlsec_policy.policy import SemgrepCheck, load_policy
from tests.conftest import CliResult, commit_all, load_json, write_tree
from tests.test_first_match import SERVICE
from tests.test_result_cache import _scan

Cli = Callable[..., CliResult]

FILLER = "def add(a: int, b: int) -> int:\n    return a + b\n"
LOADER = (
    "import pickle\n"
    "\n"
    "\n"
    "def restore(path):\n"
    "    with open(path, 'rb') as handle:\n"
    "        return pickle.load(handle)\n"
)
"""A changed file that per-file controls flag (unpickling a file)."""
API = (
    Path(__file__).parents[1]
    / "policies/controls/model-deployment/MLSEC-SERVE-02/tests/fail/api.py"
).read_text()
"""A FastAPI app that reads a raw request body (raw-request-body, a repository-wide rule)."""


@pytest.fixture(autouse=True)
def _small_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    monkeypatch.setattr(firstmatch, "FIRST_BATCH", 1)
    monkeypatch.setattr(firstmatch, "GROWTH", 2)


def _repo(root: Path) -> Path:
    """Return a repository whose last commit changes a file per-file rules flag."""
    tree = {f"lib/m{n}.py": FILLER for n in range(5)}
    write_tree(root, {"README.md": "# demo\n", **tree, "svc/api.py": API, "svc/app.py": SERVICE})
    repo = git.Repo.init(root)
    commit_all(repo, "first")
    write_tree(root, {"lib/m2.py": FILLER + "\n" + LOADER})
    commit_all(repo, "second")
    return root


def _in_turn(
    engine: Any,
    checks: Any,
    inventory: Inventory,
    workspace: Workspace,
    scope: Any,
    worded: threading.Event | None = None,
    beside: bool = False,
) -> Any:
    """Run the parts one after another, whatever the scan asks."""
    return diffrun.run_split(engine, checks, inventory, workspace, scope, worded, False)


def test_the_parts_beside_the_chain_give_the_report_of_the_parts_in_turn(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _repo(tmp_path / "repo")
    diff = ["--no-cache", "--diff-base", "HEAD~1", "--fail-on", "critical"]
    owned: list[str] = []
    own = diffrun._own

    def recorded(workspace: Workspace, name: str) -> Workspace:
        owned.append(name)
        return own(workspace, name)

    monkeypatch.setattr(diffrun, "_own", recorded)
    beside = _scan(cli, root, tmp_path / "beside", *diff)
    # the semgrep engine's changed files and whole-repository rules ran in folders of their own
    assert owned == ["changed", "whole"]
    monkeypatch.setattr(scan_module, "run_split", _in_turn)
    in_turn = _scan(cli, root, tmp_path / "in-turn", *diff)
    assert owned == ["changed", "whole"]
    assert beside == in_turn
    report = load_json(tmp_path / "beside" / "r.json")
    paths = {f["location"]["path"] for r in report["results"] for f in r["findings"]}
    assert "lib/m2.py" in paths  # the changed file's rules ran and found it
    scope = report["diff_scope"]
    assert scope["changed_files"] == ["lib/m2.py"]
    assert scope["semgrep_files"] == ["lib/m2.py"]


def test_the_changed_files_run_starts_before_the_word_test_ends(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _repo(tmp_path / "repo")
    started = threading.Event()
    seen: list[bool] = []
    run_part = diffrun._run_part

    def part(engine: Any, checks: Any, complete: Any, inventory: Any, space: Workspace) -> Any:
        if space.scratch.name == "part-changed":
            started.set()
        return run_part(engine, checks, complete, inventory, space)

    def words(checks: Any, inventory: Inventory, keep: Any, also: Any = ()) -> Inventory:
        if any(isinstance(c, SemgrepCheck) for c in checks):
            seen.append(started.wait(20))
        return firstmatch.by_words(checks, inventory, keep, also)

    monkeypatch.setattr(diffrun, "_run_part", part)
    monkeypatch.setattr(diffrun, "by_words", words)
    _scan(cli, root, tmp_path / "out", "--no-cache", "--diff-base", "HEAD~1")
    assert seen == [True]


def test_the_whole_repository_run_works_beside_the_search_s_first_batch(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _repo(tmp_path / "repo")
    searching = threading.Event()
    seen: list[bool] = []
    run_part = diffrun._run_part

    def part(engine: Any, checks: Any, complete: Any, inventory: Any, space: Workspace) -> Any:
        semgrep = any(isinstance(c, SemgrepCheck) for c in checks)
        if space.scratch.name == "part-whole":
            seen.append(searching.wait(20))  # in turn, the search would start after this ends
        elif semgrep and not space.scratch.name.startswith("part-"):
            searching.set()  # a batch of the search
        return run_part(engine, checks, complete, inventory, space)

    monkeypatch.setattr(diffrun, "_run_part", part)
    _scan(cli, root, tmp_path / "out", "--no-cache", "--diff-base", "HEAD~1")
    assert seen == [True]


def _search(root: Path) -> tuple[Inventory, list[SemgrepCheck], firstmatch.SearchOrder]:
    """Return the inventory, the builtin pack's semgrep scope checks and the search order."""
    inventory = discover(root)
    policy = load_policy(("builtin",), ANALYZERS)
    early = [c for c in policy.checks(SemgrepCheck) if c.mode is CheckMode.SCOPE]
    assert early
    return inventory, early, firstmatch.SearchOrder(inventory)


def test_the_word_test_fills_the_search_s_index_as_it_reads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _repo(tmp_path / "repo")
    inventory, early, _order = _search(root)
    reads: list[int] = []

    def counted(text: Any, memo: Any) -> Any:
        def read() -> bytes:
            reads.append(1)
            return bytes(text())

        return located_words(read, memo)

    monkeypatch.setattr(firstmatch, "located_words", counted)
    python = [a for a in inventory.artifacts if a.path.endswith(".py")]
    answers = [firstmatch.semgrep_words(root, set_aside=True)(early, a) for a in python]
    policy = load_policy(("builtin",), ANALYZERS)
    whole = [c for c in policy.checks(SemgrepCheck) if c.id == "raw-request-body"]
    keep = firstmatch.semgrep_words(root, set_aside=True)
    reads.clear()
    firstmatch.by_words(whole, inventory, keep, early)
    assert len(reads) == len(python)  # each file read once, not twice
    reads.clear()
    assert [keep(early, a) for a in python] == answers
    assert reads == []  # the search's questions are answered from the index
    alone = firstmatch.semgrep_words(root, set_aside=True)
    firstmatch.by_words(whole, inventory, alone)
    reads.clear()
    assert [alone(early, a) for a in python] == answers
    assert reads  # without ``also`` the search reads the files again


def test_the_plan_imports_no_analyzer_and_leaves_the_order_for_later(tmp_path: Path) -> None:
    root = _repo(tmp_path / "repo")
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from mlsec_policy.analyzers import ANALYZERS\n"
        "from mlsec_policy.diffscope import plan\n"
        "from mlsec_policy.discover import discover\n"
        "from mlsec_policy.policy import load_policy\n"
        "from mlsec_policy.suppress.diff import changes_since\n"
        f"root = Path({str(root)!r})\n"
        "policy = load_policy(('builtin',), ANALYZERS.listings())\n"
        "inventory, changes = discover(root), changes_since(root, 'HEAD~1')\n"
        "before = set(sys.modules)\n"
        "scope = plan(policy, inventory, changes, ANALYZERS)\n"
        "assert scope.per_file and scope.early and scope.order is not None\n"
        "print('\\n'.join(sorted(set(sys.modules) - before)))\n"
        "print('ranked' if scope.order._paths is not None else 'not ranked')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=300
    )
    assert done.returncode == 0, done.stderr
    *imported, ranked = done.stdout.split("\n")[:-1]
    assert [m for m in imported if m.startswith("mlsec_policy.analyzers.")] == []
    assert ranked == "not ranked"


def test_the_search_asks_about_the_next_files_while_a_batch_runs(tmp_path: Path) -> None:
    root = _repo(tmp_path / "repo")
    inventory, early, order = _search(root)
    paths = order.paths()
    asked: list[str] = []
    later = threading.Event()  # set once a file after the first batch is asked about

    def keep(checks: Any, artifact: Any) -> bool:
        asked.append(artifact.path)
        if artifact.path not in paths[: firstmatch.FIRST_BATCH]:
            later.set()
        return True

    def run(checks: Any, batch: Inventory) -> Any:
        seen.append(later.wait(5) if not seen else True)
        return diffrun.NONE

    for ahead in (True, False):
        seen: list[bool] = []
        asked.clear()
        later.clear()
        firstmatch.first_matches(run, early, inventory, paths, narrow, keep, ahead)
        assert seen[0] is ahead  # the first batch's run saw a later file asked about, or not
        assert sorted(set(asked)) == sorted(paths)  # every file asked about, either way
