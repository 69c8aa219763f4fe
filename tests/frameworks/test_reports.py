"""Framework sections in every report: scan --framework, report render, and a real browser."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from referencing import Registry, Resource

from mlsec_policy.report import json_report
from mlsec_policy.report.formats import FORMATS
from mlsec_policy.report.sarif import MAX_TAGS, rule_tags
from tests.conftest import REPO, CliResult, report_validator, sarif_validator, write_tree
from tests.frameworks.test_loader import GOOD, PACK
from tests.report.test_commands import EXTENSIONS
from tests.support.browser import run_chromium
from tests.support.htmltree import parse
from tests.support.reporting import EPOCH, RICH_FILES, make_repo

Cli = Callable[..., CliResult]
CONFIG = """\
exclusions:
  owasp-ml:  # an alias names the framework as well as its id
    ML08: the model is never retrained from user feedback
waivers:
  - control: MLSEC-CONT-01
    reason: the base image is rebuilt as non-root by the platform team
    approver: sec-lead@example.com
    ticket: https://tracker.example.com/SEC-42
    expires: 2026-06-30
attestations:
  - control: MLSEC-ATT-05
    by: Jane Roe
    date: 2025-11-02
    evidence: https://wiki.example.com/supplier-review
    expires: 2026-11-01
"""
CDX = REPO / "schemas" / "third_party" / "cyclonedx"


def cdx_validator() -> jsonschema.protocols.Validator:
    """Return a validator for the official CycloneDX 1.6 schema and the two it refers to."""
    names = ("bom-1.6.schema.json", "spdx.schema.json", "jsf-0.82.schema.json")
    schemas = {name: json.loads((CDX / name).read_text(encoding="utf-8")) for name in names}
    registry: Registry[Any] = Registry().with_resources(
        (schema["$id"], Resource.from_contents(schema)) for schema in schemas.values()
    )
    return jsonschema.Draft7Validator(
        schemas[names[0]], registry=registry, format_checker=jsonschema.FormatChecker()
    )


def outputs(folder: Path) -> list[str]:
    args: list[str] = []
    for name in FORMATS:
        args += [f"--{name}-output", str(folder / f"report.{EXTENSIONS[name]}")]
    return args


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Scan a real repository for one framework named twice (alias and id)."""
    from mlsec_policy.cli import run

    tmp = tmp_path_factory.mktemp("fw")
    target = make_repo(tmp / "repo", {**RICH_FILES, ".mlsec-policy.yml": CONFIG})
    out = tmp / "scan"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
        code = run(
            [
                "scan",
                str(target),
                "--framework",
                "owasp-ml",
                "--framework",
                "owasp-ml-2023",
                *outputs(out),
            ]
        )
    assert code == 3  # the oversized file of the rich repository: incomplete
    return out


def test_the_json_report_holds_every_requirement_and_validates(scanned: Path) -> None:
    data = json.loads((scanned / "report.json").read_text())
    report_validator().validate(data)
    assert data["schema_version"] == "1.4"
    (framework,) = data["frameworks"]
    assert framework["framework"]["id"] == "owasp-ml-2023"
    statuses = {r["requirement"]["id"]: r["status"] for r in framework["requirements"]}
    assert list(statuses) == [f"ML{n:02}" for n in range(1, 11)]
    assert statuses["ML08"] == "excluded"
    assert statuses["ML06"] == "fail"  # torch.load of a pickle in train.py
    (summary,) = data["summary"]["frameworks"]
    assert sum(summary["status_counts"].values()) == 10
    assert summary["sections"]["ML"] == {k: v for k, v in summary["status_counts"].items() if v}


def test_render_reproduces_the_framework_sections_byte_for_byte(
    scanned: Path, tmp_path: Path, cli: Cli
) -> None:
    again = tmp_path / "again"
    result = cli("report", "render", str(scanned / "report.json"), *outputs(again))
    assert result.code == 0, result.err
    for name in FORMATS:
        file = f"report.{EXTENSIONS[name]}"
        assert (again / file).read_bytes() == (scanned / file).read_bytes(), name
    picked = tmp_path / "picked.json"
    result = cli(
        "report",
        "render",
        str(scanned / "report.json"),
        "--framework",
        "owasp-ml",
        "--json-output",
        str(picked),
    )
    assert result.code == 0, result.err
    assert picked.read_bytes() == (scanned / "report.json").read_bytes()


