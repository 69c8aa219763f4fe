"""The GitHub Action, the pre-commit hooks, the CI examples and their documentation.

Formats are checked against the real schemas (SchemaStore's action and workflow schemas,
GitLab's CI schema) and pre-commit's own manifest loader. The action's scan script and the
GitLab job's script are run for real, with bash and the installed tool, on a real repository.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import git
import jsonschema
import pytest
from pre_commit.clientlib import load_manifest
from ruamel.yaml import YAML

from mlsec_policy.cache.store import FOLDER
from mlsec_policy.config import load_config
from mlsec_policy.errors import ExitCode
from tests.conftest import (
    REPO,
    SCHEMAS,
    CliResult,
    load_json,
    run_subprocess,
    sarif_validator,
    write_tree,
)

EXAMPLES = REPO / "examples" / "ci"
DOCS = REPO / "docs" / "ci.md"
TOOL = Path(sys.executable).parent / "mlsec-policy"
FAILING_REPO = {
    "README.md": "# demo\n",
    "SECURITY.md": "Email security@example.org to report a vulnerability privately.\n",
    "train.py": "import torch\nmodel = torch.load('ckpt.pt')\n",
}


def yaml_file(path: Path) -> Any:
    """Load YAML the way GitHub does (YAML 1.2: 'on' stays a string)."""
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))


def schema_errors(document: Any, schema_file: str) -> list[str]:
    schema = load_json(SCHEMAS / "third_party" / schema_file)
    validator = jsonschema.Draft7Validator(schema)
    return [error.message for error in validator.iter_errors(document)]


def test_action_yml_is_a_valid_composite_action() -> None:
    action = yaml_file(REPO / "action.yml")
    assert schema_errors(action, "github-action.json") == []
    assert set(action["inputs"]) >= {"path", "fail-on", "config", "baseline"}
    assert action["runs"]["using"] == "composite"
    steps = {step.get("id") or step["name"]: step for step in action["runs"]["steps"]}
    upload = steps["Upload SARIF to code scanning"]
    assert upload["uses"].startswith("github/codeql-action/upload-sarif@")
    assert upload["if"].startswith("always()")
    assert upload["with"]["category"] == "${{ inputs.category }}"
    assert all("shell" in step for step in action["runs"]["steps"] if "run" in step)
    # inputs reach scripts through the environment, never pasted into the script text
    for step in action["runs"]["steps"]:
        assert "${{" not in step.get("run", "")


def test_the_schema_would_catch_a_broken_action() -> None:
    action = yaml_file(REPO / "action.yml")
    del action["runs"]["using"]
    assert schema_errors(action, "github-action.json")


def test_example_workflows_are_valid() -> None:
    workflow = yaml_file(EXAMPLES / "github-actions.yml")
    assert schema_errors(workflow, "github-workflow.json") == []
    assert workflow["permissions"]["security-events"] == "write"
    gitlab = yaml_file(EXAMPLES / "gitlab-ci.yml")
    assert schema_errors(gitlab, "gitlab-ci.json") == []
    broken = {"mlsec-policy": {**gitlab["mlsec-policy"], "script": 42}}
    assert schema_errors(broken, "gitlab-ci.json")


def test_pre_commit_hooks_manifest_is_valid() -> None:
    hooks = {hook["id"]: hook for hook in load_manifest(str(REPO / ".pre-commit-hooks.yaml"))}
    assert set(hooks) == {"mlsec-policy", "mlsec-policy-changed-lines"}
    main = hooks["mlsec-policy"]
    assert main["entry"] == "mlsec-policy hook"
    assert main["pass_filenames"] is True and main["require_serial"] is True
    assert main["language"] == "python"
    changed = hooks["mlsec-policy-changed-lines"]
    assert changed["entry"] == "mlsec-policy scan . --diff-base HEAD"
    assert changed["pass_filenames"] is False


def fenced_blocks(text: str) -> list[str]:
    return [match.group(1) for match in re.finditer(r"```[a-z]*\n(.*?)```", text, re.DOTALL)]


@pytest.mark.parametrize("example", ["github-actions.yml", "gitlab-ci.yml"])
def test_docs_show_each_example_verbatim(example: str) -> None:
    blocks = fenced_blocks(DOCS.read_text(encoding="utf-8"))
    assert (EXAMPLES / example).read_text(encoding="utf-8") in blocks


def test_docs_commands_exist_in_the_cli(cli: Callable[..., CliResult]) -> None:
    text = DOCS.read_text(encoding="utf-8")
    commands = set(re.findall(r"mlsec-policy ((?:baseline )?[a-z]+)\b", text))
    assert {"scan", "init", "hook", "baseline create"} <= commands
    ours = [line for line in text.splitlines() if "mlsec-policy " in line or "args" in line]
    options = {option for line in ours for option in re.findall(r"(--[a-z][a-z-]+)", line)}
    scan_help = cli("scan", "--help").out + cli("baseline", "create", "--help").out
    scan_help += cli("policy", "digest", "--help").out
    scan_help += cli("fix", "--help").out + cli("explain", "--help").out
    unknown = {option for option in options if option not in scan_help}
    assert unknown <= {"--force", "--markdown-output"}, unknown


def bash_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("INPUT_", "CI_"))}
    env.update(
        PATH=f"{TOOL.parent}{os.pathsep}{env.get('PATH', '')}",
        SOURCE_DATE_EPOCH="1767225600",
        RUNNER_TEMP=str(tmp_path / "runner"),
        GITHUB_OUTPUT=str(tmp_path / "output.txt"),
        GITHUB_STEP_SUMMARY=str(tmp_path / "summary.md"),
        MLSEC_POLICY_BIN=str(TOOL),
    )
    env.update(extra)
    (tmp_path / "runner").mkdir(exist_ok=True)
    return env


def run_bash(script: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    bash = shutil.which("bash")
    assert bash is not None
    return subprocess.run(
        [bash, "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture
def failing_repo(tmp_path: Path) -> Path:
    root = write_tree(tmp_path / "repo", FAILING_REPO)
    repo = git.Repo.init(root, initial_branch="main")
    repo.git.add(A=True)
    repo.index.commit("first", author=git.Actor("t", "t@example.org"))
    return root


def test_action_scan_step_runs_writes_outputs_summary_and_exit_code(
    failing_repo: Path, tmp_path: Path
) -> None:
    action = yaml_file(REPO / "action.yml")
    (scan_step,) = [s for s in action["runs"]["steps"] if s.get("id") == "scan"]
    assert set(scan_step["env"]) == {
        "INPUT_PATH",
        "INPUT_FAIL_ON",
        "INPUT_CONFIG",
        "INPUT_BASELINE",
        "INPUT_DIFF_BASE",
        "INPUT_EXTRA_ARGS",
        "INPUT_CACHE_DIR",
    }
    inputs = dict.fromkeys(scan_step["env"], "")
    inputs.update(INPUT_PATH=".", INPUT_FAIL_ON="high", INPUT_EXTRA_ARGS="--no-inline-suppressions")
    done = run_bash(scan_step["run"], failing_repo, bash_env(tmp_path, **inputs))
    assert done.returncode == ExitCode.FAILED, done.stdout + done.stderr
    assert "MLSEC-LOAD-01" in done.stdout
    outputs = dict(
        line.split("=", 1) for line in (tmp_path / "output.txt").read_text().splitlines()
    )
    assert outputs["exit-code"] == "1"
    sarif_validator().validate(load_json(Path(outputs["sarif-file"])))
    report = load_json(Path(outputs["json-file"]))
    assert report["settings"]["fail_on"] == "high"
    assert report["settings"]["inline_suppressions"] is False
    summary = (tmp_path / "summary.md").read_text()
    assert "MLSEC-LOAD-01" in summary and "Verdict: FAIL" in summary


def test_action_scan_step_passes_a_config_error_through(failing_repo: Path, tmp_path: Path) -> None:
    action = yaml_file(REPO / "action.yml")
    (scan_step,) = [s for s in action["runs"]["steps"] if s.get("id") == "scan"]
    inputs = dict.fromkeys(scan_step["env"], "")
    inputs.update(INPUT_PATH=".", INPUT_CONFIG="missing.yml")
    done = run_bash(scan_step["run"], failing_repo, bash_env(tmp_path, **inputs))
    assert done.returncode == ExitCode.USAGE
    outputs = (tmp_path / "output.txt").read_text()
    assert "exit-code=2" in outputs and "sarif-file" not in outputs
    assert "missing.yml" in (tmp_path / "summary.md").read_text()


def gitlab_script() -> str:
    job = yaml_file(EXAMPLES / "gitlab-ci.yml")["mlsec-policy"]
    script = "\n".join(job["script"])
    assert "mlsec-policy scan" in script
    return script


def test_gitlab_job_script_runs_a_full_scan(failing_repo: Path, tmp_path: Path) -> None:
    done = run_bash(gitlab_script(), failing_repo, bash_env(tmp_path))
    assert done.returncode == ExitCode.FAILED, done.stdout + done.stderr
    sarif_validator().validate(load_json(failing_repo / "mlsec-policy.sarif"))
    assert load_json(failing_repo / "mlsec-policy.json")["settings"]["mode"] == "full"


def test_gitlab_job_script_runs_a_merge_request_diff_scan(
    failing_repo: Path, tmp_path: Path
) -> None:
    origin = git.Repo.init(tmp_path / "origin.git", bare=True)
    repo = git.Repo(failing_repo)
    repo.create_remote("origin", str(origin.working_dir)).push("main")
    repo.git.checkout("-b", "feature")
    write_tree(failing_repo, {"docs.md": "# docs only\n"})
    repo.git.add(A=True)
    repo.index.commit("docs", author=git.Actor("t", "t@example.org"))
    env = bash_env(tmp_path, CI_MERGE_REQUEST_TARGET_BRANCH_NAME="main")
    done = run_bash(gitlab_script(), failing_repo, env)
    assert done.returncode == ExitCode.OK, done.stdout + done.stderr
    report = load_json(failing_repo / "mlsec-policy.json")
    assert report["settings"]["mode"] == "diff"
    assert report["settings"]["diff_base"] == "origin/main"


def test_init_writes_a_valid_commented_config(
    tmp_path: Path, cli: Callable[..., CliResult]
) -> None:
    root = write_tree(
        tmp_path / "repo",
        {
            "train.py": "x = 1\n",
            "tests/fixtures/bad.py": "import pickle\n",
            "vendor/lib/x.py": "y = 2\n",
            "Dockerfile": "FROM python:3.12\n",
        },
    )
    result = cli("init", str(root))
    assert result.code == ExitCode.OK, result.err
    written = root / ".mlsec-policy.yml"
    text = written.read_text(encoding="utf-8")
    config = load_config(written, date(2026, 1, 1))
    assert config.excludes == ("tests/fixtures/", "vendor/")
    assert "Dockerfiles 1" in text and "MLSEC-HUMAN-01" in text
    again = cli("init", str(root))
    assert again.code == ExitCode.USAGE and "--force" in again.err
    assert cli("init", str(root), "--force").code == ExitCode.OK


def test_init_examples_are_valid_once_uncommented(
    tmp_path: Path, cli: Callable[..., CliResult]
) -> None:
    root = write_tree(tmp_path / "repo", {"train.py": "x = 1\n"})
    cli("init", str(root))
    text = (root / ".mlsec-policy.yml").read_text(encoding="utf-8")
    setting = re.compile(r"^# (?:[a-z-]+:(?: |$)|  (?!#))")
    lines = [line[2:] if setting.match(line) else line for line in text.splitlines()]
    write_tree(root, {"full.yml": "\n".join(lines) + "\n"})
    config = load_config(root / "full.yml", date.today())
    assert config.waivers and config.attestations and config.severity_overrides
    assert config.inline_suppressions is True and config.excludes == ("tests/fixtures/",)


def test_action_keys_the_result_cache_by_the_policy_digest(
    failing_repo: Path, tmp_path: Path
) -> None:
    action = yaml_file(REPO / "action.yml")
    steps = {step.get("id") or step["name"]: step for step in action["runs"]["steps"]}
    key_step, scan_step = steps["cache-key"], steps["scan"]
    assert steps["Restore the result cache"]["uses"].startswith("actions/cache/restore@")
    save = steps["Save the result cache"]
    assert save["uses"].startswith("actions/cache/save@") and save["if"].startswith("always()")
    env = bash_env(tmp_path, INPUT_PATH=".", INPUT_CONFIG="")
    done = run_bash(key_step["run"], failing_repo, env)
    assert done.returncode == 0, done.stderr
    outputs = dict(
        line.split("=", 1) for line in (tmp_path / "output.txt").read_text().splitlines()
    )
    digest = run_subprocess("policy", "digest", str(failing_repo)).out.strip()
    assert outputs["key"].endswith(f"-{digest}") and outputs["key"].startswith("mlsec-policy-")
    (tmp_path / "output.txt").unlink()
    inputs = dict.fromkeys(scan_step["env"], "")
    inputs.update(INPUT_PATH=".", INPUT_CACHE_DIR=outputs["dir"])
    done = run_bash(scan_step["run"], failing_repo, bash_env(tmp_path, **inputs))
    assert done.returncode == ExitCode.FAILED, done.stdout + done.stderr
    assert any(Path(outputs["dir"], FOLDER).rglob("*"))


def test_gitlab_job_keeps_one_cache_folder_per_policy_digest(
    failing_repo: Path, tmp_path: Path
) -> None:
    stale = failing_repo / ".mlsec-policy-cache" / "0.0.1-sha256-old"
    stale.mkdir(parents=True)
    done = run_bash(gitlab_script(), failing_repo, bash_env(tmp_path))
    assert done.returncode == ExitCode.FAILED, done.stdout + done.stderr
    (kept,) = (failing_repo / ".mlsec-policy-cache").iterdir()
    digest = run_subprocess("policy", "digest", str(failing_repo), "--with-version").out
    assert kept.name == digest.strip().replace(":", "-")
    assert any((kept / FOLDER).rglob("*"))
    report = load_json(failing_repo / "mlsec-policy.json")
    assert ".mlsec-policy-cache/" in report["settings"]["excludes"]
