"""Scanning a repository runs nothing its git configuration names (engineering rule 1).

A repository's ``.git/config`` (or a file it includes) can make git start programs while it
reads the work tree: an fsmonitor hook, clean/smudge/process filters, textconv and external diff
drivers. Every one of them here writes a marker file; a plain scan and a ``--diff-base`` scan of
a repository with work-tree changes must leave no marker and still read the repository.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from mlsec_policy.options import ScanOptions
from mlsec_policy.scan import scan

IDENTITY = ["-c", "user.name=t", "-c", "user.email=t@example.invalid"]


def _git(root: Path, *arguments: str) -> None:
    subprocess.run(["git", *IDENTITY, *arguments], cwd=root, check=True, capture_output=True)


@pytest.fixture
def hostile_repo(tmp_path: Path) -> tuple[Path, Path]:
    root, markers = tmp_path / "repo", tmp_path / "markers"
    root.mkdir()
    markers.mkdir()
    _git(root, "init", "-q", ".")
    (root / ".gitattributes").write_text("* filter=evil diff=evil\n", encoding="utf-8")
    (root / "train.py").write_text("import torch\nmodel = torch.load(path)\n", encoding="utf-8")
    _git(root, "add", "-A")
    _git(root, "commit", "-q", "-m", "one")
    _git(root, "commit", "-q", "--allow-empty", "-m", "two")
    settings = {
        "core.fsmonitor": f"touch {markers}/fsmonitor; false",
        "diff.external": f"touch {markers}/external; true",
        "diff.evil.textconv": f"touch {markers}/textconv; cat",
        "diff.evil.command": f"touch {markers}/command; true",
        "log.showSignature": "true",
        "gpg.program": f"touch {markers}/gpg; false",
    }
    for key, value in settings.items():
        _git(root, "config", key, value)
    # the filter is defined in an included file: git's own listing must reveal it
    included = root / ".git" / "more.config"
    included.write_text(
        f'[filter "evil"]\n\tclean = touch {markers}/clean; cat\n'
        f"\tsmudge = touch {markers}/smudge; cat\n\tprocess = touch {markers}/process\n",
        encoding="utf-8",
    )
    _git(root, "config", "include.path", "more.config")
    with (root / "train.py").open("a", encoding="utf-8") as handle:
        handle.write("other = torch.load(other_path)\n")
    assert not any(markers.iterdir())
    return root, markers


def test_a_scan_runs_nothing_the_repository_configures(hostile_repo: tuple[Path, Path]) -> None:
    root, markers = hostile_repo
    report = scan(ScanOptions(target=root, source_date_epoch=0))
    assert sorted(p.name for p in markers.iterdir()) == []
    assert report.git is not None and report.git.commit is not None
    assert report.git.dirty  # the work-tree change is still seen
    lines = {f.location.start_line for r in report.results for f in r.findings}
    assert {2, 3} <= lines


def test_a_diff_scan_runs_nothing_the_repository_configures(
    hostile_repo: tuple[Path, Path],
) -> None:
    root, markers = hostile_repo
    report = scan(ScanOptions(target=root, diff_base="HEAD~1", source_date_epoch=0))
    assert sorted(p.name for p in markers.iterdir()) == []
    findings = [f for r in report.results for f in r.findings if f.location.path == "train.py"]
    assert [f.location.start_line for f in findings] == [3]  # only the changed line


def _counting_git(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Put a ``git`` first on PATH that notes each configuration listing, then runs git."""
    real = shutil.which("git")
    assert real is not None
    shims, log = tmp_path / "shims", tmp_path / "listings.log"
    shims.mkdir()
    shim = shims / "git"
    shim.write_text(
        "#!/bin/sh\n"
        f'case " $* " in *" config --list "*) echo listed >> "{log}";; esac\n'
        f'exec "{real}" "$@"\n',
        encoding="utf-8",
    )
    shim.chmod(0o755)
    monkeypatch.setenv("PATH", f"{shims}{os.pathsep}{os.environ['PATH']}")
    log.touch()
    return log


def test_a_scan_lists_the_configuration_once(
    hostile_repo: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # discovery, --diff-base and the LFS store each need the overrides: one listing serves all
    root, markers = hostile_repo
    log = _counting_git(tmp_path, monkeypatch)
    report = scan(ScanOptions(target=root, diff_base="HEAD~1", source_date_epoch=0))
    assert log.read_text(encoding="utf-8").splitlines() == ["listed"]
    assert sorted(p.name for p in markers.iterdir()) == []
    assert [f.location.start_line for r in report.results for f in r.findings] == [3]


def test_the_overrides_are_listed_again_by_the_next_scan(
    hostile_repo: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # nothing is remembered past a scan: a filter added between two scans is switched off too
    root, markers = hostile_repo
    log = _counting_git(tmp_path, monkeypatch)
    scan(ScanOptions(target=root, source_date_epoch=0))
    _git(root, "config", "filter.late.clean", f"touch {markers}/late; cat")
    (root / ".gitattributes").write_text("* filter=late diff=evil\n", encoding="utf-8")
    report = scan(ScanOptions(target=root, source_date_epoch=0))
    assert log.read_text(encoding="utf-8").splitlines() == ["listed", "listed"]
    assert sorted(p.name for p in markers.iterdir()) == []
    assert report.git is not None and report.git.dirty
