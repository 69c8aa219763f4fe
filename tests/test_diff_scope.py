"""Diff-limited scans on real git repositories with the real semgrep: what runs where.

With ``--diff-base`` the per-file controls run on the changed files (and the files whose
findings depend on them) only; the report proves it with the files each engine was given, and
a control that no changed file fed is ``not-evaluated``, never ``pass``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import git
import pytest

from mlsec_policy.errors import ExitCode
from tests.conftest import CliResult, commit_all, load_json, report_validator, write_tree

BASE: dict[str, str | bytes] = {
    "README.md": "# demo\n",
    "SECURITY.md": "Email security@example.org to report a vulnerability privately.\n",
    "train.py": "import torch\n\nold = torch.load('old.pt')\n",
    "Dockerfile": 'FROM python:3.11-slim\nRUN pip install flask\nCMD ["flask", "run"]\n',
}
NEW_APP = "import yaml\n\n\ndef read(path):\n    return yaml.load(open(path))\n"


@pytest.fixture(autouse=True)
def pinned_date(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")


def new_repo(root: Path, files: dict[str, str | bytes]) -> git.Repo:
    write_tree(root, files)
    repo = git.Repo.init(root)
    commit_all(repo, "first")
    return repo


def scan(cli: Callable[..., CliResult], root: Path, out: Path, *extra: str) -> tuple[int, Any]:
    result = cli("scan", str(root), "--json-output", str(out / "r.json"), *extra)
    report = load_json(out / "r.json")
    report_validator().validate(report)
    return result.code, report


def result_of(report: Any, control_id: str) -> Any:
    (result,) = [r for r in report["results"] if r["control"]["id"] == control_id]
    return result


def places(report: Any) -> set[str]:
    return {
        f"{r['control']['id']} {f['location']['path']}:{f['location']['start_line']}"
        for r in report["results"]
        for f in r["findings"]
    }


def test_a_one_file_change_runs_the_per_file_engines_on_that_file_only(
    tmp_path: Path, cli: Callable[..., CliResult]
) -> None:
    repo = new_repo(tmp_path / "repo", BASE)
    root = Path(repo.working_tree_dir or "")
    full_code, full = scan(cli, root, tmp_path)
    assert result_of(full, "MLSEC-CONT-01")["status"] == "fail"  # the Dockerfile runs as root
    assert result_of(full, "MLSEC-LOAD-01")["status"] == "fail"  # train.py loads a pickle
    write_tree(root, {"app.py": NEW_APP})
    commit_all(repo, "second")

    code, report = scan(cli, root, tmp_path, "--diff-base", "HEAD~1")

    scope = report["diff_scope"]
    assert scope["changed_files"] == ["app.py"]
    assert scope["semgrep_files"] == ["app.py"]
    assert scope["native_files"] == ["app.py"]
    assert scope["examined_files"] == ["app.py"]
    assert {"MLSEC-CODE-04", "MLSEC-LOAD-01", "MLSEC-CONT-01"} <= set(
        scope["changed_file_controls"]
    )
    # the new violation is reported, and only it: the full scan's others lie in unchanged files
    assert code == ExitCode.FAILED
    assert {p for p in places(report) if not p.startswith("MLSEC-IR")} == {"MLSEC-CODE-04 app.py:5"}
    assert "MLSEC-CODE-04 app.py:5" not in places(full)
    # the Dockerfile's control had nothing to read: not evaluated, never pass
    dockerfile = result_of(report, "MLSEC-CONT-01")
    assert dockerfile["status"] == "not-evaluated"
    assert "no changed file is of a kind" in dockerfile["reason"]
    assert "MLSEC-CONT-01" in scope["not_evaluated"]
    counts = report["summary"]["status_counts"]
    assert counts["not-evaluated"] == len(scope["not_evaluated"]) > 0
    # a control that read the changed file says that its verdict covers those files only
    loads = result_of(report, "MLSEC-LOAD-01")
    assert (loads["status"], loads["evaluated_on"]) == ("pass", "changed-files")
    assert "on the changed files only" in loads["reason"]
    # repository-wide controls still saw everything
    assert result_of(report, "MLSEC-IR-01")["evaluated_on"] is None
    assert result_of(full, "MLSEC-CONT-01")["evaluated_on"] is None
    assert full["diff_scope"] is None and full_code == ExitCode.FAILED


def test_a_changed_model_re_examines_the_manifest_that_records_it(
    tmp_path: Path, cli: Callable[..., CliResult]
) -> None:
    weights = b"\x00weights version one"
    sums = f"{hashlib.sha256(weights).hexdigest()}  weights.safetensors\n"
    files: dict[str, str | bytes] = {
        **BASE,
        "models/weights.safetensors": weights,
        "models/SHA256SUMS": sums,
        "other/SHA256SUMS": f"{hashlib.sha256(b'x').hexdigest()}  gone.bin\n",
        "SHA256SUMS": f"{hashlib.sha256(b'y').hexdigest()}  README.md\n",
    }
    repo = new_repo(tmp_path / "repo", files)
    root = Path(repo.working_tree_dir or "")
    write_tree(root, {"models/weights.safetensors": b"\x00weights version two"})
    commit_all(repo, "retrain without recording")

    _, report = scan(cli, root, tmp_path, "--diff-base", "HEAD~1")

    scope = report["diff_scope"]
    assert scope["changed_files"] == ["models/weights.safetensors"]
    # the manifest that names the file; not one elsewhere, nor one above that names others
    assert scope["dependent_files"] == ["models/SHA256SUMS"]
    stale = result_of(report, "MLSEC-INTEG-02")
    assert stale["status"] == "fail"
    assert [f["location"]["path"] for f in stale["findings"]] == ["models/SHA256SUMS"]
    assert "does not match" in stale["findings"][0]["message"]
    assert any("whose findings depend on them" in note for note in report["notes"])


def test_deleted_renamed_and_uncommitted_files(
    tmp_path: Path, cli: Callable[..., CliResult]
) -> None:
    repo = new_repo(tmp_path / "repo", BASE)
    root = Path(repo.working_tree_dir or "")
    repo.git.mv("train.py", "training.py")
    repo.git.rm("Dockerfile")
    commit_all(repo, "rename and delete")
    write_tree(root, {"README.md": "# demo\n\nimport-free words\n", "app.py": NEW_APP})

    _, report = scan(cli, root, tmp_path, "--diff-base", "HEAD~1")

    scope = report["diff_scope"]
    # an uncommitted edit of a tracked file counts; a file git does not track does not
    assert scope["changed_files"] == ["README.md", "training.py"]
    assert scope["deleted_files"] == ["Dockerfile", "train.py"]
    assert "app.py" not in scope["examined_files"]
    # a pure rename changes no line: its old finding is not new
    assert result_of(report, "MLSEC-LOAD-01")["findings"] == []
    assert result_of(report, "MLSEC-LOAD-01")["evaluated_on"] == "changed-files"


def test_a_base_missing_from_a_shallow_clone_is_a_usage_error(
    tmp_path: Path, cli: Callable[..., CliResult]
) -> None:
    repo = new_repo(tmp_path / "origin", BASE)
    write_tree(Path(repo.working_tree_dir or ""), {"app.py": NEW_APP})
    commit_all(repo, "second")
    shallow = tmp_path / "shallow"
    git.Repo.clone_from(f"file://{repo.working_tree_dir}", shallow, depth=1)

    result = cli("scan", str(shallow), "--diff-base", "HEAD~1")

    # git names the parent of the clone's only commit but does not hold it: no crash
    assert result.code == ExitCode.USAGE
    assert "'HEAD~1' is not in this repository (a shallow clone" in result.err
    assert "fetch-depth: 0" in result.err
    absent = cli("scan", str(shallow), "--diff-base", "origin/feature")
    assert absent.code == ExitCode.USAGE and "unknown git revision" in absent.err
    outside = cli("scan", str(tmp_path / "origin"), "--diff-base", "no-such-branch")
    assert outside.code == ExitCode.USAGE and "unknown git revision" in outside.err


EVIDENCE_PACK: dict[str, str | bytes] = {
    "pack.yaml": "name: acme-diff\nversion: 1.0.0\n",
    "controls/app-development/ACME-AUDIT-01/control.yaml": """\
