"""Plain-http tracking, registry and object-store endpoints (MLSEC-FETCH-01, MLSEC-DEP-03).

Real scans (real semgrep, real files) of the controls' own fixtures: an endpoint URL written
in another module, a configuration key or a parameter default is reported at the client call
and linked to the URL (JSON flow, SARIF relatedLocations validated against the 2.1.0 schema);
a cluster-internal endpoint is reported at low severity, a public one at the control's.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.conftest import REPO, scan_validated

FETCH = REPO / "policies/controls/data-collection/MLSEC-FETCH-01/tests"
DEP = REPO / "policies/controls/app-development/MLSEC-DEP-03/tests"


def _findings(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Return the findings of the endpoint and package-index checks (the pack is scanned)."""
    return [
        f
        for r in data["results"]
        for f in r["findings"]
        if f["check_id"].startswith(("plaintext-endpoint", "plaintext-package-index"))
    ]


def test_an_endpoint_written_elsewhere_is_reported_at_the_call_and_linked(tmp_path: Path) -> None:
    data, sarif = scan_validated(FETCH / "fail-endpoints-elsewhere", tmp_path / "r")
    steps = {
        f["location"]["start_line"]: [
            (s["location"]["path"], s["location"]["start_line"], s["message"]) for s in f["flow"]
        ]
        for f in _findings(data)
        if f["check_id"] == "plaintext-endpoint-origin"
    }
    assert steps == {
        10: [("settings.py", 3, "URL defined here"), ("training/log.py", 6, "imported here")],
        15: [("settings.py", 4, "URL defined here"), ("training/log.py", 5, "imported here")],
        21: [("storage.yaml", 4, "config key 'endpoint_url' set here")],
        25: [("training/log.py", 24, "URL given as the default of parameter 'endpoint'")],
    }
    linked = {
        r["locations"][0]["physicalLocation"]["region"]["startLine"]: [
            p["physicalLocation"]["artifactLocation"]["uri"] for p in r["relatedLocations"]
        ]
        for r in sarif["runs"][0]["results"]
        if r["properties"]["checkId"] == "plaintext-endpoint-origin"
    }
    assert linked[10] == ["settings.py", "training/log.py"]
    assert linked[21] == ["storage.yaml"]


def test_the_same_code_with_https_or_loopback_endpoints_gives_nothing(tmp_path: Path) -> None:
    data, _ = scan_validated(FETCH / "pass-endpoints-elsewhere", tmp_path / "r")
    assert _findings(data) == []


def test_cluster_internal_endpoints_are_low_and_public_ones_keep_the_control_severity(
    tmp_path: Path,
) -> None:
    data, _ = scan_validated(FETCH / "fail-endpoints", tmp_path / "r")
    graded = {(f["check_id"], f["severity"]) for f in _findings(data)}
    assert graded == {
        ("plaintext-endpoint-python", "medium"),
        ("plaintext-endpoint-setting", "medium"),
        ("plaintext-endpoint-cluster-python", "low"),
        ("plaintext-endpoint-cluster-setting", "low"),
    }
    data, _ = scan_validated(DEP / "fail-index-settings", tmp_path / "d")
    graded = {(f["check_id"], f["severity"]) for f in _findings(data)}
    assert graded == {
        ("plaintext-package-index-setting", "high"),
        ("plaintext-package-index-cluster", "low"),
    }
