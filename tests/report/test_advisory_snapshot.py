"""Every report names the advisory snapshot when a control that reads it was evaluated.

Two real scans of one small repository holding a pinned requirement: one with the whole
policy (MLSEC-DEP-04 and MLSEC-DEP-02's held-inside rule read the snapshot), one with those two
controls disabled (nothing read it: no report may claim a snapshot). Each format is checked: the
JSON against the report schema, SARIF against the 2.1.0 schema, JUnit against the Jenkins xUnit
schemas, the HTML as a headless Chromium shows it.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from mlsec_policy.analyzers.read.advisories import load_snapshot
from mlsec_policy.report import json_report, markdown
from tests.conftest import SCHEMAS, CliResult, report_validator, sarif_validator, write_tree
from tests.support.browser import run_chromium
from tests.support.htmltree import parse

FORMATS = ("json", "sarif", "junit", "markdown", "html")
READERS = ["MLSEC-DEP-02", "MLSEC-DEP-04"]


def _scan(cli: Callable[..., CliResult], tmp: Path, *extra: str) -> dict[str, Any]:
    tree = write_tree(tmp / "repo", {"requirements.txt": "fastapi==0.108.0\n"})
    outputs = {name: tmp / f"report.{name}" for name in FORMATS}
    args = [f"--{name}-output={path}" for name, path in outputs.items()]
    result = cli("scan", str(tree), *args, *extra)
    assert result.code in (0, 1), result.err
    texts: dict[str, Any] = {n: p.read_text(encoding="utf-8") for n, p in outputs.items()}
    texts["console"] = result.out
    texts["html-path"] = outputs["html"]
    return texts


@pytest.fixture(scope="module")
def used(
    tmp_path_factory: pytest.TempPathFactory, cli_module: Callable[..., CliResult]
) -> dict[str, Any]:
    return _scan(cli_module, tmp_path_factory.mktemp("used"))


@pytest.fixture(scope="module")
def unused(
    tmp_path_factory: pytest.TempPathFactory, cli_module: Callable[..., CliResult]
) -> dict[str, Any]:
    disabled = [arg for control in READERS for arg in ("--disable", control)]
    return _scan(cli_module, tmp_path_factory.mktemp("unused"), *disabled)


@pytest.fixture(scope="module")
def cli_module() -> Callable[..., CliResult]:
    """Run the command line in this process (for module-scoped scans)."""
    import contextlib
    import io

    from mlsec_policy.cli import run

    def invoke(*args: str) -> CliResult:
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = run(list(args))
        return CliResult(code, out.getvalue(), err.getvalue())

    return invoke


def test_json_records_the_snapshot_and_its_readers(used: dict[str, Any]) -> None:
    data = json.loads(used["json"])
    report_validator().validate(data)
    snapshot = load_snapshot()
    assert data["schema_version"] == "1.4"
    assert data["advisory_snapshot"] == {
        "date": snapshot.date,
        "source": "PyPA advisory database",
        "url": "https://github.com/pypa/advisory-database",
        "commit": snapshot.source["commit"],
        "controls": READERS,
    }
    # the record survives a round trip: report render rebuilds the same renderings
    rebuilt = json_report.load(used["json"])
    assert rebuilt.advisory_snapshot is not None
    assert rebuilt.advisory_snapshot.date == snapshot.date


def test_no_snapshot_is_claimed_when_no_check_read_it(unused: dict[str, Any]) -> None:
    data = json.loads(unused["json"])
    report_validator().validate(data)
    assert data["advisory_snapshot"] is None
    run = json.loads(unused["sarif"])["runs"][0]
    assert not [name for name in run["properties"] if name.startswith("advisorySnapshot")]
    assert "<properties>" not in unused["junit"]
    for name in ("markdown", "console", "html"):
        assert "2024-10-10" not in unused[name], name


def test_a_report_of_schema_1_3_still_loads_without_a_snapshot(used: dict[str, Any]) -> None:
    data = json.loads(used["json"])
    del data["advisory_snapshot"]
    data["schema_version"] = "1.3"
    old = json_report.from_document(json_report.parse(json.dumps(data)))
    assert old.advisory_snapshot is None
    assert "**Advisories**" not in markdown.render(old)


def test_console_summary_names_the_snapshot_date(used: dict[str, Any]) -> None:
    lines = [line for line in used["console"].splitlines() if line.startswith("advisories: ")]
    assert lines == [
        "advisories: PyPA advisory database snapshot of 2024-10-10, commit 3ccb612573e2; read by "
        "MLSEC-DEP-02, MLSEC-DEP-04 (advisories published later are not known to this scan)"
    ]


def test_markdown_names_the_snapshot_date(used: dict[str, Any]) -> None:
    assert "**Advisories** PyPA advisory database snapshot of 2024-10-10" in used["markdown"]


def test_sarif_run_properties_carry_the_snapshot(used: dict[str, Any]) -> None:
    log = json.loads(used["sarif"])
    sarif_validator().validate(log)
    properties = log["runs"][0]["properties"]
    assert properties["advisorySnapshotDate"] == "2024-10-10"
    assert properties["advisorySnapshotSource"] == "PyPA advisory database"
    assert properties["advisorySnapshotCommit"] == load_snapshot().source["commit"]
    assert properties["advisorySnapshotControls"] == "MLSEC-DEP-02,MLSEC-DEP-04"


@pytest.mark.parametrize("xsd", ["junit-10-xunit-14c6e39.xsd", "junit-10-xunit-ae25da5.xsd"])
def test_junit_suites_carry_the_snapshot_as_properties(used: dict[str, Any], xsd: str) -> None:
    schema = etree.XMLSchema(etree.parse(str(SCHEMAS / "third_party" / xsd)))
    assert schema.validate(etree.fromstring(used["junit"].encode("utf-8"))), schema.error_log
    suites = ET.fromstring(used["junit"]).findall("testsuite")
    assert suites
    for suite in suites:
        assert suite[0].tag == "properties"
        values = {p.get("name"): p.get("value") for p in suite[0].findall("property")}
        assert values["advisorySnapshotDate"] == "2024-10-10"


def test_html_shows_the_snapshot_in_the_policy_facts(used: dict[str, Any], tmp_path: Path) -> None:
    shown = parse(run_chromium(tmp_path, used["html-path"], "--dump-dom"))
    facts = shown.find("dd", id="advisory-snapshot")
    assert facts.text().startswith("PyPA advisory database snapshot of 2024-10-10")
