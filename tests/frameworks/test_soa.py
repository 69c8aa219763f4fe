"""The ISO/IEC 42001 Statement of Applicability: every Annex A control, as CSV and Markdown."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

import pytest

from mlsec_policy.report import json_report, soa
from tests.conftest import CliResult, write_tree
from tests.support.reporting import EPOCH, RICH_FILES, make_repo

Cli = Callable[..., CliResult]
FIXTURE = """\
id: iso42001-fixture
title: A few Annex A controls of ISO/IEC 42001, for tests
version: "2023"
publisher: ISO/IEC JTC 1/SC 42
source: https://www.iso.org/standard/81230.html
sections:
  - id: A.2
    title: Policies related to AI
  - id: A.4
    title: Resources for AI systems
  - id: A.6
    title: AI system life cycle
requirements:
  - id: A.2.2
    title: An AI policy is documented
    section: A.2
    coverage: not-covered
    reason: a policy approved by management, read by the auditor
  - id: A.4.2
    title: Resources are documented, suppliers reviewed
    section: A.4
    coverage: partial
    mappings:
      - control: MLSEC-ATT-05
        evidence: attestation
    reason: the resource inventory is a document
  - id: A.4.6
    title: People are competent
    section: A.4
    coverage: full
    mappings:
      - control: MLSEC-HUMAN-01
        evidence: attestation
  - id: A.6.2.4
    title: The system is verified and validated
    section: A.6
    coverage: partial
    mappings:
      - control: MLSEC-LOAD-01
        evidence: automated
      - control: MLSEC-IR-01
        evidence: document
    reason: validation plans are documents
  - id: A.6.2.6
    title: The system is operated and monitored
    section: A.6
    coverage: partial
    mappings:
      - control: MLSEC-MON-01
        evidence: automated
    reason: operation is watched in production
"""
CONFIG = """\
exclusions:
  iso42001-fixture:
    A.6.2.6: "the system is a batch model; nothing is operated | or served"
attestations:
  - control: MLSEC-HUMAN-01
    by: Jane Roe <jane@example.com>
    date: 2025-11-02
    evidence: https://lms.example.com/records/2025
    expires: 2026-11-01
"""


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from mlsec_policy.cli import run

    tmp = tmp_path_factory.mktemp("soa")
    pack = write_tree(
        tmp / "pack",
        {
            "pack.yaml": "name: acme\nversion: 1.0.0\nextends: [builtin]\n",
            "frameworks/iso42001-fixture.yaml": FIXTURE,
        },
    )
    target = make_repo(tmp / "repo", {**RICH_FILES, ".mlsec-policy.yml": CONFIG})
    out = tmp / "out"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
        for name in ("soa.csv", "soa.md"):
            code = run(
                [
                    "scan",
                    str(target),
                    "--policy",
                    str(pack),
                    "--soa-framework",
                    "iso42001-fixture",
                    "--soa-output",
                    str(out / name),
                    "--json-output",
                    str(out / "report.json"),
                    "-q",
                ]
            )
            assert code == 3  # the oversized file of the rich repository: incomplete
    return out


def test_the_csv_round_trips_through_a_csv_reader(scanned: Path) -> None:
    text = (scanned / "soa.csv").read_text(encoding="utf-8")
    table = list(csv.reader(io.StringIO(text, newline="")))
    report = json_report.load((scanned / "report.json").read_text(encoding="utf-8"))
    framework = soa.find(report, "iso42001-fixture")
    assert table == [list(soa.COLUMNS), *soa.rows(report, framework)]
    by_id = {row[0]: dict(zip(soa.COLUMNS, row, strict=True)) for row in table[1:]}
    assert list(by_id) == ["A.2.2@2023", "A.4.2@2023", "A.4.6@2023", "A.6.2.4@2023", "A.6.2.6@2023"]
    assert [row["applicable"] for row in by_id.values()] == ["yes", "yes", "yes", "yes", "no"]
    excluded = by_id["A.6.2.6@2023"]
    assert (
        excluded["justification"] == "the system is a batch model; nothing is operated | or served"
    )
    assert excluded["implementation"] == "not applicable"
    assert by_id["A.2.2@2023"]["implementation"] == "not covered by the tool: state it yourself"
    assert by_id["A.4.2@2023"]["implementation"] == "awaiting attestation"
    assert by_id["A.4.6@2023"]["implementation"] == "implemented"
    assert by_id["A.4.6@2023"]["evidence"] == (
        "MLSEC-HUMAN-01 attested (attestation) — attested by Jane Roe <jane@example.com> on "
        "2025-11-02 until 2026-11-01: https://lms.example.com/records/2025"
    )
    verified = by_id["A.6.2.4@2023"]
    assert verified["implementation"] == "not implemented: failing controls"
    assert verified["evidence"].startswith("MLSEC-LOAD-01 fail (automated) — 1 finding(s); ")
    assert "MLSEC-IR-01 pass (document) — " in verified["evidence"]
    assert "SECURITY.md" in verified["evidence"]


def test_the_markdown_statement_has_one_row_per_control(scanned: Path) -> None:
    text = (scanned / "soa.md").read_text(encoding="utf-8")
    assert text.startswith("# Statement of Applicability — A few Annex A controls")
    assert "4 of 5 controls applicable" in text
    rows = [line for line in text.splitlines() if line.startswith("| A.")]
    assert len(rows) == 5
    assert "nothing is operated \\| or served" in rows[4]
    assert "Jane Roe \\<jane@example.com\\>" in rows[2]


def test_render_reproduces_the_statement(scanned: Path, tmp_path: Path, cli: Cli) -> None:
    for name in ("soa.csv", "soa.md"):
        again = tmp_path / name
        result = cli(
            "report",
            "render",
            str(scanned / "report.json"),
            "--soa-framework",
            "iso42001-fixture",
            "--soa-output",
            str(again),
        )
        assert result.code == 0, result.err
        assert again.read_bytes() == (scanned / name).read_bytes(), name


def test_an_unknown_extension_is_refused_before_scanning(tmp_path: Path, cli: Cli) -> None:
    result = cli("scan", str(tmp_path), "--soa-output", str(tmp_path / "soa.xlsx"))
    assert result.code == 2
    assert "say .csv or .md" in result.err
