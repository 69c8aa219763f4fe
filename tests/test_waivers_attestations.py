"""Waivers and attestations end to end: real scans, real reports, exit codes follow them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from mlsec_policy.analyzers import ANALYZERS
from mlsec_policy.errors import ExitCode
from mlsec_policy.policy import load_policy
from mlsec_policy.report import json_report
from tests.conftest import CliResult, load_json, report_validator, sarif_validator, write_tree

EPOCH_2026_01_01 = "1767225600"

REPO = {
    "README.md": "# demo\n",
    "SECURITY.md": "Email security@example.org to report a vulnerability privately.\n",
    "train.py": "import torch\n\nmodel = torch.load('ckpt.pt')\n",
    "Dockerfile": 'FROM python:3.12-slim\nCOPY . /app\nCMD ["python", "/app/serve.py"]\n',
}

WAIVER = """\
  - control: {control}
    reason: {reason}
    approver: Dana Reyes (security lead)
    ticket: https://tracker.example.org/{ticket}
    expires: {expires}
"""


def waiver(control: str, expires: str, ticket: str, extra: str = "") -> str:
    text = WAIVER.format(
        control=control,
        reason="Accepted until the loader rewrite lands.",
        ticket=ticket,
        expires=expires,
    )
    return text + extra


@pytest.fixture(autouse=True)
def pinned_date(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH_2026_01_01)


EXERCISED = frozenset({"MLSEC-LOAD-01", "MLSEC-CONT-01", "MLSEC-HUMAN-01", "MLSEC-IR-01"})
"""The controls these scenarios are about; the rest of the catalogue is switched off."""


def others_disabled() -> list[str]:
    """Return ``--disable`` options for every bundled control these tests do not exercise."""
    policy = load_policy(("builtin",), ANALYZERS)
    return [
        option
        for control in policy.controls
        if control.id not in EXERCISED
        for option in ("--disable", control.id)
    ]


def scan(
    cli: Callable[..., CliResult], root: Path, out: Path, *extra: str
) -> tuple[CliResult, dict[str, Any], dict[str, Any]]:
    result = cli(
        "scan",
        str(root),
        "--json-output",
        str(out / "r.json"),
        "--sarif-output",
        str(out / "r.sarif"),
        *others_disabled(),
        *extra,
    )
    report = load_json(out / "r.json")
    report_validator().validate(report)
    sarif = load_json(out / "r.sarif")
    sarif_validator().validate(sarif)
    return result, report, sarif


def results_by_id(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["control"]["id"]: r for r in report["results"]}


def test_fully_waived_repo_exits_0_and_keeps_waived_findings_out_of_sarif(
    tmp_path: Path, cli: Callable[..., CliResult]
) -> None:
    config = (
        "waivers:\n"
        + waiver("MLSEC-LOAD-01", "2026-06-30", "SEC-1")
        + waiver("MLSEC-CONT-01", "2026-01-01", "SEC-2")
    )
    root = write_tree(tmp_path / "repo", {**REPO, ".mlsec-policy.yml": config})
    result, report, sarif = scan(cli, root, tmp_path)
    assert result.code == ExitCode.OK, result.out + result.err
    results = results_by_id(report)
    for control_id, ticket in (("MLSEC-LOAD-01", "SEC-1"), ("MLSEC-CONT-01", "SEC-2")):
        control = results[control_id]
        assert control["status"] == "waived"
        (finding,) = control["findings"]
        assert finding["suppression"] == {
            "kind": "waiver",
            "reason": "Accepted until the loader rewrite lands.",
            "approver": "Dana Reyes (security lead)",
            "expires": "2026-06-30" if ticket == "SEC-1" else "2026-01-01",
            "reference": f"https://tracker.example.org/{ticket}",
        }
    assert [w["state"] for w in report["waivers"]] == ["used", "used"]
    assert report["waivers"][0]["matched"] == [
        results["MLSEC-LOAD-01"]["findings"][0]["fingerprint"]
    ]
    assert report["waivers"][0]["waiver"]["source"] == ".mlsec-policy.yml:2"
    assert report["settings"]["config"] == ".mlsec-policy.yml"
    assert sarif["runs"][0]["results"] == []
    text = (tmp_path / "r.json").read_text(encoding="utf-8")
    assert json_report.render(json_report.load(text)) == text


def test_expired_waiver_fails_and_unused_waiver_is_reported(
    tmp_path: Path, cli: Callable[..., CliResult]
) -> None:
    config = (
        "waivers:\n"
        + waiver("MLSEC-LOAD-01", "2025-12-31", "SEC-3")
        + waiver("MLSEC-CONT-01", "2026-06-30", "SEC-4", "    paths: [legacy/**]\n")
    )
    root = write_tree(tmp_path / "repo", {**REPO, ".mlsec-policy.yml": config})
    result, report, sarif = scan(cli, root, tmp_path, "--verbose")
    assert result.code == ExitCode.FAILED
    results = results_by_id(report)
    assert results["MLSEC-LOAD-01"]["status"] == "fail"
    assert results["MLSEC-LOAD-01"]["findings"][0]["suppression"] is None
    expired, unused = report["waivers"]
    assert expired["state"] == "expired"
    assert expired["matched"] == [results["MLSEC-LOAD-01"]["findings"][0]["fingerprint"]]
    assert unused["state"] == "unused" and unused["matched"] == []
    assert results["MLSEC-CONT-01"]["status"] == "fail"
    rule_ids = {r["ruleId"] for r in sarif["runs"][0]["results"]}
    assert rule_ids == {"MLSEC-LOAD-01", "MLSEC-CONT-01"}
    assert "expired on 2025-12-31 and no longer applies: 1 finding(s) count again" in result.out
    assert "for MLSEC-CONT-01 matched no finding (unused)" in result.out


ATTESTATION = """\
attestations:
  - control: MLSEC-HUMAN-01
    by: Dana Reyes (ML platform lead)
    date: "2025-11-02"
    evidence: https://lms.example.org/reports/ml-team-2025
    expires: "{expires}"
