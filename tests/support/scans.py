"""One CLI scan of a tree with several report files, for the tests of what findings carry."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from mlsec_policy.cli import cli as command
from tests.conftest import report_validator, sarif_validator
from tests.support.browser import run_chromium
from tests.support.htmltree import parse


def scan_to(root: Path, out: Path, formats: tuple[str, ...]) -> dict[str, Any]:
    """Scan ``root`` with the CLI, writing each format to ``out.<format>``; return the texts.

    ``formats`` must include ``json``. The console output is under ``console``, the JSON
    document (validated against our schema) under ``data``; a SARIF output is validated
    against the 2.1.0 schema.
    """
    outputs = [arg for f in formats for arg in (f"--{f}-output", f"{out}.{f}")]
    run = CliRunner().invoke(
        command, ["scan", str(root), "--no-cache", "--no-config", *outputs], catch_exceptions=False
    )
    assert run.exit_code in (0, 1), run.output
    written: dict[str, Any] = {f: Path(f"{out}.{f}").read_text("utf-8") for f in formats}
    written["console"] = run.output
    written["data"] = json.loads(written["json"])
    report_validator().validate(written["data"])
    if "sarif" in written:
        sarif_validator().validate(json.loads(written["sarif"]))
    return written


def html_trails(html: str, folder: Path) -> list[str]:
    """Return the text of each finding's trail (context and "via" notes) as a browser shows it.

    The HTML report is written to ``folder`` and read back from headless Chromium's DOM.
    """
    page = folder / "report.html"
    page.write_text(html, encoding="utf-8")
    dom = parse(run_chromium(folder, page, "--dump-dom"))
    return [" ".join(node.text().split()) for node in dom.find_all("div", "trail")]
