"""JUnit XML: valid against the Jenkins xUnit schemas, and every case agrees with the JSON."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import replace
from typing import Any

import pytest
from lxml import etree

from mlsec_policy.models import Finding, Report
from mlsec_policy.report import junit
from tests.conftest import SCHEMAS

XSDS = ("junit-10-xunit-14c6e39.xsd", "junit-10-xunit-ae25da5.xsd")


@pytest.mark.parametrize("xsd", XSDS)
def test_valid_against_the_jenkins_junit_schemas(rich: Report, xsd: str) -> None:
    schema = etree.XMLSchema(etree.parse(str(SCHEMAS / "third_party" / xsd)))
    document = etree.fromstring(junit.render(rich).encode("utf-8"))
    assert schema.validate(document), schema.error_log


def test_one_suite_per_phase_one_case_per_control(rich: Report, rich_data: dict[str, Any]) -> None:
    root = ET.fromstring(junit.render(rich))
    suites = root.findall("testsuite")
    phases = rich_data["summary"]["phases"]
    assert [s.get("name") for s in suites] == [p["title"] for p in phases]
    for suite, phase in zip(suites, phases, strict=True):
        cases = suite.findall("testcase")
        assert [c.get("name", "").split()[0] for c in cases] == phase["controls"]
        assert {c.get("classname") for c in cases} <= {f"mlsec-policy.{phase['id']}"}
        assert suite.get("tests") == str(len(cases))
        for kind in ("failure", "error", "skipped"):
            counted = sum(1 for c in cases if c.find(kind) is not None)
            assert suite.get("skipped" if kind == "skipped" else f"{kind}s") == str(counted)
    assert root.get("tests") == str(len(rich_data["results"]))


def test_statuses_map_to_failure_error_skipped_or_pass(
    rich: Report, rich_data: dict[str, Any]
) -> None:
    root = ET.fromstring(junit.render(rich))
    cases = {c.get("name", "").split()[0]: c for c in root.iter("testcase")}
    expected = {
        "fail": "failure",
        "error": "error",
        "not-applicable": "skipped",
        "needs-attestation": "skipped",
        "pass": None,
        "attested": None,
        "waived": None,
    }
    seen = set()
    for result in rich_data["results"]:
        case = cases[result["control"]["id"]]
        outcome = [c.tag for c in case if c.tag in ("failure", "error", "skipped")]
        want = expected[result["status"]]
        assert outcome == ([want] if want else []), result["control"]["id"]
        seen.add(result["status"])
    assert seen == set(expected), "the fixture covers every status"


def test_failures_carry_findings_and_errors_carry_scan_errors(
    rich: Report, rich_data: dict[str, Any]
) -> None:
    root = ET.fromstring(junit.render(rich))
    cases = {c.get("name", "").split()[0]: c for c in root.iter("testcase")}
    for result in rich_data["results"]:
        case = cases[result["control"]["id"]]
        if result["status"] == "fail":
            failure = case.find("failure")
            assert failure is not None and failure.get("type") == result["severity"]
            for finding in result["findings"]:
                location = finding["location"]
                where = location["path"]
                if location["start_line"] is not None:  # else a finding about the whole file
                    where += f":{location['start_line']}"
                assert f"{where} [{finding['severity']}] {finding['message']}" in (
                    failure.text or ""
                )
            assert result["control"]["fix"] in (failure.text or "")
        if result["status"] == "error":
            error = case.find("error")
            assert error is not None
            for problem in result["errors"]:
                assert problem["message"] in (error.text or "")
    waived = cases["MLSEC-CONT-01"].findtext("system-out") or ""
    assert "waiver for Dockerfile:1" in waived and "sec-lead@example.com" in waived
    attested = cases["MLSEC-HUMAN-01"].findtext("system-out") or ""
    assert "attested by Jane Roe" in attested and "until 2026-11-01" in attested
    side = cases["MLSEC-LOAD-01"].findtext("system-err") or ""
    assert "serving/big_module.py" in side, "errors beside a failure are not lost"


def test_fail_on_attestation_turns_missing_attestations_into_failures(rich: Report) -> None:
    strict = replace(rich, settings=replace(rich.settings, fail_on_attestation=True))
    root = ET.fromstring(junit.render(strict))
    case = next(c for c in root.iter("testcase") if c.get("name", "").startswith("ACME-CONSENT"))
    failure = case.find("failure")
    assert failure is not None and failure.get("type") == "needs-attestation"


def test_characters_xml_cannot_hold_are_replaced(rich: Report) -> None:
    def dirty(finding: Finding) -> Finding:
        return replace(finding, message="bell\x07 escape\x1b[31m", snippet="x = '\x00'")

    results = tuple(replace(r, findings=tuple(map(dirty, r.findings))) for r in rich.results)
    text = junit.render(replace(rich, results=results))
    root = ET.fromstring(text)
    assert "bell\ufffd escape\ufffd[31m" in "".join(root.itertext())


def test_scan_errors_without_a_control_get_their_own_suite(rich: Report) -> None:
    loose = replace(rich.errors[0], control_ids=(), message="semgrep crashed")
    root = ET.fromstring(junit.render(replace(rich, errors=(*rich.errors, loose))))
    suite = root.findall("testsuite")[-1]
    assert suite.get("name") == "Scan" and suite.get("errors") == "1"
    error = suite.find("testcase/error")
    assert error is not None and "semgrep crashed" in (error.text or "")
