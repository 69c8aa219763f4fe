"""End to end: the real CLI, the real semgrep, real files; reports checked against schemas."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import (
    CliResult,
    load_json,
    report_validator,
    run_subprocess,
    sarif_validator,
    write_tree,
)

VULNERABLE = {
    "train.py": "import torch\nmodel = torch.load('ckpt.pt')\n",
    "Dockerfile.prod": 'FROM python:3.11-slim\nCOPY . /app\nCMD ["python", "/app/serve.py"]\n',
    "notebooks/explore.ipynb": (
        '{\n "cells": [\n  {\n   "cell_type": "markdown",\n   "source": ["# notes"]\n  },\n'
        '  {\n   "cell_type": "code",\n   "source": [\n    "!pip install torch\\n",\n'
        '    "import torch\\n",\n    "m = torch.load(\\"x.pt\\", weights_only=False)"\n   ]\n  }\n'
        ' ],\n "metadata": {},\n "nbformat": 4,\n "nbformat_minor": 5\n}\n'
    ),
}
EPOCH = {"SOURCE_DATE_EPOCH": "1767225600"}


@pytest.fixture
def vulnerable(tmp_path: Path) -> Path:
    return write_tree(tmp_path / "repo", VULNERABLE)


def scan(cli: Callable[..., CliResult], target: Path, out: Path, *extra: str) -> CliResult:
    return cli(
        "scan",
        str(target),
        "--json-output",
        str(out / "r.json"),
        "--sarif-output",
        str(out / "r.sarif"),
        *extra,
    )


def test_failing_repo_exits_1_and_reports_validate(
    vulnerable: Path, tmp_path: Path, cli: Callable[..., CliResult]
) -> None:
    result = scan(cli, vulnerable, tmp_path)
    assert result.code == 1, result.out + result.err
    report = load_json(tmp_path / "r.json")
    report_validator().validate(report)
    sarif = load_json(tmp_path / "r.sarif")
    sarif_validator().validate(sarif)
    assert report["summary"]["verdict"] == "fail"
    findings = {
        (f["location"]["path"], f["location"]["start_line"])
        for r in report["results"]
        for f in r["findings"]
    }
    assert ("train.py", 2) in findings
    assert ("Dockerfile.prod", 1) in findings
    assert "MLSEC-LOAD-01" in result.out and "train.py:2" in result.out


def test_notebook_finding_points_at_the_ipynb_and_its_cell(
    vulnerable: Path, tmp_path: Path, cli: Callable[..., CliResult]
) -> None:
    scan(cli, vulnerable, tmp_path)
    sarif = load_json(tmp_path / "r.sarif")
    notebook = [
        r
        for r in sarif["runs"][0]["results"]
        if r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].endswith(".ipynb")
        and r["ruleId"] == "MLSEC-LOAD-01"
    ]
    assert len(notebook) == 1
    region = notebook[0]["locations"][0]["physicalLocation"]["region"]
    raw_lines = VULNERABLE["notebooks/explore.ipynb"].splitlines()
    assert "torch.load" in raw_lines[region["startLine"] - 1]
    assert notebook[0]["properties"]["notebookCell"] == {"index": 2, "line": 3}
    assert "cell 2, line 3" in notebook[0]["message"]["text"]


def test_every_sarif_rule_carries_its_risk_codes_and_phase(
    vulnerable: Path, tmp_path: Path, cli: Callable[..., CliResult]
) -> None:
    scan(cli, vulnerable, tmp_path)
    report = load_json(tmp_path / "r.json")
    rules = {
        rule["id"]: rule
        for rule in load_json(tmp_path / "r.sarif")["runs"][0]["tool"]["driver"]["rules"]
    }
    assert set(rules) == {r["control"]["id"] for r in report["results"]}
    for result in report["results"]:
        tags = rules[result["control"]["id"]]["properties"]["tags"]
        assert "security" in tags
        assert f"phase:{result['control']['phase']}" in tags
        for risk in result["control"]["risks"]:
            assert risk in tags
        assert float(rules[result["control"]["id"]]["properties"]["security-severity"]) > 0
    for sarif_result in load_json(tmp_path / "r.sarif")["runs"][0]["results"]:
        assert sarif_result["partialFingerprints"]["primaryLocationLineHash"]


def test_clean_repo_exits_0(tmp_path: Path, cli: Callable[..., CliResult]) -> None:
    repo = write_tree(
        tmp_path / "repo",
        {
            "train.py": "import torch\nmodel = torch.load('ckpt.pt', weights_only=True)\n",
            "SECURITY.md": "Report vulnerabilities to security@example.com\n",
        },
    )
    result = scan(cli, repo, tmp_path)
    assert result.code == 0, result.out
    report_validator().validate(load_json(tmp_path / "r.json"))
    sarif_validator().validate(load_json(tmp_path / "r.sarif"))


def test_fail_on_threshold_controls_the_exit_code(
    tmp_path: Path, cli: Callable[..., CliResult]
) -> None:
    repo = write_tree(tmp_path / "repo", {"train.py": "import torch\ntorch.load('c.pt')\n"})
    assert scan(cli, repo, tmp_path, "--fail-on", "critical").code == 0
    assert scan(cli, repo, tmp_path, "--fail-on", "high").code == 1


def test_reports_are_byte_identical_with_pinned_time(vulnerable: Path, tmp_path: Path) -> None:
    outputs = []
    for run_number in (1, 2):
        out = tmp_path / f"run{run_number}"
        result = run_subprocess(
            "scan",
            str(vulnerable),
            "--json-output",
            str(out / "r.json"),
            "--sarif-output",
            str(out / "r.sarif"),
            env={**os.environ, **EPOCH},
        )
        assert result.code == 1, result.err
        outputs.append(((out / "r.json").read_bytes(), (out / "r.sarif").read_bytes()))
    assert outputs[0] == outputs[1]
    assert load_json(tmp_path / "run1" / "r.json")["started_at"] == "2026-01-01T00:00:00Z"


def _fake_semgrep(folder: Path, body: str) -> Path:
    script = folder / "semgrep"
    script.write_text("#!/bin/sh\n" + body + "\n", encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


@pytest.mark.parametrize(
    "body",
    [
        "echo 'segmentation fault' >&2; exit 139",
        "kill -9 $$",
        "echo '{not json'; exit 0",
    ],
    ids=["crash", "killed", "garbage"],
)
def test_broken_semgrep_gives_error_status_and_exit_3(
    body: str, vulnerable: Path, tmp_path: Path
) -> None:
    fake = _fake_semgrep(tmp_path, body)
    result = run_subprocess(
        "scan",
        str(vulnerable),
        "--json-output",
        str(tmp_path / "r.json"),
        "--sarif-output",
        str(tmp_path / "r.sarif"),
        env={**os.environ, "MLSEC_POLICY_SEMGREP": str(fake)},
    )
    assert result.code == 3, result.out + result.err
    report = load_json(tmp_path / "r.json")
    report_validator().validate(report)
    statuses = {r["control"]["id"]: r["status"] for r in report["results"]}
    assert statuses["MLSEC-LOAD-01"] == "error"
    assert report["summary"]["verdict"] == "incomplete"
    sarif = load_json(tmp_path / "r.sarif")
    sarif_validator().validate(sarif)
    invocation = sarif["runs"][0]["invocations"][0]
    assert invocation["executionSuccessful"] is False
    assert any(n["level"] == "error" for n in invocation["toolExecutionNotifications"])
    assert "could not be verified" in result.out


def test_missing_semgrep_binary_is_a_clear_error_with_exit_3(
    vulnerable: Path, tmp_path: Path
) -> None:
    result = run_subprocess(
        "scan", str(vulnerable), env={**os.environ, "MLSEC_POLICY_SEMGREP": str(tmp_path / "nope")}
    )
    assert result.code == 3
    assert "semgrep binary" in result.err and "does not exist" in result.err


def test_unparseable_notebook_is_an_error_not_a_pass(
    tmp_path: Path, cli: Callable[..., CliResult]
) -> None:
    repo = write_tree(tmp_path / "repo", {"nb.ipynb": "{ this is not json"})
    result = scan(cli, repo, tmp_path)
    assert result.code == 3
    report = load_json(tmp_path / "r.json")
    errors = [e for e in report["errors"] if e["path"] == "nb.ipynb"]
    assert errors and errors[0]["kind"] == "parse-error"
    statuses = {r["control"]["id"]: r["status"] for r in report["results"]}
    assert statuses["MLSEC-LOAD-01"] == "error"


def test_usage_errors_exit_2(tmp_path: Path, cli: Callable[..., CliResult]) -> None:
    assert cli("scan", str(tmp_path / "missing")).code == 2
    assert cli("scan", str(tmp_path), "--fail-on", "extreme").code == 2
    assert cli("no-such-command").code == 2


def test_version(cli: Callable[..., CliResult]) -> None:
    result = cli("--version")
    assert result.code == 0 and result.out.startswith("mlsec-policy ")


def test_report_files_are_readable_by_others(tmp_path: Path, cli: Callable[..., CliResult]) -> None:
    repo = write_tree(tmp_path / "repo", {"a.py": "x = 1\n"})
    old = os.umask(0o022)
    try:
        scan(cli, repo, tmp_path)
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "r.json").stat().st_mode) == 0o644


def test_notebooks_in_other_languages_are_not_parsed_as_python(
    tmp_path: Path, cli: Callable[..., CliResult]
) -> None:
    r_notebook = (
        '{"cells": [{"cell_type": "code", "source": ["x <- c(1, 2)\\n", "library(ggplot2)"],'
        ' "outputs": [], "metadata": {}}],'
        ' "metadata": {"kernelspec": {"name": "ir", "language": "R", "display_name": "R"}},'
        ' "nbformat": 4, "nbformat_minor": 5}'
    )
    repo = write_tree(tmp_path / "repo", {"analysis.ipynb": r_notebook})
    result = scan(cli, repo, tmp_path, "--disable", "MLSEC-IR-01")
    report = load_json(tmp_path / "r.json")
    assert [e for e in report["errors"] if e["path"] == "analysis.ipynb"] == []
    assert result.code == 0, result.out


def test_valid_python_semgrep_cannot_parse_is_an_error_with_an_honest_hint(
    tmp_path: Path, cli: Callable[..., CliResult]
) -> None:
    # the route's decorator makes the file one that a check could match: a syntax error in a
    # file that no rule's gate passes concerns no check (engines/semgrep/gates.py)
    source = (
        "from fastapi import FastAPI\n"
        "app = FastAPI()\n"
        "\n"
        '@app.post("/pick")\n'
        "def pick(outputs):\n"
        "    match outputs:\n"
        '        case {"message": {"content": None, **rest}} if "audio" not in rest:\n'
        "            return rest\n"
        "    return None\n"
    )
    repo = write_tree(tmp_path / "repo", {"gen.py": source})
    result = scan(cli, repo, tmp_path)
    assert result.code == 3
    (error,) = [e for e in load_json(tmp_path / "r.json")["errors"] if e["path"] == "gen.py"]
    assert error["kind"] == "parse-error" and error["level"] == "error"
    assert "valid Python that semgrep's parser cannot read" in error["hint"]