def test_render_rolls_up_a_framework_the_report_lacks(
    scanned: Path, tmp_path: Path, cli: Cli
) -> None:
    pack = write_tree(tmp_path / "pack", {"pack.yaml": PACK, "frameworks/acme-rules.yaml": GOOD})
    added = tmp_path / "added.json"
    source = str(scanned / "report.json")
    args = ("report", "render", source, "--policy", str(pack), "--json-output", str(added))
    result = cli(*args, "--framework", "acme", "--framework", "owasp-ml")
    assert result.code == 0, result.err
    data = json.loads(added.read_text())
    report_validator().validate(data)
    assert [f["framework"]["id"] for f in data["frameworks"]] == ["acme-rules", "owasp-ml-2023"]
    loads = next(r for r in data["results"] if r["control"]["id"] == "MLSEC-ART-01")
    acme = data["frameworks"][0]["requirements"]
    assert loads["status"] == "not-applicable"  # the repository has no model file
    assert [(r["requirement"]["id"], r["status"]) for r in acme] == [
        ("R-1", "not-applicable"),
        ("R-2", "not-covered"),
    ]
    unknown = cli("report", "render", source, "--framework", "no-such-framework")
    assert unknown.code == 2
    assert "unknown framework 'no-such-framework'" in unknown.err


def test_markdown_and_console_list_every_requirement_with_its_controls(
    scanned: Path, cli: Cli
) -> None:
    markdown = (scanned / "report.md").read_text()
    assert "### Framework: OWASP Machine Learning Security Top 10 (2023 edition)" in markdown
    rows = [line for line in markdown.splitlines() if line.startswith("| `ML")]
    assert len(rows) == 10
    assert rows[7].startswith("| `ML08@2023`") and "| excluded |" in rows[7]
    assert "[MLSEC-LOAD-01](#mlsec-load-01) fail (automated)" in rows[5]
    # every control linked from a framework table has its block (with findings) to land on
    targets = set(re.findall(r"\]\(#([a-z0-9-]+)\)", "\n".join(rows)))
    anchors = set(re.findall(r'<a id="([a-z0-9-]+)"></a>', markdown))
    assert targets and targets <= anchors
    passing = [r for r in rows if " pass (" in r]
    assert all("](#" not in part for r in passing for part in r.split(",") if " pass (" in part)
    result = cli("report", "render", str(scanned / "report.json"), "--no-color")
    assert "Framework owasp-ml-2023" in result.out
    assert "fail              ML06@2023" in result.out
    assert "ML08@2023" not in result.out  # excluded: listed with -v, counted here
    assert "1 excluded" in result.out


def test_the_html_framework_view_in_a_real_browser(scanned: Path, tmp_path: Path) -> None:
    page = scanned / "report.html"
    doc = parse(run_chromium(tmp_path, page, "--dump-dom"))
    section = doc.find("section", "framework", id="framework-owasp-ml-2023")
    rows = [n for n in section.iter() if n.tag == "tr" and "data-status" in n.attrs]
    assert [r.attrs["id"] for r in rows] == [f"req-owasp-ml-2023-ML{n:02}" for n in range(1, 11)]
    assert rows[7].attrs["data-status"] == "excluded"
    assert "the model is never retrained from user feedback" in rows[7].text()
    anchors = {n.attrs["id"] for n in doc.iter() if "id" in n.attrs}
    links = [n.attrs["href"] for n in section.iter() if n.tag == "a"]
    assert links and all(link[1:] in anchors for link in links)
    assert "#control-MLSEC-LOAD-01" in links


def test_frameworks_list_and_show_explain_the_mapping(cli: Cli) -> None:
    listed = cli("frameworks", "list")
    assert listed.code == 0
    assert "owasp-ml-2023 (owasp-ml)  version 2023" in listed.out
    shown = cli("frameworks", "show", "owasp-ml")
    assert shown.code == 0
    assert "  ML06@2023  partial  Models, data and packages" in shown.out
    assert "      MLSEC-ATT-05 (attestation): third-party models" in shown.out
    unknown = cli("frameworks", "show", "owasp")
    assert unknown.code == 2 and "unknown framework 'owasp'" in unknown.err


def test_an_exclusion_of_an_unknown_requirement_is_refused(tmp_path: Path, cli: Cli) -> None:
    target = make_repo(
        tmp_path / "repo",
        {"README.md": "# x\n", ".mlsec-policy.yml": CONFIG.replace("ML08", "ML11")},
        remote=None,
    )
    result = cli("scan", str(target), "--framework", "owasp-ml", "-q")
    assert result.code == 2
    assert "exclusions name requirements owasp-ml-2023 does not have: ML11" in result.err


