"""The gates' exclusions hold however semgrep spells a target: in git work trees and outside.

semgrep 1.182 matches a rule's ``paths: exclude`` against the path from the nearest folder
above a target that holds ``.git`` (``.hg``, ``.svn``, ``_darcs``), and against the file's
name alone outside one; the classic CLI against the path from the working folder. The first
tests pin those readings with the real semgrep; the next build the engine's exclusions for a
rule that matches every file, run the real semgrep with the rules file the engine writes, and
check that exactly the files the gate rejects give no result; the last scans a small git
repository with the gates on and off and compares the hits.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from pathlib import Path

import pytest

from mlsec_policy.analyzers import ANALYZERS
from mlsec_policy.discover import discover
from mlsec_policy.engines.base import EngineOutput, Workspace
from mlsec_policy.engines.semgrep import gates
from mlsec_policy.engines.semgrep.compile import write_rules
from mlsec_policy.engines.semgrep.engine import SemgrepEngine
from mlsec_policy.engines.semgrep.process import find_binary, run_rules
from mlsec_policy.engines.semgrep.targetpaths import TargetPaths, usable
from mlsec_policy.models import JsonValue
from mlsec_policy.options import SemgrepSettings
from mlsec_policy.policy import SemgrepCheck, load_policy
from tests.conftest import REPO, write_tree
from tests.support.semgrep_runs import record_semgrep_rules

CALL = "import os\nos.system(command)\n"
RULE: dict[str, JsonValue] = {"languages": ["python"], "pattern": "os.system(...)"}
IDENTITY = ["-c", "user.name=t", "-c", "user.email=t@example.invalid"]


def _git(root: Path, *arguments: str) -> None:
    subprocess.run(["git", *IDENTITY, *arguments], cwd=root, check=True, capture_output=True)


def _commit(root: Path) -> None:
    _git(root, "init", "-q", ".")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "all")


def _tree(root: Path, files: Iterable[str]) -> Path:
    return write_tree(root, dict.fromkeys(files, CALL))


def _probe() -> SemgrepCheck:
    check = load_policy(("builtin",), ANALYZERS).checks(SemgrepCheck)[0]
    return replace(check, rule=dict(RULE))


def _matched(
    cwd: Path,
    targets: Sequence[str],
    exclude: Sequence[str],
    scratch: Path,
    mode: str = "osemgrep",
) -> set[str]:
    """Return the targets where semgrep reports the probe rule's match.

    The rule goes through the engine's rules file (``exclude`` added to its paths) and
    process (``run_rules``, working folder ``cwd``).
    """
    check = _probe()
    scratch.mkdir(parents=True, exist_ok=True)
    rules = scratch / "rules.json"
    severities = load_policy(("builtin",), ANALYZERS).severities()
    write_rules(rules, [check], severities, {check.id: list(exclude)})
    settings = SemgrepSettings(mode=mode, jobs=1)
    result = run_rules(find_binary(settings), rules, targets, cwd, scratch, settings)
    assert result.output is not None, result.stderr
    assert not result.output["errors"], result.output["errors"]
    return {r["path"] for r in result.output["results"]}


# --- semgrep's readings ------------------------------------------------------------------

READINGS = [
    # (what marks the root, working folder below it, pattern, files the pattern keeps out)
    ("none", "", "/a.py", {"a.py", "sub/a.py"}),
    ("none", "", "/sub/a.py", set()),
    ("git", "", "/a.py", {"a.py"}),
    ("git", "", "/sub/a.py", {"sub/a.py"}),
    ("git", "sub", "/a.py", set()),
    ("git", "sub", "/sub/a.py", {"sub/a.py"}),
    ("git", "", "/sub", {"sub/a.py"}),
    ("git-init", "", "/sub/a.py", {"sub/a.py"}),
    (".git-file", "", "/sub/a.py", {"sub/a.py"}),
    (".hg", "", "/sub/a.py", {"sub/a.py"}),
    ("nested", "", "/a.py", {"a.py", "sub/a.py"}),
    ("nested", "", "/sub/a.py", set()),
    ("dangling", "", "/a.py", {"a.py", "sub/a.py"}),
    ("dangling", "", "/sub/a.py", set()),
]


def _mark(root: Path, marker: str) -> None:
    if marker in ("git", "nested"):
        _commit(root)
    if marker == "nested":
        _git(root / "sub", "init", "-q", ".")
    elif marker == "git-init":
        _git(root, "init", "-q", ".")
    elif marker == ".git-file":
        (root / ".git").write_text("gitdir: /nonexistent/worktree\n", encoding="utf-8")
    elif marker == ".hg":
        (root / ".hg").mkdir()
    elif marker == "dangling":
        (root / ".git").symlink_to(root / "nowhere")


@pytest.mark.parametrize(("marker", "below", "pattern", "kept_out"), READINGS)
def test_semgrep_reads_a_pattern_from_the_project_root_or_by_name(
    tmp_path: Path, marker: str, below: str, pattern: str, kept_out: set[str]
) -> None:
    """Semgrep reads a pattern from the nearest project root, or by name without one.

    A root is the nearest folder holding ``.git`` (a folder or a file, not a dangling link) or
    ``.hg``, whatever the working folder; :class:`.TargetPaths` means the spelling semgrep uses.
    """
    files = ["a.py", "sub/a.py"]
    root = _tree(tmp_path / "repo", files)
    _mark(root, marker)
    cwd = root / below
    given = {f: (root / f).relative_to(cwd).as_posix() for f in files if f.startswith(below)}
    matched = _matched(cwd, list(given.values()), [pattern], tmp_path / "scratch")
    assert {f for f, target in given.items() if target not in matched} == kept_out
    spelled = TargetPaths(cwd)
    meant = {f: spelled.spelling(target).meant[0] for f, target in given.items()}
    assert {f for f, m in meant.items() if f"{m}/".startswith(f"{pattern}/")} == kept_out


# --- the engine's exclusions, run by the real semgrep -------------------------------------

LAYOUT = [
    "a.py",
    "lib/a.py",
    "lib/sub/a.py",
    "pkg/x.py",
    "pkg_x/x.py",
    "pkg/xy.py",
    "m.py/inner.py",
    "sub2/m.py",
]
LATER = ["lib/new.py", "build/gen.py"]
"""Written after the commit: one untracked, one git-ignored (``build/``)."""
REJECTED = {"lib/a.py", "pkg/x.py", "m.py/inner.py", "lib/new.py", "build/gen.py"}
"""The files whose gate the probe rule fails."""


def _layout(root: Path, git: bool) -> Path:
    _tree(root, LAYOUT)
    (root / ".gitignore").write_text("build/\n", encoding="utf-8")
    if git:
        _commit(root)
    return _tree(root, LATER)


CASES = [
    # (git work tree, working folder, semgrep's mode, files expected to give the probe's match)
    (True, "", "osemgrep", set(LAYOUT) - REJECTED),
    (True, "lib", "osemgrep", {"sub/a.py"}),
    # outside git a rejected file named like a passing one keeps the rule (name reading)
    (False, "", "osemgrep", set(LAYOUT) - REJECTED | {"lib/a.py", "pkg/x.py"}),
    (True, "", "pysemgrep", set(LAYOUT) - REJECTED),
    # the classic CLI reads from lib/: "/lib/…" holds nothing there, and nothing passing is lost
    (True, "lib", "pysemgrep", {"a.py", "sub/a.py", "new.py"}),
]


@pytest.mark.parametrize(("git", "below", "mode", "expected"), CASES)
def test_exactly_the_rejected_files_give_no_result(
    tmp_path: Path, git: bool, below: str, mode: str, expected: set[str]
) -> None:
    """Semgrep reports every file that passes the gate and none that fails it.

    The rule matches every file; its gate rejects some. A rejected file keeps the rule only
    where each spelling meant for it could also reach a passing file in some reading.
    """
    root = _layout(tmp_path / "repo", git)
    cwd = root / below
    prefix = f"{below}/" if below else ""
    targets = sorted(f[len(prefix) :] for f in [*LAYOUT, *LATER] if f.startswith(prefix))
    probe = _probe().id
    wants = {t: frozenset() if prefix + t in REJECTED else frozenset({probe}) for t in targets}
    exclusions = gates.excludes(targets, wants, [probe], TargetPaths(cwd))
    matched = _matched(cwd, targets, exclusions.get(probe, []), tmp_path / "scratch", mode)
    assert matched == expected
    assert {t for t in targets if probe in wants[t]} <= matched, "a passing file was excluded"


def test_a_view_in_the_scratch_folder_is_excluded_by_name(tmp_path: Path) -> None:
    """Targets given by absolute path outside any project (views) are read by name."""
    root = _layout(tmp_path / "repo", True)
    views = tmp_path / "scratch-views"
    view = _tree(views, ["3/a.py", "4/b.py"])
    targets = ["a.py", "lib/sub/a.py", str(view / "3/a.py"), str(view / "4/b.py")]
    probe = _probe().id
    wants = {t: frozenset({probe}) for t in targets}
    wants[str(view / "4/b.py")] = wants[str(view / "3/a.py")] = frozenset()
    exclusions = gates.excludes(targets, wants, [probe], TargetPaths(root))
    assert exclusions[probe] == ["/b.py"], "/a.py would reach the repository's a.py by name"
    matched = _matched(root, targets, exclusions[probe], tmp_path / "scratch")
    assert matched == {"a.py", "lib/sub/a.py", str(view / "3/a.py")}


@pytest.mark.parametrize(
    "pattern",
    ["/a/b.py", "/a/we[ir]d.py", "/a/b*.py", "/a/?.py", "/a/{x}.py", "/a/!b.py", "/a/b\\.py",
     "/.github/ci.py", "/a/../b.py", "/a//b.py", "/a/b c.py"],
)  # fmt: skip
def test_only_plain_spellings_become_patterns(pattern: str) -> None:
    """Glob characters, spaces, hidden or parent folders and empty parts keep the rule."""
    assert usable(pattern) == (pattern == "/a/b.py")


def test_a_folder_whose_markers_cannot_be_looked_at_is_a_candidate_root(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """EACCES on a folder above the target: the target is still spelled, from that folder too.

    We run as root here, where ``chmod 000`` does not stop a ``stat``: the fault is injected,
    ``Path.exists`` and ``Path.is_symlink`` raising PermissionError for that folder's entries.
    """
    blocked = tmp_path / "blocked"
    project = _tree(blocked / "proj", ["sub/a.py"])
    real_exists, real_link = Path.exists, Path.is_symlink

    def refused(real: Callable[[Path], bool]) -> Callable[[Path], bool]:
        def look(self: Path) -> bool:
            if self.parent == blocked:
                raise PermissionError(13, "Permission denied", str(self))
            return real(self)

        return look

    monkeypatch.setattr(Path, "exists", refused(real_exists))
    monkeypatch.setattr(Path, "is_symlink", refused(real_link))
    spelling = TargetPaths(project).spelling("sub/a.py")
    assert spelling.meant == ("/proj/sub/a.py",)
    assert {"/proj/sub/a.py", "/sub/a.py", "/a.py"} <= spelling.reached_by


# --- a whole scan of a git repository -----------------------------------------------------


def _scan(tree: Path, scratch: Path) -> EngineOutput:
    policy = load_policy(("builtin",), ANALYZERS)
    engine = SemgrepEngine(SemgrepSettings(jobs=1), policy.severities())
    scratch.mkdir()
    return engine.run(policy.checks(SemgrepCheck), discover(tree), Workspace(tree, scratch))


def test_a_git_repository_gives_the_same_hits_gated_and_ungated(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A scan of a git repository's sub-folder: the same hits with the gates on and off.

    The tree holds Python fixtures of the pack, twice each under the same names; the
    exclusions written are spelled from the repository's root, as semgrep reads them there.
    """
    repo = tmp_path / "repo"
    sources = sorted(REPO.glob("policies/controls/*/*/tests/**/*.py"))[:60]
    for copy in ("one", "two"):
        for number, source in enumerate(sources):
            folder = repo / "proj" / copy / f"f{number // 20}"
            folder.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, folder / source.name)
    _commit(repo)
    runs = record_semgrep_rules(monkeypatch)
    monkeypatch.setenv("MLSEC_POLICY_SEMGREP_GATES", "0")
    off = _scan(repo / "proj", tmp_path / "off")
    started = len(runs)
    monkeypatch.setenv("MLSEC_POLICY_SEMGREP_GATES", "1")
    on = _scan(repo / "proj", tmp_path / "on")
    assert len(on.hits) > 20
    assert sorted(map(repr, on.hits)) == sorted(map(repr, off.hits))
    assert not [e for e in on.errors if e not in off.errors]
    rooted = 0
    for rules, targets in runs[started:]:
        spelled = {f"/proj/{t}" for t in targets}
        for rule in rules.values():
            rooted += len(spelled & set(rule.get("paths", {}).get("exclude", [])))
    assert rooted > 100, "the gates must keep rules off files, spelled from the git root"


def test_a_folder_whose_files_all_fail_is_one_pattern(tmp_path: Path) -> None:
    """In a git work tree a folder of rejected files is excluded by one folder pattern.

    ``gen/`` holds only rejected files (one pattern); ``mixed/`` a passing file, so its rejected
    file keeps its own pattern; ``gen2/`` passes and must not be reached by ``/gen``.
    """
    files = ["keep.py", "gen/a.py", "gen/b.py", "gen/deep/c.py", "mixed/a.py", "mixed/b.py"]
    root = _tree(tmp_path / "repo", [*files, "gen2/x.py"])
    _commit(root)
    targets = sorted([*files, "gen2/x.py"])
    probe = _probe().id
    passing = {"keep.py", "mixed/a.py", "gen2/x.py"}
    wants = {t: frozenset({probe}) if t in passing else frozenset() for t in targets}
    exclusions = gates.excludes(targets, wants, [probe], TargetPaths(root))
    assert exclusions[probe] == ["/gen", "/mixed/b.py"]
    assert _matched(root, targets, exclusions[probe], tmp_path / "scratch") == passing
