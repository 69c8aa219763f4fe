"""Baselines and diff-aware scans on real git repositories, and the pre-commit hook's file mode."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import git
import jsonschema
import pytest

from mlsec_policy.errors import ExitCode
from tests.conftest import SCHEMAS, CliResult, commit_all, load_json, report_validator, write_tree

BASE = {
    "README.md": "# demo\n",
    "SECURITY.md": "Email security@example.org to report a vulnerability privately.\n",
    "train.py": "import torch\n\nold = torch.load('old.pt')\n",
}
CHANGED_TRAIN = "import torch\n\nold = torch.load('old.pt')\nnew = torch.load('new.pt')\n"
NEW_FILE = "import torch\nextra = torch.load('extra.pt', weights_only=False)\n"


@pytest.fixture(autouse=True)
def pinned_date(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")


@pytest.fixture
def two_commits(tmp_path: Path) -> Path:
    """Return a repository whose second commit adds a torch.load line and a new file."""
    root = write_tree(tmp_path / "repo", BASE)
    repo = git.Repo.init(root)
    commit_all(repo, "first")
    write_tree(root, {"train.py": CHANGED_TRAIN, "loaders/extra.py": NEW_FILE})
    commit_all(repo, "second")
    return root


def scan(
    cli: Callable[..., CliResult], root: Path, out: Path, *extra: str
) -> tuple[CliResult, Any]:
    result = cli("scan", str(root), "--json-output", str(out / "r.json"), *extra)
    report = load_json(out / "r.json")
    report_validator().validate(report)
    return result, report


def located(report: Any, control_id: str = "MLSEC-LOAD-01") -> dict[str, str | None]:
    (result,) = [r for r in report["results"] if r["control"]["id"] == control_id]
    return {
        f"{f['location']['path']}:{f['location']['start_line']}": (
            f["suppression"]["kind"] if f["suppression"] else None
        )
        for f in result["findings"]
    }


def test_diff_base_reports_only_the_new_findings(
    two_commits: Path, tmp_path: Path, cli: Callable[..., CliResult]
) -> None:
    result, report = scan(cli, two_commits, tmp_path, "--diff-base", "HEAD~1")
    assert result.code == ExitCode.FAILED
    assert located(report) == {"loaders/extra.py:2": None, "train.py:4": None}
    assert report["settings"]["mode"] == "diff"
    assert report["settings"]["diff_base"] == "HEAD~1"
    assert any("1 finding(s) elsewhere are not reported" in note for note in report["notes"])


def test_diff_base_passes_when_the_change_adds_no_finding(
    two_commits: Path, tmp_path: Path, cli: Callable[..., CliResult]
) -> None:
    repo = git.Repo(two_commits)
    write_tree(two_commits, {"README.md": "# demo\n\nMore words.\n"})
    commit_all(repo, "third: docs only")
    result, report = scan(cli, two_commits, tmp_path, "--diff-base", "HEAD~1")
    assert result.code == ExitCode.OK, result.out
    assert located(report) == {}
    full, full_report = scan(cli, two_commits, tmp_path)
    assert full.code == ExitCode.FAILED and len(located(full_report)) == 3


def test_diff_base_counts_uncommitted_edits_and_scans_a_subdirectory(
    two_commits: Path, tmp_path: Path, cli: Callable[..., CliResult]
) -> None:
    write_tree(two_commits, {"loaders/extra.py": NEW_FILE + "more = torch.load('more.pt')\n"})
    result, report = scan(cli, two_commits / "loaders", tmp_path, "--diff-base", "HEAD")
    assert result.code == ExitCode.FAILED
    assert located(report) == {"extra.py:3": None}


def test_diff_base_on_a_missing_target_says_it_does_not_exist(
    tmp_path: Path, cli: Callable[..., CliResult]
) -> None:
    missing = tmp_path / "no-such-folder"
    result = cli("scan", str(missing), "--diff-base", "HEAD")
    assert result.code == ExitCode.USAGE
    assert f"the target {missing} does not exist" in result.err
    assert "not inside" not in result.err


def test_unknown_diff_base_is_a_usage_error(
    two_commits: Path, cli: Callable[..., CliResult]
) -> None:
    result = cli("scan", str(two_commits), "--diff-base", "origin/nope")
    assert result.code == ExitCode.USAGE
    assert "unknown git revision 'origin/nope'" in result.err and "fetch-depth" in result.err


def test_baseline_create_then_apply(tmp_path: Path, cli: Callable[..., CliResult]) -> None:
    root = write_tree(tmp_path / "repo", BASE)
    baseline_file = tmp_path / "baseline.json"
    created = cli("baseline", "create", str(root), "--output", str(baseline_file))
    assert created.code == ExitCode.OK, created.err
    assert "recorded 1 finding(s)" in created.out
    document = load_json(baseline_file)
    jsonschema.Draft202012Validator(load_json(SCHEMAS / "baseline.schema.json")).validate(document)
    assert [(f["path"], f["line"]) for f in document["findings"]] == [("train.py", 3)]

    unchanged, report = scan(cli, root, tmp_path, "--baseline", str(baseline_file))
    assert unchanged.code == ExitCode.OK, unchanged.out
    assert located(report) == {"train.py:3": "baseline"}
    assert report["settings"]["mode"] == "baseline"
    assert "1 known finding(s) accepted, 0 new" in unchanged.out

    # a moved line keeps its fingerprint; a new one fails
    write_tree(root, {"train.py": "import torch\n\n\n# moved\n" + CHANGED_TRAIN.split("\n", 2)[2]})
    moved, report = scan(cli, root, tmp_path, "--baseline", str(baseline_file))
    assert moved.code == ExitCode.FAILED
    assert located(report) == {"train.py:5": "baseline", "train.py:6": None}
    assert "1 known finding(s) accepted, 1 new" in moved.out


def test_baseline_counts_fixed_findings_and_rejects_a_bad_file(
    tmp_path: Path, cli: Callable[..., CliResult]
) -> None:
    root = write_tree(tmp_path / "repo", BASE)
    baseline_file = tmp_path / "baseline.json"
    cli("baseline", "create", str(root), "-o", str(baseline_file))
    write_tree(root, {"train.py": "import torch\nok = torch.load('x.pt', weights_only=True)\n"})
    fixed, _ = scan(cli, root, tmp_path, "--baseline", str(baseline_file))
    assert fixed.code == ExitCode.OK
    assert "1 recorded finding(s) no longer occur" in fixed.out
    write_tree(tmp_path, {"bad.json": '{"format": "mlsec-policy-baseline",\n "version": 2}'})
    bad = cli("scan", str(root), "--baseline", str(tmp_path / "bad.json"))
    assert bad.code == ExitCode.USAGE and "not an mlsec-policy baseline" in bad.err
    missing = cli("scan", str(root), "--baseline", str(tmp_path / "missing.json"))
    assert missing.code == ExitCode.USAGE and "cannot read the baseline" in missing.err


def test_hook_reports_only_the_files_it_is_given(
    two_commits: Path,
    tmp_path: Path,
    cli: Callable[..., CliResult],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(two_commits)
    in_docs = cli("hook", "README.md")
    assert in_docs.code == ExitCode.OK, in_docs.out
    assert "only findings in the 1 listed file; 3 finding(s) elsewhere" in in_docs.out
    in_code = cli("hook", "./loaders/extra.py", "README.md")
    assert in_code.code == ExitCode.FAILED
    assert "loaders/extra.py:2" in in_code.out and "train.py" not in in_code.out
