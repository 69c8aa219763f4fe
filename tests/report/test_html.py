"""The HTML report: structure, self-containment, escaping, and a real browser rendering it."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from mlsec_policy.models import ControlResult, ControlStatus, Report
from mlsec_policy.report import html
from tests.conftest import CliResult
from tests.support.browser import decode_png, run_chromium, screenshot
from tests.support.htmltree import Node, parse
from tests.support.reporting import EPOCH, HOSTILE, RICH_FILES, make_repo, shown


@pytest.fixture(scope="module")
def page(rich: Report) -> str:
    return html.render(rich)


@pytest.fixture(scope="module")
def doc(page: str) -> Node:
    return parse(page)


def test_every_phase_once_in_lifecycle_order(doc: Node, rich_data: dict[str, Any]) -> None:
    sections = doc.find_all("section", "phase")
    assert [s.attrs["data-phase"] for s in sections] == [
        p["id"] for p in rich_data["taxonomy"]["phases"]
    ]
    assert len(sections) == 9


def test_every_control_exactly_once_in_its_phase_with_its_status(
    doc: Node, rich_data: dict[str, Any]
) -> None:
    articles = doc.find_all("article", "control")
    ids = [a.attrs["id"] for a in articles]
    assert sorted(ids) == sorted(f"control-{r['control']['id']}" for r in rich_data["results"])
    assert len(ids) == len(set(ids))
    for result in rich_data["results"]:
        control = result["control"]
        section = doc.find("section", "phase", data_phase=control["phase"])
        article = section.find("article", "control", id=f"control-{control['id']}")
        assert article.attrs["data-status"] == result["status"]
        assert article.attrs["data-severity"] == result["severity"]
        text = article.text()
        for value in (*control["requirements"], *control["risks"], *control["references"]["cwe"]):
            assert value in text
        assert control["fix"] in text


def test_all_34_risk_codes_with_phase_controls_and_status(
    doc: Node, rich_data: dict[str, Any]
) -> None:
    rows = doc.find("table", "risks").find_all("tr")[1:]
    assert [r.attrs["data-risk"] for r in rows] == [r["id"] for r in rich_data["taxonomy"]["risks"]]
    assert len(rows) == 34
    for row, risk in zip(rows, rich_data["summary"]["risks"], strict=True):
        cells = row.find_all("td")
        assert cells[2].text() == risk["phase"]
        assert [a.attrs["href"] for a in cells[3].find_all("a")] == [
            f"#control-{c}" for c in risk["controls"]
        ]
        assert cells[4].text() == risk["status"].replace("-", " ")
    uncovered = [r for r in rich_data["summary"]["risks"] if r["status"] == "not-covered"]
    assert uncovered, "the fixture policy leaves some risks uncovered"


def test_overview_matrix_matches_the_summary(doc: Node, rich_data: dict[str, Any]) -> None:
    matrix = doc.find("table", "matrix")
    statuses = shown(rich_data["summary"]["status_counts"])
    for phase in rich_data["summary"]["phases"]:
        cells = matrix.find("tr", data_phase=phase["id"]).find_all("td")
        assert [int(c.text()) for c in cells[:-1]] == [phase["status_counts"][s] for s in statuses]
    layers = [r.text() for r in matrix.find_all("tr", "layer")]
    assert layers == [layer["title"] for layer in rich_data["taxonomy"]["layers"]]
    verdict = doc.find("div", "verdict")
    assert rich_data["summary"]["verdict"].upper() in verdict.text()
    chart = doc.find("svg", "chart")
    bars = chart.find_all("g", "bar")
    assert [b.attrs["data-phase"] for b in bars] == [
        p["id"] for p in rich_data["summary"]["phases"]
    ]
    for bar, phase in zip(bars, rich_data["summary"]["phases"], strict=True):
        segments = [r for r in bar.find_all("rect") if "track" not in r.attrs.get("class", "")]
        drawn = {r.attrs["class"].removeprefix("seg-"): r.find("title").text() for r in segments}
        expected = {s for s, n in phase["status_counts"].items() if n}
        assert set(drawn) == expected


def test_header_names_policy_commit_options_and_digest(
    doc: Node, rich_data: dict[str, Any]
) -> None:
    header = doc.find("header").text()
    pack = rich_data["policy"]["packs"][0]
    for value in (
        pack["name"],
        pack["digest"],
        rich_data["policy"]["digest"],
        rich_data["git"]["commit"],
        rich_data["git"]["branch"],
        rich_data["git"]["remote_url"],
        rich_data["started_at"],
        rich_data["tool"]["version"],
        rich_data["integrity"]["content_digest"],
    ):
        assert value in header, value
    assert "Uncommitted changes no" in header
    assert "Fail on low and above" in header


def test_evidence_waiver_attestation_errors_and_skips(doc: Node, rich_data: dict[str, Any]) -> None:
    load = doc.find("article", id="control-MLSEC-LOAD-01")
    finding = next(r for r in rich_data["results"] if r["control"]["id"] == "MLSEC-LOAD-01")
    first = finding["findings"][0]
    assert f"{first['location']['path']}:{first['location']['start_line']}" in load.text()
    excerpt = load.find("pre", "excerpt").text()
    assert "torch.load(path)" in excerpt and "5" in excerpt
    waived = doc.find("article", id="control-MLSEC-CONT-01").text()
    assert HOSTILE in waived and "sec-lead@example.com" in waived and "2026-06-30" in waived
    attested = doc.find("article", id="control-MLSEC-HUMAN-01").text()
    assert "Jane Roe <jane@example.com>" in attested and "2026-11-01" in attested
    passing = doc.find("article", id="control-MLSEC-IR-01").text()
    assert "SECURITY.md" in passing
    errors = doc.find("section", id="errors").text()
    assert "serving/big_module.py" in errors and "MLSEC-RATE-01" in errors
    coverage = doc.find("section", id="coverage").text()
    assert "serving/big_module.py" in coverage and "larger than" in coverage
    register = doc.find("section", id="waivers").text()
    assert "SEC-42" in register and "Jane Roe" in register


def test_hostile_text_is_escaped_not_executed(page: str, doc: Node) -> None:
    assert HOSTILE not in page
    assert len(doc.find_all("script")) == 1


def test_self_contained_no_external_url_and_a_strict_csp(page: str, doc: Node) -> None:
    for node in doc.iter():
        for name in ("src", "href", "action", "poster", "data", "srcset"):
            if name in node.attrs:
                assert node.attrs[name].startswith("#"), (node.tag, name, node.attrs[name])
        if node.tag == "svg":
            assert node.attrs.get("xmlns") == "http://www.w3.org/2000/svg"
    assert not doc.find_all("link") and not doc.find_all("img") and not doc.find_all("iframe")
    style = doc.find("style").text()
    assert "url(" not in style and "@import" not in style and "@font-face" not in style
    script = doc.find("script")
    assert "src" not in script.attrs
    assert not re.search(r"fetch\(|XMLHttpRequest|import\(|\.src\s*=", script.text())
    csp = doc.find("meta", http_equiv="Content-Security-Policy").attrs["content"]
    assert "default-src 'none'" in csp and "unsafe-inline" not in csp
    inline = page.split("<script>", 1)[1].split("</script>", 1)[0]
    digest = base64.b64encode(hashlib.sha256(inline.encode()).digest()).decode()
    assert f"'sha256-{digest}'" in csp


def test_print_styles_break_between_phases(doc: Node) -> None:
    css = doc.find("style").text()
    printing = css[css.index("@media print") :]
    assert "section.phase { break-before: page; }" in printing
    assert "thead { display: table-header-group; }" in printing


def _assert_rendered(shot: Path) -> None:
    image = decode_png(shot.read_bytes())
    assert (image.width, image.height) == (1000, 900)
    colours: dict[tuple[int, int, int], int] = {}
    for y in range(0, image.height, 2):
        for x in range(0, image.width, 2):
            colour = image.pixel(x, y)
            colours[colour] = colours.get(colour, 0) + 1
    total = sum(colours.values())
    white = colours.get((255, 255, 255), 0)
    assert 0.4 < white / total < 0.97, "the page is blank or a solid block"
    assert len(colours) > 50, "no text or shapes were drawn"
    needs_attention = colours.get((0x9A, 0x67, 0x00), 0)
    assert needs_attention > 100, "the stylesheet's status colours are not on screen"


@pytest.mark.parametrize("script", ["on", "off"])
def test_renders_in_a_real_browser_not_blank(page: str, tmp_path: Path, script: str) -> None:
    if script == "off":  # the page's own CSP, told to run no script at all
        page = re.sub(r"script-src &#39;sha256-[^&]+&#39;", "script-src &#39;none&#39;", page)
        assert "script-src &#39;none&#39;" in page
    target = tmp_path / "rich.html"
    target.write_text(page, encoding="utf-8")
    _assert_rendered(screenshot(tmp_path, target, 1000, 900))


def test_filters_run_under_the_csp(page: str, rich_data: dict[str, Any], tmp_path: Path) -> None:
    target = tmp_path / "rich.html"
    target.write_text(page, encoding="utf-8")
    filtered = parse(run_chromium(tmp_path, target, "--dump-dom", query="?status=fail,error"))
    form = filtered.find("form", id="filters")
    assert "hidden" not in form.attrs
    for article in filtered.find_all("article", "control"):
        hidden = "filtered-out" in article.attrs["class"].split()
        assert hidden == (article.attrs["data-status"] not in ("fail", "error"))
    shown = filtered.find("span", id="filter-count").text()
    wanted = sum(1 for r in rich_data["results"] if r["status"] in ("fail", "error"))
    assert shown == f"{wanted} of {len(rich_data['results'])} controls shown"
    phases = {s.attrs["data-phase"]: s for s in filtered.find_all("section", "phase")}
    assert "filtered-out" not in phases["model-storage"].attrs["class"]
    for phase_id, section in phases.items():
        noisy = any(
            r["control"]["phase"] == phase_id and r["status"] in ("fail", "error")
            for r in rich_data["results"]
        )
        assert ("filtered-out" in section.attrs["class"]) == (not noisy), phase_id


def test_without_javascript_everything_is_shown(doc: Node) -> None:
    assert "hidden" in doc.find("form", id="filters").attrs
    assert not [n for n in doc.iter() if "filtered-out" in n.attrs.get("class", "")]


def test_prints_to_pdf_with_each_phase_on_its_own_page(rich: Report, tmp_path: Path) -> None:
    # one short control per phase and no error list: with the whole catalogue the phases are
    # long, and where they end on a page boundary the breaks add no page to count
    short: dict[str, ControlResult] = {}
    for result in rich.results:
        if result.status in (ControlStatus.NOT_APPLICABLE, ControlStatus.PASS):
            short.setdefault(result.control.phase, result)
    page = html.render(replace(rich, results=tuple(short.values()), errors=()))
    rule = "section.phase { break-before: page; }"
    # the same page without the rule (and without the CSP, whose style hash it would break)
    unbroken = page.replace(rule, "section.phase { }").replace(
        '<meta http-equiv="Content-Security-Policy"', '<meta data-csp-removed=""'
    )
    counts = []
    for name, text in (("report", page), ("unbroken", unbroken)):
        target = tmp_path / f"{name}.html"
        target.write_text(text, encoding="utf-8")
        pdf = tmp_path / f"{name}.pdf"
        run_chromium(tmp_path, target, "--no-pdf-header-footer", f"--print-to-pdf={pdf}")
        counts.append(len(re.findall(rb"/Type\s*/Page\b", pdf.read_bytes())))
    pages, without_breaks = counts
    assert pages >= 1 + 9, f"{pages} pages: the phases do not start on pages of their own"
    assert pages > without_breaks, "the print stylesheet's page breaks have no effect"


WAIVERS = """\
waivers:
  - id: WVR-7
    control: MLSEC-LOAD-01
    paths: [train.py]
    reason: Legacy loader reads only checkpoints our CI signs; replaced in SEC-123.
    approver: Dana Reyes (security lead)
    ticket: https://tracker.example.org/SEC-123
    expires: 2026-06-30
  - id: WVR-8
    control: MLSEC-CONT-01
    paths: [nothing/**]
    reason: Matches nothing, so the register lists it as unused.
    approver: Dana Reyes
    ticket: https://tracker.example.org/SEC-124
    expires: 2026-06-30
  - id: WVR-9
    control: MLSEC-IR-01
    reason: Expired before the scan, so its findings count again.
    approver: Dana Reyes
    ticket: https://tracker.example.org/SEC-125
    expires: 2025-12-01
"""


def test_waiver_register_lists_used_unused_and_expired_waivers(
    tmp_path: Path, cli: Callable[..., CliResult], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", str(EPOCH))
    files = {k: v for k, v in RICH_FILES.items() if k not in ("SECURITY.md",)}
    target = make_repo(tmp_path / "repo", {**files, ".mlsec-policy.yml": WAIVERS})
    out = tmp_path / "out"
    cli(
        "scan",
        str(target),
        "--json-output",
        str(out / "r.json"),
        "--html-output",
        str(out / "r.html"),
    )
    data = json.loads((out / "r.json").read_text())
    states = {w["waiver"]["id"]: w["state"] for w in data["waivers"]}
    assert states == {"WVR-7": "used", "WVR-8": "unused", "WVR-9": "expired"}
    register = parse((out / "r.html").read_text()).find("table", "register")
    rows = register.find_all("tr", data_state="used") + register.find_all("tr", data_state="unused")
    rows += register.find_all("tr", data_state="expired")
    seen = {row.find_all("td")[0].text().split()[0]: row.attrs["data-state"] for row in rows}
    assert seen == states
    for use in data["waivers"]:
        row = next(r for r in rows if r.find_all("td")[0].text().startswith(use["waiver"]["id"]))
        text = row.text()
        assert use["waiver"]["ticket"] in text and use["waiver"]["expires"] in text
        assert row.find_all("td")[-1].text() == str(len(use["matched"]))
