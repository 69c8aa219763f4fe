"""The README's demo: the bundled examples behave as documented, end to end."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import EXAMPLES, CliResult, load_json, report_validator, sarif_validator

PHASES = 9
Scans = dict[str, tuple[int, Any, Any]]


@pytest.fixture(scope="module")
def scans(tmp_path_factory: pytest.TempPathFactory) -> Scans:
    from mlsec_policy.cli import run

    results = {}
    for name in ("vulnerable-ml-app", "compliant-ml-app"):
        out = tmp_path_factory.mktemp(name)
        code = run(
            [
                "scan",
                str(EXAMPLES / name),
                "-q",
                "--json-output",
                str(out / "r.json"),
                "--sarif-output",
                str(out / "r.sarif"),
            ]
        )
        results[name] = (code, load_json(out / "r.json"), load_json(out / "r.sarif"))
    return results


def test_vulnerable_example_fails_in_every_lifecycle_phase(scans: Scans) -> None:
    code, report, _ = scans["vulnerable-ml-app"]
    assert code == 1
    failing_phases = {r["control"]["phase"] for r in report["results"] if r["status"] == "fail"}
    assert len(failing_phases) == PHASES, sorted(failing_phases)
    assert report["errors"] == []


def test_vulnerable_example_pins_a_package_with_a_known_advisory(scans: Scans) -> None:
    _, report, _ = scans["vulnerable-ml-app"]
    [dep04] = [r for r in report["results"] if r["control"]["id"] == "MLSEC-DEP-04"]
    pinned = [f for f in dep04["findings"] if not f["message"].startswith("version unknown")]
    assert [(f["location"]["path"], f["severity"]) for f in pinned] == [
        ("requirements.txt", "high")
    ]
    message = pinned[0]["message"]
    assert message.startswith("fastapi ==0.108.0 is affected by 1 known advisory")
    assert "PYSEC-2024-38 (CVE-2024-24762, GHSA-qf9m-vfgh-m389)" in message
    assert "snapshot 2024-10-10" in message and "upgrade to 0.109.1 or later" in message
    assert report["advisory_snapshot"]["date"] == "2024-10-10"


def test_compliant_example_passes_with_nothing_left_to_attest(scans: Scans) -> None:
    code, report, sarif = scans["compliant-ml-app"]
    statuses = {r["control"]["id"]: r["status"] for r in report["results"]}
    assert code == 0, {
        k: v for k, v in statuses.items() if v not in {"pass", "attested", "not-applicable"}
    }
    assert set(statuses.values()) <= {"pass", "attested", "not-applicable"}
    assert sarif["runs"][0]["results"] == []


@pytest.mark.parametrize("name", ["vulnerable-ml-app", "compliant-ml-app"])
def test_example_reports_validate(name: str, scans: Scans) -> None:
    _, report, sarif = scans[name]
    report_validator().validate(report)
    sarif_validator().validate(sarif)
    rules = sarif["runs"][0]["tool"]["driver"]["rules"]
    assert len(rules) == len(report["results"])
    for rule in rules:
        assert any(tag.endswith(("-Security", "-Privacy")) for tag in rule["properties"]["tags"])


def test_readme_demo_command_is_what_the_readme_says(cli: Callable[..., CliResult]) -> None:
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    assert "mlsec-policy scan examples/vulnerable-ml-app" in readme
    assert "./scripts/test" in readme