id: ACME-AUDIT-01
title: The service writes an audit log
severity: medium
phase: app-development
risks: [R13-Security]
requirements: [MS4]
rationale: >
  Without an audit log nobody can tell afterwards who called the model.
remediation: >
  Create the audit logger once, where the service starts.
fix: Call audit.configure() at start-up.
checks:
  - id: acme-audit-configured
    engine: semgrep
    mode: evidence
    kinds: [python]
    message: nothing configures the audit log
    rule:
      languages: [python]
      pattern: audit.configure(...)
""",
    "controls/app-development/ACME-EVAL-01/control.yaml": """\
id: ACME-EVAL-01
title: Code does not call eval
severity: low
phase: app-development
risks: [R10-Security]
requirements: [MS1]
rationale: >
  eval runs whatever text reaches it.
remediation: >
  Parse values with a real parser instead of eval.
fix: Replace eval with ast.literal_eval or a parser.
checks:
  - id: acme-eval
    engine: semgrep
    mode: violation
    kinds: [python]
    message: eval runs arbitrary text
    rule:
      languages: [python]
      pattern: eval(...)
""",
}


def test_evidence_in_an_unchanged_file_still_counts(
    tmp_path: Path, cli: Callable[..., CliResult]
) -> None:
    pack = write_tree(tmp_path / "pack", EVIDENCE_PACK)
    files: dict[str, str | bytes] = {
        "service/start.py": "import audit\n\naudit.configure('calls.log')\n",
        "service/model.py": "def predict(x):\n    return eval(x)\n",
    }
    repo = new_repo(tmp_path / "repo", files)
    root = Path(repo.working_tree_dir or "")
    write_tree(root, {"service/model.py": "def predict(x):\n    return x\n\n\nTOTAL = eval('1')\n"})
    commit_all(repo, "touch the model only")

    code, report = scan(cli, root, tmp_path, "--policy", str(pack), "--diff-base", "HEAD~1")

    audit = result_of(report, "ACME-AUDIT-01")
    # an evidence control judges the repository: its evidence sits in an unchanged file
    assert (audit["status"], audit["evaluated_on"]) == ("pass", None)
    assert [e["location"]["path"] for e in audit["evidence"]] == ["service/start.py"]
    assert report["diff_scope"]["changed_file_controls"] == ["ACME-EVAL-01"]
    assert report["diff_scope"]["semgrep_files"] == ["service/model.py"]
    assert places(report) == {"ACME-EVAL-01 service/model.py:5"}
    assert code == ExitCode.FAILED


def test_an_unchanged_oversized_file_errs_only_for_the_controls_that_read_it(
    tmp_path: Path, cli: Callable[..., CliResult]
) -> None:
    repo = new_repo(tmp_path / "repo", {**BASE, "serving/big_module.py": "x = 1\n" * 400_000})
    root = Path(repo.working_tree_dir or "")
    write_tree(root, {"app.py": NEW_APP})
    commit_all(repo, "second")

    _, report = scan(cli, root, tmp_path, "--diff-base", "HEAD~1")

    (blocked,) = [e for e in report["errors"] if e["path"] == "serving/big_module.py"]
    per_file = set(report["diff_scope"]["changed_file_controls"])
    assert blocked["control_ids"] and not per_file & set(blocked["control_ids"])
    assert result_of(report, "MLSEC-LOAD-01")["status"] == "pass"
    assert result_of(report, "MLSEC-CODE-04")["status"] == "fail"
