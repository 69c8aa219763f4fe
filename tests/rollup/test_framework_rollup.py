"""``report merge`` sums each framework's requirement statuses over the repositories."""

from __future__ import annotations

import json
from pathlib import Path

from mlsec_policy.schema_check import validator_for
from tests.support.org_reports import EXAMPLES, merge, scan


def test_framework_statuses_add_up_across_repositories(tmp_path: Path) -> None:
    reports = [
        scan(EXAMPLES / name, tmp_path / f"{name}.json", "--framework", "iso42001")
        for name in ("vulnerable-ml-app", "compliant-ml-app")
    ]
    out, md = tmp_path / "org.json", tmp_path / "org.md"
    result = merge(*map(str, reports), "-o", str(out), "--markdown-output", str(md))
    assert result.code == 0, result.err
    merged = json.loads(out.read_text(encoding="utf-8"))
    validator_for("org-report.schema.json").validate(merged)
    expected: dict[str, int] = {}
    for report in reports:
        (framework,) = json.loads(report.read_text(encoding="utf-8"))["summary"]["frameworks"]
        for status, count in framework["status_counts"].items():
            if count:
                expected[status] = expected.get(status, 0) + count
    (summed,) = merged["summary"]["frameworks"]
    assert summed["id"] == "iso42001-2023@2023"
    assert summed["repositories"] == 2
    assert summed["status_counts"] == dict(sorted(expected.items()))
    assert sum(summed["status_counts"].values()) == 2 * 38  # every Annex A control, twice
    for record in merged["repositories"]:
        assert set(record["frameworks"]) == {"iso42001-2023@2023"}
    assert "| iso42001-2023@2023 | 2 |" in md.read_text(encoding="utf-8")
