"""The repository configuration: schema, dates, control references, each error at its line."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from mlsec_policy.analyzers import ANALYZERS
from mlsec_policy.config import check_controls, find_config, load_config
from mlsec_policy.errors import ConfigErrors, ExitCode
from mlsec_policy.models import Severity
from mlsec_policy.policy import load_policy
from tests.conftest import CliResult, write_tree

TODAY = date(2026, 1, 1)

VALID = """\
version: 1
policies: [builtin]
disable: [MLSEC-RATE-01]
overrides:
  MLSEC-LOAD-01:
    severity: critical
exclude: [tests/fixtures/]
fail-on: high
fail-on-attestation: true
inline-suppressions: false
waiver-max-days: 90
waivers:
  - id: WVR-1
    control: MLSEC-LOAD-01
    paths: [legacy/**]
    reason: Legacy loader reads only checkpoints our CI signs.
    approver: Dana Reyes
    ticket: https://tracker.example.org/SEC-1
    expires: 2026-03-01
attestations:
  - control: MLSEC-HUMAN-01
    by: Dana Reyes
    date: 2025-11-02
    evidence: https://lms.example.org/reports/2025
    expires: 2026-11-02
    note: Covers the
      whole team.
"""

WAIVER = """\
waivers:
  - control: MLSEC-LOAD-01
{fields}"""


def write(tmp_path: Path, text: str) -> Path:
    return write_tree(tmp_path, {".mlsec-policy.yml": text}) / ".mlsec-policy.yml"


def problems(tmp_path: Path, text: str) -> list[tuple[int | None, str, str | None]]:
    with pytest.raises(ConfigErrors) as caught:
        load_config(write(tmp_path, text), TODAY, display=".mlsec-policy.yml")
    return [(e.line, e.message, e.hint) for e in caught.value.errors]


def test_valid_config_loads_every_setting(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, VALID), TODAY)
    assert config.policies == ("builtin",)
    assert config.disable == ("MLSEC-RATE-01",)
    assert config.severity_overrides == {"MLSEC-LOAD-01": Severity.CRITICAL}
    assert config.excludes == ("tests/fixtures/",)
    assert config.fail_on is Severity.HIGH
    assert config.fail_on_attestation is True
    assert config.inline_suppressions is False
    assert config.waiver_max_days == 90
    (waiver,) = config.waivers
    assert (waiver.id, waiver.control_id, waiver.paths, waiver.expires) == (
        "WVR-1",
        "MLSEC-LOAD-01",
        ("legacy/**",),
        "2026-03-01",
    )
    assert waiver.source.endswith(":13")
    (attestation,) = config.attestations
    assert attestation.note == "Covers the whole team."
    policy = load_policy(config.policies, ANALYZERS)
    check_controls(config, policy)  # every id exists


def test_empty_config_is_all_defaults(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, "# nothing yet\n"), TODAY)
    assert config.waivers == () and config.fail_on is None


def test_waiver_without_reason_is_rejected_by_the_schema_at_its_line(tmp_path: Path) -> None:
    fields = (
        "    approver: Dana Reyes\n"
        "    ticket: https://tracker.example.org/SEC-1\n"
        "    expires: 2026-03-01\n"
    )
    found = problems(tmp_path, WAIVER.format(fields=fields))
    assert found == [
        (2, "missing required key 'reason'", "add it; see the schema for what it must hold")
    ]


def test_short_reason_and_bad_ticket_point_at_their_lines(tmp_path: Path) -> None:
    fields = (
        "    reason: fine\n    approver: Dana Reyes\n    ticket: SEC-1\n    expires: 2026-03-01\n"
    )
    found = problems(tmp_path, WAIVER.format(fields=fields))
    assert [(line, message) for line, message, _ in found] == [
        (3, "'fine' is too short"),
        (5, "'SEC-1' does not have the expected form"),
    ]


def test_waiver_expiring_too_far_ahead_and_impossible_dates(tmp_path: Path) -> None:
    text = (
        "waiver-max-days: 30\n"
        + WAIVER.format(
            fields="    reason: Accepted until the migration lands.\n"
            "    approver: Dana Reyes\n"
            "    ticket: https://tracker.example.org/SEC-1\n"
            "    expires: 2026-03-01\n"
        )
        + "  - control: MLSEC-LOAD-01\n"
        "    reason: Accepted until the migration lands.\n"
        "    approver: Dana Reyes\n"
        "    ticket: https://tracker.example.org/SEC-2\n"
        "    expires: 2026-02-30\n"
    )
    found = problems(tmp_path, text)
    assert found[0][0] == 7
    assert "more than 30 days after today (2026-01-01)" in found[0][1]
    assert found[0][2] is not None and "2026-01-31" in found[0][2]
    assert found[1][:2] == (12, "'2026-02-30' is not a real date")


def test_attestation_dates_and_duplicates(tmp_path: Path) -> None:
    entry = (
        "  - control: MLSEC-HUMAN-01\n"
        "    by: Dana Reyes\n"
        "    date: {date}\n"
        "    evidence: https://lms.example.org/r\n"
        "    expires: {expires}\n"
    )
    text = (
        "attestations:\n"
        + entry.format(date="2026-02-01", expires="2027-01-01")
        + entry.format(date="2025-06-01", expires="2025-05-01")
    )
    found = [(line, message) for line, message, _ in problems(tmp_path, text)]
    assert found == [
        (4, "the attestation is dated 2026-02-01, after today (2026-01-01)"),
        (7, "a second attestation for MLSEC-HUMAN-01"),
        (11, "the attestation expires (2025-05-01) before it was made (2025-06-01)"),
    ]


def test_unknown_and_misused_controls_are_errors_at_their_lines(tmp_path: Path) -> None:
    text = (
        "disable: [MLSEC-LAOD-01]\n"
        "waivers:\n"
        "  - control: MLSEC-HUMAN-01\n"
        "    reason: Nobody has had training yet this year.\n"
        "    approver: Dana Reyes\n"
        "    ticket: https://tracker.example.org/SEC-1\n"
        "    expires: 2026-03-01\n"
        "attestations:\n"
        "  - control: MLSEC-LOAD-01\n"
        "    by: Dana Reyes\n"
        "    date: 2025-11-02\n"
        "    evidence: https://lms.example.org/r\n"
        "    expires: 2026-11-02\n"
    )
    config = load_config(write(tmp_path, text), TODAY, display=".mlsec-policy.yml")
    with pytest.raises(ConfigErrors) as caught:
        check_controls(config, load_policy(("builtin",), ANALYZERS))
    found = [(e.line, e.message, e.hint) for e in caught.value.errors]
    assert found[0] == (
        1,
        "disable names unknown control 'MLSEC-LAOD-01'",
        "did you mean 'MLSEC-LOAD-01'?",
    )
    assert found[1][0] == 3 and "decided by an attestation" in found[1][1]
    assert found[2][0] == 9 and "decided by checks on files" in found[2][1]


def test_two_config_files_is_an_error(tmp_path: Path) -> None:
    write_tree(
        tmp_path, {".mlsec-policy.yml": "version: 1\n", ".mlsec-policy.yaml": "version: 1\n"}
    )
    with pytest.raises(ConfigErrors):
        find_config(tmp_path)


def test_cli_config_error_exits_2_with_file_and_line(
    tmp_path: Path, cli: Callable[..., CliResult]
) -> None:
    write_tree(
        tmp_path / "repo",
        {"train.py": "x = 1\n", ".mlsec-policy.yml": "version: 1\nfail-on: hihg\n"},
    )
    result = cli("scan", str(tmp_path / "repo"))
    assert result.code == ExitCode.USAGE
    assert ".mlsec-policy.yml:2:10: 'hihg' is not allowed here" in result.err
    assert "did you mean 'high'?" in result.err


def test_cli_unknown_control_in_config_exits_2_at_its_line(
    tmp_path: Path, cli: Callable[..., CliResult]
) -> None:
    write_tree(
        tmp_path / "repo",
        {"train.py": "x = 1\n", "ci.yml": "version: 1\ndisable:\n  - MLSEC-NOPE-01\n"},
    )
    result = cli("scan", str(tmp_path / "repo"), "--config", str(tmp_path / "repo" / "ci.yml"))
    assert result.code == ExitCode.USAGE
    assert "ci.yml:3:5: disable names unknown control 'MLSEC-NOPE-01'" in result.err


def test_policy_directories_are_relative_to_the_config_file(
    tmp_path: Path, cli: Callable[..., CliResult]
) -> None:
    pack = {
        "policy/acme/pack.yaml": "name: acme\nversion: 1.0.0\nextends: [builtin]\n"
        "disable: [MLSEC-RATE-01]\n",
    }
    root = write_tree(tmp_path / "repo", {**pack, "README.md": "# demo\n"})
    write(root, "policies: [./policy/acme]\n")
    config = load_config(root / ".mlsec-policy.yml", TODAY)
    assert config.policies == (str((root / "policy" / "acme").resolve()),)
    result = cli("scan", str(root), "--json-output", str(tmp_path / "r.json"))
    assert result.code in (ExitCode.OK, ExitCode.FAILED), result.err
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert [p["name"] for p in report["policy"]["packs"]] == ["mlsec-baseline", "acme"]
    assert report["policy"]["disabled"] == ["MLSEC-RATE-01"]
