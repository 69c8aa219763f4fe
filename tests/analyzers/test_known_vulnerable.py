"""MLSEC-DEP-04's messages and grades: how sure a pin's advisory claim is, and its source."""

from __future__ import annotations

import json
from pathlib import Path

from mlsec_policy.models import Severity
from tests.conftest import run_subprocess, write_tree
from tests.support.org_reports import ENV


def dep04(tmp_path: Path, requirements: str) -> list[dict[str, object]]:
    """Scan a requirements file; return MLSEC-DEP-04's findings."""
    write_tree(tmp_path / "repo", {"requirements.txt": requirements})
    out = tmp_path / "r.json"
    run_subprocess("scan", str(tmp_path / "repo"), "--quiet", "--json-output", str(out), env=ENV)
    results = json.loads(out.read_text(encoding="utf-8"))["results"]
    (result,) = [r for r in results if r["control"]["id"] == "MLSEC-DEP-04"]
    findings: list[dict[str, object]] = result["findings"]
    return findings


def test_a_pin_inside_a_bounded_range_is_high_with_its_fix(tmp_path: Path) -> None:
    (finding,) = dep04(tmp_path, "pillow==9.5.0\n")
    assert finding["severity"] == Severity.HIGH.label
    assert "upgrade to" in str(finding["message"])
    assert "added by hand" not in str(finding["message"])


def test_a_pin_only_open_ended_records_affect_is_medium_and_says_why(tmp_path: Path) -> None:
    # PYSEC-2023-194 (langchain-experimental) records no fixed or last affected release
    (finding,) = dep04(tmp_path, "langchain-experimental==0.0.62\n")
    assert finding["severity"] == Severity.MEDIUM.label
    assert "records no fixed or last affected release" in str(finding["message"])


def test_an_entry_added_by_hand_is_named_as_such(tmp_path: Path) -> None:
    findings = dep04(tmp_path, "torch==2.5.1\n")
    messages = [str(f["message"]) for f in findings]
    assert any("GHSA-53q9-r3pm-6pq6 published 2025-04-18" in m for m in messages), messages
    assert all("added by hand" in m for m in messages if "GHSA-53q9-r3pm-6pq6" in m)
