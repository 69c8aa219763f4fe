"""The organisation page: what a person sees in a real browser."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from mlsec_policy.report import json_report
from tests.support.browser import decode_png, screenshot
from tests.support.htmltree import Node, parse
from tests.support.org_reports import merge, write_variants

FAIL_RED = (0xCF, 0x22, 0x2E)


@pytest.fixture(scope="module")
def merged(
    reports: dict[str, Path], tmp_path_factory: pytest.TempPathFactory
) -> tuple[dict[str, Any], str]:
    """Merge generated reports against an earlier merge; return the record and its page."""
    work = tmp_path_factory.mktemp("org")
    failing = json_report.load(reports["vulnerable"].read_text(encoding="utf-8"))
    passing = json_report.load(reports["compliant"].read_text(encoding="utf-8"))
    before = write_variants(work / "before", failing, passing, 4, seed=3)
    old = work / "old.json"
    assert merge(str(before), "-o", str(old)).code == 0
    out, page = work / "org.json", work / "org.html"
    result = merge(
        str(reports["generated"]),
        str(reports["compliant"]),
        "--previous",
        str(old),
        "-o",
        str(out),
        "--html-output",
        str(page),
    )
    assert result.code == 0, result.err
    return json.loads(out.read_text(encoding="utf-8")), page.read_text(encoding="utf-8")


def test_heatmap_has_a_row_per_repository_and_a_cell_per_phase(
    merged: tuple[dict[str, Any], str],
) -> None:
    document, page = merged
    table = parse(page).find("table", "heat")
    rows = table.find("tbody").find_all("tr")
    records = {r["name"]: r for r in document["repositories"]}
    assert sorted(row.attrs["data-repo"] for row in rows) == sorted(records)
    phases = [p["id"] for p in document["summary"]["phases"]]
    for row in rows:
        record = records[row.attrs["data-repo"]]
        cells = row.find_all("td", "cell")
        assert len(cells) == len(phases)
        for phase, cell in zip(phases, cells, strict=True):
            status = record["phases"].get(phase)
            assert f"st-{status or 'none'}" in cell.attrs["class"].split()
            assert cell.text().strip() == (status or "–")  # the status as text, not colour only


def test_worst_repositories_first_and_moves_listed(merged: tuple[dict[str, Any], str]) -> None:
    document, page = merged
    doc = parse(page)
    names = [
        row.attrs["data-repo"] for row in doc.find("table", "heat").find("tbody").find_all("tr")
    ]
    verdicts = {r["name"]: r["verdict"] for r in document["repositories"]}
    assert verdicts[names[-1]] == "pass" or all(verdicts[n] != "pass" for n in names)
    assert [verdicts[n] for n in names] == sorted(
        (verdicts[n] for n in names), key=lambda v: v == "pass"
    )
    moved = [r for r in document["repositories"] if r["moves"] and r["moves"]["worsened"]]
    assert moved, "the generated histories should move some control"
    shown = {
        row.attrs["data-moves"]: row
        for row in doc.find("section", id="trend").find_all("tr")
        if "data-moves" in row.attrs
    }
    for record in moved:
        text = _text(shown[record["name"]])
        for move in record["moves"]["worsened"]:
            assert f"{move['control']}: {move['from']} → {move['to']}" in text


def test_no_script_and_a_strict_csp(merged: tuple[dict[str, Any], str]) -> None:
    _document, page = merged
    doc = parse(page)
    assert not doc.find_all("script")
    csp = doc.find("meta", **{"http-equiv": "Content-Security-Policy"}).attrs["content"]
    assert "default-src 'none'" in csp
    assert "http://" not in page and "https://" not in page


def test_renders_in_a_real_browser_with_status_colours(
    merged: tuple[dict[str, Any], str], tmp_path: Path
) -> None:
    _document, page = merged
    target = tmp_path / "org.html"
    target.write_text(page, encoding="utf-8")
    image = decode_png(screenshot(tmp_path, target, 1200, 1000).read_bytes())
    colours: dict[tuple[int, int, int], int] = {}
    for y in range(0, image.height, 2):
        for x in range(0, image.width, 2):
            colour = image.pixel(x, y)
            colours[colour] = colours.get(colour, 0) + 1
    assert colours.get(FAIL_RED, 0) > 200, "the heatmap's failing cells are not drawn"
    assert len(colours) > 50, "no text was drawn"


def _text(node: Node) -> str:
    return " ".join(node.text().split())