def test_the_cdxa_document_validates_and_attests_every_requirement(scanned: Path) -> None:
    document = json.loads((scanned / "report.cdx.json").read_text(encoding="utf-8"))
    validator = cdx_validator()
    assert list(validator.iter_errors(document)) == []
    broken = {**document, "declarations": {**document["declarations"], "verdict": "pass"}}
    assert list(validator.iter_errors(broken)), "the schema check must be able to fail"
    (standard,) = document["definitions"]["standards"]
    assert standard["bom-ref"] == "standard:owasp-ml-2023"
    identifiers = [r["identifier"] for r in standard["requirements"]]
    assert identifiers == ["ML", *(f"ML{n:02}@2023" for n in range(1, 11))]
    declarations = document["declarations"]
    (attestation,) = declarations["attestations"]
    by_requirement = {m["requirement"]: m for m in attestation["map"]}
    supply_chain = by_requirement["requirement:owasp-ml-2023:ML06"]
    assert supply_chain["conformance"]["score"] == 0.0
    assert supply_chain["conformance"]["rationale"].startswith("fail: failing: ")
    assert "claim:MLSEC-LOAD-01" in supply_chain["counterClaims"]
    assert supply_chain["confidence"]["score"] == 0.5
    excluded = by_requirement["requirement:owasp-ml-2023:ML08"]
    assert "score" not in excluded["conformance"]
    assert excluded["conformance"]["rationale"] == (
        "excluded: excluded by the configuration: the model is never retrained from user feedback"
    )
    claims = {c["bom-ref"]: c for c in declarations["claims"]}
    refs = {e["bom-ref"]: e for e in declarations["evidence"]}
    assert claims["claim:MLSEC-LOAD-01"]["counterEvidence"] == [
        "findings:MLSEC-LOAD-01",
        "errors:MLSEC-LOAD-01",  # the oversized module of the rich repository was not read
    ]
    assert refs["errors:MLSEC-LOAD-01"]["description"].startswith("not verified: ")
    assert refs["findings:MLSEC-LOAD-01"]["description"].startswith("1 finding(s) at train.py:")
    assert claims["claim:MLSEC-CONT-01"]["reasoning"].startswith("waived")
    (waiver,) = [e for e in declarations["evidence"] if e["propertyName"] == "mlsec-policy:waiver"]
    assert waiver["reviewer"] == {"name": "sec-lead@example.com"}
    assert waiver["description"].startswith("used waiver of MLSEC-CONT-01: ")
    attested = refs["attestation:MLSEC-ATT-05"]
    assert (attested["author"], attested["created"], attested["expires"]) == (
        {"name": "Jane Roe"},
        "2025-11-02T00:00:00Z",
        "2026-11-01T00:00:00Z",
    )
    assert claims["claim:MLSEC-ATT-05"]["evidence"] == ["attestation:MLSEC-ATT-05"]
    assert declarations["affirmation"]["signatories"] == [
        {
            "name": "Jane Roe",
            "role": "attests MLSEC-ATT-05",
            "organization": {"name": "Jane Roe"},
            "externalReference": {
                "type": "attestation",
                "url": "https://wiki.example.com/supplier-review",
            },
        }
    ]
    ml07 = by_requirement["requirement:owasp-ml-2023:ML07"]
    assert "claim:MLSEC-ATT-05" in ml07.get("claims", [])


def test_sarif_rule_tags_name_the_framework_requirements_within_twenty(scanned: Path) -> None:
    log = json.loads((scanned / "report.sarif").read_text(encoding="utf-8"))
    sarif_validator().validate(log)
    rules = {r["id"]: r for r in log["runs"][0]["tool"]["driver"]["rules"]}
    tags = rules["MLSEC-LOAD-01"]["properties"]["tags"]
    assert tags[:2] == ["security", "phase:model-storage"]
    assert "owasp-ml-2023:ML06" in tags and "owasp-ml-2023:ML10" in tags
    assert "owasp-ml:ML06" in tags and "atlas:AML.T0010" in tags
    assert tags.index("external/cwe/cwe-502") < tags.index("owasp-ml-2023:ML06")
    assert tags.index("owasp-ml-2023:ML10") < tags.index("owasp-ml:ML06")
    assert all(len(r["properties"]["tags"]) <= MAX_TAGS for r in rules.values())


def test_the_tag_cap_keeps_the_most_useful_tags(scanned: Path) -> None:
    report = json_report.load((scanned / "report.json").read_text(encoding="utf-8"))
    control = next(r.control for r in report.results if r.control.id == "MLSEC-LOAD-01")
    many = tuple(f"big-framework:R-{n}" for n in range(30))
    tags = rule_tags(control, many)
    assert len(tags) == MAX_TAGS
    head = ["security", f"phase:{control.phase}", *control.risks]
    head += [f"external/cwe/{c.lower()}" for c in control.references.cwe]
    assert tags == [*head, *many][:MAX_TAGS]
