"""``baselined`` and ``not-evaluated`` in every format, and the two digests named where printed.

Two real scans of one real repository: with a baseline that records its finding, and limited
by ``--diff-base`` to a commit that touches one Python file (so the Dockerfile's controls are
not evaluated). Every format is written by the same command line run.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path
from typing import Any

import git
import pytest

from mlsec_policy.cli import cli as command
from tests.conftest import commit_all, report_validator, sarif_validator, write_tree
from tests.support.browser import run_chromium
from tests.support.htmltree import Node, parse

FILES: dict[str, str | bytes] = {
    "README.md": "# demo\n",
    "SECURITY.md": "Email security@example.org to report a vulnerability privately.\n",
    "train.py": "import torch\n\nold = torch.load('old.pt')\n",
    "Dockerfile": 'FROM python:3.11-slim\nRUN pip install flask\nCMD ["flask", "run"]\n',
}
FORMATS = ("json", "sarif", "html", "markdown", "junit")


def _run(args: list[str], monkeypatch: pytest.MonkeyPatch) -> str:
    from click.testing import CliRunner

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    result = CliRunner().invoke(command, args, catch_exceptions=False)
    assert result.exit_code in (0, 1), result.output
    return result.output


def _scan(root: Path, out: Path, monkeypatch: pytest.MonkeyPatch, *extra: str) -> dict[str, Any]:
    out.mkdir(parents=True, exist_ok=True)
    outputs = [arg for f in FORMATS for arg in (f"--{f}-output", str(out / f"report.{f}"))]
    console = _run(["scan", str(root), *outputs, *extra], monkeypatch)
    written: dict[str, Any] = {f: (out / f"report.{f}").read_text("utf-8") for f in FORMATS}
    written["console"] = console
    written["data"] = json.loads(written["json"])
    report_validator().validate(written["data"])
    sarif_validator().validate(json.loads(written["sarif"]))
    return written


@pytest.fixture(scope="module")
def scans(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Return the outputs of the baseline scan and of the diff scan."""
    tmp = tmp_path_factory.mktemp("statuses")
    root = write_tree(tmp / "repo", FILES)
    repo = git.Repo.init(root)
    commit_all(repo, "first")
    with pytest.MonkeyPatch.context() as monkeypatch:
        _run(["baseline", "create", str(root), "-o", str(tmp / "baseline.json")], monkeypatch)
        known = _scan(root, tmp / "known", monkeypatch, "--baseline", str(tmp / "baseline.json"))
        write_tree(root, {"app.py": "import json\n\nSETTINGS = json.loads('{}')\n"})
        commit_all(repo, "second")
        changed = _scan(root, tmp / "changed", monkeypatch, "--diff-base", "HEAD~1")
    return known, changed


def _result(data: dict[str, Any], control_id: str) -> dict[str, Any]:
    found: dict[str, Any] = next(r for r in data["results"] if r["control"]["id"] == control_id)
    return found


def _case(junit: str, control_id: str) -> ET.Element:
    root = ET.fromstring(junit)
    (case,) = [c for c in root.iter("testcase") if c.attrib["name"].startswith(control_id + " ")]
    return case


def test_baselined_is_its_own_status_in_every_format(scans: tuple[Any, Any]) -> None:
    known, _ = scans
    load = _result(known["data"], "MLSEC-LOAD-01")
    assert load["status"] == "baselined"
    assert [f["suppression"]["kind"] for f in load["findings"]] == ["baseline"]
    counts = known["data"]["summary"]["status_counts"]
    assert counts["baselined"] >= 1 and counts["waived"] == 0
    # console: a column and a section of its own, apart from waivers
    assert "baselined" in known["console"].split("Lifecycle phase", 1)[1].splitlines()[0]
    assert "Baselined (known findings recorded in the baseline) (" in known["console"]
    assert "Waived (" not in known["console"]
    # Markdown: the same
    assert "### Baselined — known findings the baseline records" in known["markdown"]
    assert "**MLSEC-LOAD-01** 1 finding recorded in" in known["markdown"]
    assert "### Waived" not in known["markdown"]
    # SARIF: a result that code scanning shows as dismissed, with the reason
    sarif = json.loads(known["sarif"])
    (result,) = [r for r in sarif["runs"][0]["results"] if r["ruleId"] == "MLSEC-LOAD-01"]
    (suppression,) = result["suppressions"]
    assert suppression["kind"] == "external" and suppression["status"] == "accepted"
    assert suppression["justification"].startswith("baseline: recorded in the baseline of")
    # JUnit: a passing case that says why
    case = _case(known["junit"], "MLSEC-LOAD-01")
    assert [child.tag for child in case] == ["system-out"]
    out = case.find("system-out")
    assert out is not None and out.text is not None
    assert out.text.startswith("baselined: all 1 finding(s) are recorded in the baseline")
    # HTML: the status badge, and a table apart from the waivers
    doc = parse(known["html"])
    article = doc.find("article", id="control-MLSEC-LOAD-01")
    assert article.attrs["data-status"] == "baselined"
    table = doc.find("h3", id="baselined")
    assert table.text() == "Baselined findings"
    assert "MLSEC-LOAD-01" in known["html"].split('id="baselined"', 1)[1].split("</table>")[0]