"""

QUIET_REPO = {
    "README.md": "# demo\n",
    "SECURITY.md": "Email security@example.org to report a vulnerability privately.\n",
}


@pytest.mark.parametrize(
    ("config", "flag", "status", "code"),
    [
        ("", (), "needs-attestation", ExitCode.OK),
        ("", ("--fail-on-attestation",), "needs-attestation", ExitCode.FAILED),
        ("fail-on-attestation: true\n", (), "needs-attestation", ExitCode.FAILED),
        (
            ATTESTATION.format(expires="2026-11-02"),
            ("--fail-on-attestation",),
            "attested",
            ExitCode.OK,
        ),
        (
            ATTESTATION.format(expires="2025-12-31"),
            ("--fail-on-attestation",),
            "needs-attestation",
            ExitCode.FAILED,
        ),
    ],
    ids=["missing", "missing-gated", "missing-gated-by-config", "current", "expired"],
)
def test_attestations_current_expired_and_the_gate(
    tmp_path: Path,
    cli: Callable[..., CliResult],
    config: str,
    flag: tuple[str, ...],
    status: str,
    code: ExitCode,
) -> None:
    root = write_tree(
        tmp_path / "repo", {**QUIET_REPO, ".mlsec-policy.yml": "version: 1\n" + config}
    )
    result, report, _ = scan(cli, root, tmp_path, *flag)
    human = results_by_id(report)["MLSEC-HUMAN-01"]
    assert human["status"] == status, human["reason"]
    assert result.code == code, result.out
    if "2025-12-31" in config:
        assert "expired on 2025-12-31" in human["reason"]
        assert human["attestation"]["by"] == "Dana Reyes (ML platform lead)"
