"""A diff scan's whole-repository violation rules are given only the files their words allow.

:func:`mlsec_policy.firstmatch.by_words` leaves out the Python files that none of those rules
can match by the words of their clauses, before the semgrep engine finds every word of every
file for its gates. Real git repositories, the real semgrep: the report is byte for byte the
one the engine gives with every file, a broken file and a template included.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import git
import pytest

from mlsec_policy import diffrun, firstmatch
from mlsec_policy.analyzers import ANALYZERS
from mlsec_policy.discover import discover
from mlsec_policy.models import Inventory
from mlsec_policy.policy import NativeCheck, SemgrepCheck, load_policy
from tests.conftest import CliResult, commit_all, load_json, write_tree
from tests.test_result_cache import _scan

Cli = Callable[..., CliResult]

API = (
    Path(__file__).parents[1]
    / "policies/controls/model-deployment/MLSEC-SERVE-02/tests/fail/api.py"
).read_text()
"""A FastAPI app that reads a raw request body (raw-request-body, a repository-wide control)."""
FILLER = "def add(a: int, b: int) -> int:\n    return a + b\n"
BROKEN = "import os\n\ndef load(path:\n    return os.path.join(path)\n"
TEMPLATE = "import {{ cookiecutter.package }}\n\nx = 1\nthis is not python at all\n"
"""A template whose fourth line is set aside: the report lists it as skipped."""
TREE = {
    **{f"lib/m{n}.py": FILLER for n in range(4)},
    "lib/broken.py": BROKEN,
    "tmpl/{{cookiecutter.package}}/main.py": TEMPLATE,
    "config.yaml": "a: 1\n",
}


@pytest.fixture(autouse=True)
def _pinned_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")


def _repo(root: Path) -> Path:
    """Return a repository of :data:`TREE`, then a commit that adds the app."""
    write_tree(root, {"README.md": "# demo\n", **TREE})
    repo = git.Repo.init(root)
    commit_all(repo, "first")
    write_tree(root, {"svc/api.py": API})
    commit_all(repo, "second")
    return root


def _raw_body() -> list[SemgrepCheck]:
    policy = load_policy(("builtin",), ANALYZERS)
    return [c for c in policy.checks(SemgrepCheck) if c.id == "raw-request-body"]


def test_only_files_with_the_rules_words_are_kept(tmp_path: Path) -> None:
    root = _repo(tmp_path / "repo")
    inventory = discover(root, ())
    kept = firstmatch.by_words(_raw_body(), inventory, firstmatch.semgrep_words(root, True))
    paths = {a.path for a in kept.artifacts}
    assert "svc/api.py" in paths
    assert not any(p.startswith("lib/") for p in paths)  # the broken file too: no words
    assert "config.yaml" in paths  # other kinds are never left out
    assert kept.skipped == inventory.skipped


def test_a_template_with_parts_set_aside_is_kept(tmp_path: Path) -> None:
    root = _repo(tmp_path / "repo")
    inventory = discover(root, ())
    template = "tmpl/{{cookiecutter.package}}/main.py"
    assert template in {a.path for a in inventory.artifacts}
    kept = firstmatch.by_words(_raw_body(), inventory, firstmatch.semgrep_words(root, True))
    dropped = firstmatch.by_words(_raw_body(), inventory, firstmatch.semgrep_words(root))
    assert template in {a.path for a in kept.artifacts}
    assert template not in {a.path for a in dropped.artifacts}


def test_a_text_no_word_search_can_read_is_kept(tmp_path: Path) -> None:
    """A UTF-16 file spells its words with a zero byte between letters: it stays in."""
    root = _repo(tmp_path / "repo")
    (root / "lib/wide.py").write_bytes("import os\nos.system(input())\n".encode("utf-16"))
    (root / "lib/ascii.py").write_text("import os\nos.system(input())\n")
    inventory = discover(root, ())
    kept = firstmatch.by_words(_raw_body(), inventory, firstmatch.semgrep_words(root, True))
    paths = {a.path for a in kept.artifacts}
    assert "lib/wide.py" in paths
    assert "lib/ascii.py" not in paths  # UTF-8 without the rule's words: left out


def _python_paths(inventory: Inventory) -> set[str]:
    return {a.path for a in inventory.artifacts if a.path.endswith(".py")}


def test_a_rule_without_words_keeps_every_python_file(tmp_path: Path) -> None:
    """A rule whose formula is empty (no word it needs) could match any file: none goes."""
    root = _repo(tmp_path / "repo")
    inventory = discover(root, ())
    raw = _raw_body()[0]
    ungated = replace(raw, id="any-call", rule={**raw.rule, "patterns": [{"pattern": "$F(...)"}]})
    keep = firstmatch.semgrep_words(root, True)
    alone = firstmatch.by_words([raw], inventory, keep)
    assert _python_paths(alone) < _python_paths(inventory)  # the words do leave files out
    kept = firstmatch.by_words([raw, ungated], inventory, keep)
    assert _python_paths(kept) == _python_paths(inventory)
    assert kept.artifacts == inventory.artifacts


@pytest.mark.parametrize("switch", ["MLSEC_POLICY_SEMGREP_GATES", "MLSEC_POLICY_SEMGREP_SUBSETS"])
def test_no_file_is_left_out_when_the_engine_gates_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, switch: str
) -> None:
    """Gates or subsets off: semgrep runs every rule on every file, and so sees them all."""
    root = _repo(tmp_path / "repo")
    inventory = discover(root, ())
    monkeypatch.setenv(switch, "0")
    kept = firstmatch.by_words(_raw_body(), inventory, firstmatch.semgrep_words(root, True))
    assert kept.artifacts == inventory.artifacts


def test_no_file_is_left_out_for_a_native_check(tmp_path: Path) -> None:
    """A native analyzer reads what it reads: words of semgrep rules say nothing of it."""
    root = _repo(tmp_path / "repo")
    inventory = discover(root, ())
    policy = load_policy(("builtin",), ANALYZERS)
    native = next(c for c in policy.checks(NativeCheck) if c.analyzer == "web-route-auth")
    keep = firstmatch.semgrep_words(root, True)
    kept = firstmatch.by_words([*_raw_body(), native], inventory, keep)
    assert kept.artifacts == inventory.artifacts


def test_the_diff_scan_reports_the_same_as_with_every_file(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _repo(tmp_path / "repo")
    diff = ["--no-cache", "--diff-base", "HEAD~1"]
    narrowed = _scan(cli, root, tmp_path / "narrowed", *diff)
    seen: list[int] = []

    def every_file(
        checks: object, inventory: Inventory, keep: object, also: object = ()
    ) -> Inventory:
        seen.append(len(inventory.artifacts))
        return inventory

    monkeypatch.setattr(diffrun, "by_words", every_file)
    whole = _scan(cli, root, tmp_path / "whole", *diff)
    assert seen  # the repository-wide violation rules ran
    assert narrowed == whole
    report = load_json(tmp_path / "narrowed" / "r.json")
    serve = next(r for r in report["results"] if r["control"]["id"] == "MLSEC-SERVE-02")
    assert "raw-request-body" in {f["check_id"] for f in serve["findings"]}