def test_not_evaluated_is_counted_apart_and_never_a_pass(scans: tuple[Any, Any]) -> None:
    _, changed = scans
    data = changed["data"]
    docker = _result(data, "MLSEC-CONT-01")
    assert docker["status"] == "not-evaluated"
    silent = data["diff_scope"]["not_evaluated"]
    assert "MLSEC-CONT-01" in silent
    assert data["summary"]["status_counts"]["not-evaluated"] == len(silent)
    assert "Not evaluated on this change (" in changed["console"]
    assert "diff scope: " in changed["console"]
    assert "### Not evaluated on this change" in changed["markdown"]
    assert f"controls, {len(silent)} of them not evaluated on this change" in changed["markdown"]
    case = _case(changed["junit"], "MLSEC-CONT-01")
    skipped = case.find("skipped")
    assert skipped is not None
    assert skipped.attrib["message"].startswith("not evaluated on this change: no changed file")
    sarif = json.loads(changed["sarif"])
    notes = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    (note,) = [n for n in notes if n["descriptor"]["id"] == "not-evaluated"]
    assert "MLSEC-CONT-01" in note["message"]["text"]
    doc = parse(changed["html"])
    assert doc.find("article", id="control-MLSEC-CONT-01").attrs["data-status"] == "not-evaluated"
    assert "per-file controls ran on the 1 changed or dependent file only" in changed["html"]


def test_both_digests_are_named_and_explained(scans: tuple[Any, Any]) -> None:
    known, _ = scans
    data = known["data"]
    policy, content = data["policy"]["digest"], data["integrity"]["content_digest"]
    for text in (known["console"], known["markdown"], known["html"]):
        assert "policy digest" in text.lower() and policy in text
        assert "report content digest" in text.lower() and content in text
        assert "SHA-256 over the pack digests of every pack loaded" in text
        assert "recomputes it to show the report was not edited" in text
    sarif = json.loads(known["sarif"])
    properties = sarif["runs"][0]["properties"]
    assert properties["policyDigest"] == policy
    assert "pack digests" in properties["policyDigestMeaning"]


def test_validate_names_each_digest(cli: Callable[..., Any]) -> None:
    result = cli("validate", "--no-semgrep")
    assert result.code == 0
    assert "pack digest sha256:" in result.out
    assert "policy digest sha256:" in result.out and "SHA-256 over the pack digests" in result.out


def test_new_statuses_render_in_a_real_browser(scans: tuple[Any, Any], tmp_path: Path) -> None:
    known, changed = scans
    for name, written, status in (
        ("known", known, "baselined"),
        ("changed", changed, "not-evaluated"),
    ):
        target = tmp_path / f"{name}.html"
        target.write_text(written["html"], encoding="utf-8")
        dom: Node = parse(run_chromium(tmp_path, target, "--dump-dom", query=f"?status={status}"))
        visible = [
            a.attrs["data-status"]
            for a in dom.find_all("article", "control")
            if "filtered-out" not in a.attrs["class"].split()
        ]
        assert visible and set(visible) == {status}


def test_a_report_of_schema_1_1_still_verifies_intact(rich_data: dict[str, Any]) -> None:
    """An archived report from before 1.2 (no new fields or statuses) is not read as altered."""
    from mlsec_policy.report import integrity
    from mlsec_policy.report.verify import Verdict, verify

    old = {k: v for k, v in rich_data.items() if k not in ("diff_scope", integrity.KEY)}
    old["schema_version"] = "1.1"
    old["results"] = [
        {k: v for k, v in r.items() if k != "evaluated_on"} for r in rich_data["results"]
    ]
    assert "baselined" not in old["summary"]["status_counts"]
    old[integrity.KEY] = integrity.block(old, old["policy"]["digest"])
    checked = verify(json.dumps(old))
    assert checked.verdict is Verdict.INTACT, checked.checks
