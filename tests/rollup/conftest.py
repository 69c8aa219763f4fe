"""Reports shared by the roll-up tests: real scans of both examples and generated variants."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlsec_policy.report import json_report
from tests.support.org_reports import EXAMPLES, scan, write_variants


@pytest.fixture(scope="package")
def reports(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Scan both examples, one of them again under another policy, and write variants."""
    work = tmp_path_factory.mktemp("reports")
    found = {
        "vulnerable": scan(EXAMPLES / "vulnerable-ml-app", work / "vulnerable.json"),
        "compliant": scan(EXAMPLES / "compliant-ml-app", work / "compliant.json"),
        "other-policy": scan(
            EXAMPLES / "vulnerable-ml-app",
            work / "other-policy.json",
            "--policy",
            "builtin",
            "--policy",
            str(EXAMPLES / "custom-pack"),
        ),
    }
    failing = json_report.load(found["vulnerable"].read_text(encoding="utf-8"))
    passing = json_report.load(found["compliant"].read_text(encoding="utf-8"))
    found["generated"] = write_variants(work / "generated", failing, passing, 6, seed=7)
    return found
