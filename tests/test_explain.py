"""``mlsec-policy explain`` on the JSON report of a real scan."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from mlsec_policy.cli import run
from tests.conftest import REPO, CliResult, load_json, write_tree

APP = """\
import torch
import yaml


def serve(demo, path, doc):
    model = torch.load(path)
    cfg = yaml.load(doc)  # mlsec-policy: ignore[MLSEC-CODE-04] reviewed: a local file we write
    demo.launch(share=True)
    # mlsec-policy: ignore this one
    return model, cfg
"""
CONFIG = """\
waivers:
  - control: MLSEC-SERVE-04
    reason: internal demo behind the VPN, link rotated daily
    approver: sec-team
    ticket: https://tickets.example.org/SEC-12
    expires: 2027-06-01
"""


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """Return a JSON report of a real scan of a small repository, and its data."""
    root = tmp_path_factory.mktemp("explain")
    target = write_tree(
        root / "repo",
        {
            "app.py": APP,
            ".mlsec-policy.yml": CONFIG,
            "Dockerfile": 'FROM python:3.11-slim\nCMD ["python", "app.py"]\n',
        },
    )
    report = root / "report.json"
    json_output = ["--json-output", str(report), "--propose-fixes"]
    code = run(["scan", str(target), "-q", "--no-cache", *json_output])
    assert code == 1
    return report, load_json(report)


def finding(data: dict[str, Any], check_id: str) -> dict[str, Any]:
    """Return the one finding of a check in a JSON report."""
    found = [f for r in data["results"] for f in r["findings"] if f["check_id"] == check_id]
    assert len(found) == 1, found
    first: dict[str, Any] = found[0]
    return first


Cli = Callable[..., CliResult]


def test_explains_a_finding_named_by_fingerprint(
    scanned: tuple[Path, dict[str, Any]], cli: Cli
) -> None:
    report, data = scanned
    torch = finding(data, "torch-load-without-weights-only")
    result = cli("explain", str(report), torch["fingerprint"][:8])
    assert result.code == 0, result.err
    out = result.out
    assert out.startswith("app.py:6  [MLSEC-LOAD-01] ")
    assert "model = torch.load(path)" in out
    assert "Why it matters\n  torch.load unpickles the checkpoint." in out
    assert "How to fix it\n  Call torch.load(path, weights_only=True)" in out
    assert "semgrep rule torch-load-without-weights-only, written in " in out
    assert "written in policies/controls/model-storage/MLSEC-LOAD-01/control.yaml:" in out
    assert "torch.load(path) → torch.load(path, weights_only=True)" in out
    assert "active: no waiver, inline comment or baseline accepts it" in out
    assert (
        "  at the end of line 6 of app.py:\n"
        "    # mlsec-policy: ignore[MLSEC-LOAD-01] <why this is acceptable>\n"
    ) in out


@pytest.mark.parametrize(
    ("wanted", "expected", "absent"),
    [
        pytest.param(
            "app.py:8",
            [
                "[MLSEC-SERVE-04]",
                "accepted by waiver: internal demo behind the VPN, link rotated daily",
                "waiver MLSEC-SERVE-04 (used)",
                "approved by sec-team, expires 2027-06-01, https://tickets.example.org/SEC-12",
                "written in .mlsec-policy.yml:2",
            ],
            "Automatic fix",  # an accepted finding is never fixed
            id="waiver",
        ),
        pytest.param(
            "./app.py:7",
            ["accepted by inline: reviewed: a local file we write", "see app.py:7"],
            "Automatic fix",
            id="inline",
        ),
        pytest.param(
            "Dockerfile",
            [
                "native analyzer dockerfile-final-user (check dockerfile-final-stage-root), "
                "written in policies/controls/model-deployment/MLSEC-CONT-01/control.yaml:",
                "    # mlsec-policy: ignore[MLSEC-CONT-01] <why this is acceptable>",
            ],
            "not in the policy loaded now",
            id="native",
        ),
    ],
)
def test_explains_a_finding_named_by_place(
    scanned: tuple[Path, dict[str, Any]],
    cli: Cli,
    wanted: str,
    expected: list[str],
    absent: str,
) -> None:
    report, _ = scanned
    out = cli("explain", str(report), wanted).out
    for text in expected:
        assert text in out
    assert absent not in out
    assert str(REPO) not in out  # control files are named inside their pack


def test_a_finding_no_comment_can_suppress_says_to_use_a_waiver(
    scanned: tuple[Path, dict[str, Any]], cli: Cli
) -> None:
    report, data = scanned
    malformed = next(
        f for r in data["results"] for f in r["findings"] if f["location"]["start_line"] == 9
    )
    out = cli("explain", str(report), malformed["fingerprint"]).out
    assert "Inline suppression\n  none: findings of suppression-comments cannot be" in out
    assert "record a waiver in .mlsec-policy.yml" in out


def test_an_unknown_finding_is_a_usage_error(
    scanned: tuple[Path, dict[str, Any]], cli: Cli, tmp_path: Path
) -> None:
    report, _ = scanned
    missing = cli("explain", str(report), "app.py:99")
    assert missing.code == 2 and "no finding app.py:99" in missing.err
    (tmp_path / "bad.json").write_text("{}", encoding="utf-8")
    assert cli("explain", str(tmp_path / "bad.json"), "app.py:6").code == 2
