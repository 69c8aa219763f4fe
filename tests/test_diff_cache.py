"""A ``--diff-base`` scan reuses the results a full scan cached, and changes nothing by it.

Real git repositories, the real semgrep: a diff scan after a full scan with the same cache
runs semgrep on the changed file only, and its JSON and SARIF reports are byte for byte those
of the same diff scan without a cache. A diff scan's own entries (a part of the checks) are
never taken for a full scan's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import git
import pytest

from mlsec_policy.cache import FileResults, ResultStore
from mlsec_policy.cache.store import FOLDER, CacheStats
from mlsec_policy.engines.semgrep.cached import SemgrepCache, part_of
from mlsec_policy.engines.semgrep.target import Target
from mlsec_policy.models import (
    Artifact,
    ArtifactKind,
    CheckMode,
    Hit,
    Location,
    Observation,
    ScanError,
)
from mlsec_policy.options import SemgrepSettings
from mlsec_policy.policy.model import SemgrepCheck
from tests.conftest import CliResult, commit_all, load_json, sarif_validator, write_tree
from tests.support.semgrep_runs import record_semgrep_runs
from tests.test_result_cache import _scan as scan_reports

Cli = Callable[..., CliResult]

TREE: dict[str, str | bytes] = {
    "README.md": "# demo\n",
    "SECURITY.md": "Email security@example.org to report a vulnerability privately.\n",
    "train.py": "import torch\n\nold = torch.load('old.pt')\n",
    "serve.py": "import pickle\n\n\ndef load(path):\n    return pickle.load(open(path, 'rb'))\n",
    # a syntax error semgrep gives on every scan: kept in the entry, narrowed when reused; the
    # route lets a repository-wide rule (serving-endpoint) pass the file's gate, so the error
    # concerns that rule's control too
    "broken.py": (
        "import pickle\nfrom fastapi import FastAPI\n\napp = FastAPI()\n\n\n"
        "@app.get('/load')\ndef load(path:\n    return pickle.load(open(path, 'rb'))\n"
    ),
    "settings.py": 'DB_PASSWORD = "Zq8!wPlm3vTr62xk"\n',
    "Dockerfile": 'FROM python:3.11-slim\nRUN pip install flask\nCMD ["flask", "run"]\n',
    "config/app.yaml": "server:\n  host: 0.0.0.0\n  debug: true\n",
}
CHANGE = {"app.py": "import yaml\n\n\ndef read(path):\n    return yaml.load(open(path))\n"}


@pytest.fixture(autouse=True)
def _pinned_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")


@pytest.fixture
def semgrep_runs(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """Record the targets of every semgrep process the scans start (semgrep still runs)."""
    return record_semgrep_runs(monkeypatch)


DIFF = ("--diff-base", "HEAD~1")


@dataclass(frozen=True)
class Project:
    """A git repository of ``TREE`` and the cache folder its scans share."""

    cli: Cli
    repo: git.Repo
    root: Path
    tmp: Path

    @property
    def cache(self) -> Path:
        return self.tmp / "cache"

    def change(self) -> None:
        """Commit one new file (a pull request's change)."""
        write_tree(self.root, CHANGE)
        commit_all(self.repo, "second")

    def scan(self, name: str, *options: str, cached: bool = True) -> tuple[int, bytes, bytes]:
        """Return the exit code and the JSON and SARIF reports of one scan (SARIF validated).

        The reports are written under ``name``; the scan uses the shared cache, or none.
        """
        cache = ("--cache-dir", str(self.cache)) if cached else ("--no-cache",)
        out = self.tmp / name
        reports = scan_reports(self.cli, self.root, out, *options, *cache)
        sarif_validator().validate(load_json(out / "r.sarif"))
        return reports


@pytest.fixture
def project(cli: Cli, tmp_path: Path) -> Project:
    """Return a repository of ``TREE`` in one commit."""
    root = write_tree(tmp_path / "repo", TREE)
    repo = git.Repo.init(root)
    commit_all(repo, "first")
    return Project(cli, repo, root, tmp_path)


def _scanned(runs: list[list[str]]) -> list[str]:
    return sorted(Path(target).name for run in runs for target in run)


def test_a_diff_scan_after_a_full_scan_runs_semgrep_on_the_changed_file_only(
    project: Project, semgrep_runs: list[list[str]]
) -> None:
    project.scan("full")  # the base branch's scan fills the cache
    assert "broken.py" in _scanned(semgrep_runs)
    project.change()
    plain = project.scan("plain", *DIFF, cached=False)
    semgrep_runs.clear()

    reused = project.scan("reused", *DIFF)

    # the changed file, and the file whose entry holds a syntax error (a part of the checks may
    # not parse it: its entry is not narrowed to the part, the part scans it)
    assert set(_scanned(semgrep_runs)) == {"app.py", "broken.py"}, "unchanged files scanned again"
    assert reused == plain


def test_a_diff_scans_entries_are_not_taken_for_a_full_scans(
    project: Project, semgrep_runs: list[list[str]]
) -> None:
    project.change()
    plain = project.scan("plain", cached=False)
    project.scan("diff", *DIFF)
    semgrep_runs.clear()

    full = project.scan("full")

    # the diff scan ran a part of the checks on the unchanged files: they are scanned again
    assert {"broken.py", "serve.py", "train.py"} <= set(_scanned(semgrep_runs))
    assert full == plain


def test_a_diff_scan_keeps_its_new_entries_in_its_bundle_and_the_next_one_reuses_them(
    project: Project, semgrep_runs: list[list[str]]
) -> None:
    project.change()
    plain = project.scan("plain", *DIFF, cached=False)
    first = project.scan("first", *DIFF)
    store = project.cache / FOLDER
    entries = [p for p in store.rglob("*") if p.is_file() and p.parent != store]
    # the bundle's base and the loose memos (file digests), not one file per entry
    assert len(entries) <= 3, sorted(p.name for p in entries)
    semgrep_runs.clear()

    again = project.scan("again", *DIFF)

    assert _scanned(semgrep_runs) == [], "the bundle's entries were not reused"
    assert first == again == plain


def test_a_second_diff_scan_with_the_same_cache_writes_nothing(
    project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    closed: list[CacheStats] = []
    close = ResultStore.close

    def recording(store: ResultStore) -> None:
        close(store)
        closed.append(store.stats)

    monkeypatch.setattr(ResultStore, "close", recording)
    project.change()
    project.scan("first", *DIFF)
    # the policy memo's store and the diff scan's, both bundle only
    assert len(closed) == 2 and all(s.written and s.written_bytes for s in closed), closed
    closed.clear()

    project.scan("again", *DIFF)

    assert [s.written for s in closed] == [0, 0]
    assert all(", 0 written" in s.describe() for s in closed), [s.describe() for s in closed]
    # the second scan may still write its bundle's base again, without what the first put and
    # it did not read (semgrep's gate formulas and facts tables); a third writes nothing
    closed.clear()
    project.scan("third", *DIFF)
    assert [(s.written, s.written_bytes) for s in closed] == [(0, 0), (0, 0)]
    assert [s.describe().endswith(", 0 written") for s in closed] == [True, True]


def _hit(check: str, control: str) -> Hit:
    return Hit(control, check, Observation(Location("a.py", 1), "m"))


def test_a_reused_entry_keeps_what_the_part_would_have_found() -> None:
    both = ScanError("semgrep", "parse-error", "m", path="a.py", control_ids=("A", "B"))
    other = ScanError("semgrep", "parse-error", "m", path="a.py", control_ids=("B",))
    unattributed = ScanError("semgrep", "parse-error", "m", path="a.py")
    found = FileResults((_hit("a1", "A"), _hit("b1", "B")), (both, other, unattributed))

    part = part_of(found, frozenset({"a1", "a2"}), frozenset({"A"}))

    assert part.hits == (_hit("a1", "A"),)
    narrowed = ScanError("semgrep", "parse-error", "m", path="a.py", control_ids=("A",))
    # an error of another control only is not the part's; one that names none is never dropped
    assert part.errors == (narrowed, unattributed)


def _check(check_id: str, control_id: str) -> SemgrepCheck:
    return SemgrepCheck(
        check_id, control_id, CheckMode.VIOLATION, (ArtifactKind.PYTHON,), "m", None, None,
        (), (), 1, "control.yaml", None, None, (), {}, {"pattern": check_id}, 1,
    )  # fmt: skip


def test_only_a_part_made_of_whole_controls_reuses_the_complete_sets_entry(
    tmp_path: Path,
) -> None:
    root = write_tree(tmp_path / "t", {"a.py": "x = 1\n"})
    binary = write_tree(tmp_path / "bin", {"semgrep": "#!/bin/sh\n"}) / "semgrep"
    store = ResultStore(tmp_path / "cache", 1 << 20)
    a1, a2, b1 = _check("a1", "A"), _check("a2", "A"), _check("b1", "B")
    complete = [a1, a2, b1]
    artifact = Artifact("a.py", ArtifactKind.PYTHON, 6)
    full = SemgrepCache(store, complete, {}, SemgrepSettings(), binary)
    full.split([artifact], root)
    full.learned("1.0")
    full.keep([Target(artifact, "a.py", None)], [_hit("a1", "A"), _hit("b1", "B")], [], [], "1.0")

    def reused(part: list[SemgrepCheck]) -> list[FileResults]:
        cache = SemgrepCache(store, part, {}, SemgrepSettings(), binary, complete)
        return cache.split([artifact], root)[1]

    assert reused([a1, a2]) == [FileResults((_hit("a1", "A"),))]
    assert reused([a1]) == []  # control A's a2 did not run: its errors could not be told apart
