"""Valid files never produce an error: the corpus of ``valid_corpus.py`` through the real CLI.

Every file of the corpus is valid for the tools that use it. The scan must finish without a
single error (exit 0 or 1, never 3), still report the violation planted in each file, and list
what it could not read as skipped, with the reason, in every report. Files that are genuinely
broken stay errors, for the checks that needed to parse them.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from mlsec_policy.report import console, json_report
from tests.conftest import load_json, report_validator, run_subprocess, sarif_validator, write_tree
from tests.valid_corpus import EXPECTED, FILES

EPOCH = {"SOURCE_DATE_EPOCH": "1767225600"}
SET_ASIDE = {
    ("notebooks/pasted_output.ipynb", "code cell 1, lines 4-5 of the cell"),
    ("notebooks/pasted_output.ipynb", "code cell 2, line 1 of the cell"),
    ("notebooks/pasted_output.ipynb", "code cell 3, line 3 of the cell"),
    ("notebooks/pasted_output.ipynb", "code cell 4 is not Python"),
}
"""The parts of the corpus that are not code, and the start of what the report says of them."""
EMPTY = {"configs/empty.json", "notebooks/blank.ipynb"}


def _git_repository(root: Path) -> None:
    commands = (
        "git init -q && git add -A && git -c user.name=t -c user.email=t@e.invalid commit -qm c"
    )
    subprocess.run(commands, shell=True, cwd=root, check=True)


@pytest.fixture(scope="module")
def scanned(tmp_path_factory: pytest.TempPathFactory) -> tuple[int, dict[str, Any], Path, str]:
    """Scan the corpus once with the real CLI: exit code, JSON report, output folder, console."""
    root = write_tree(tmp_path_factory.mktemp("corpus") / "repo", FILES)
    _git_repository(root)
    out = tmp_path_factory.mktemp("out")
    result = run_subprocess(
        "scan",
        str(root),
        "--json-output",
        str(out / "r.json"),
        "--sarif-output",
        str(out / "r.sarif"),
        "--html-output",
        str(out / "r.html"),
        env={**os.environ, **EPOCH},
    )
    return result.code, load_json(out / "r.json"), out, result.out + result.err


def _findings(report: dict[str, Any]) -> set[tuple[str, str, int | None]]:
    return {
        (result["control"]["id"], finding["location"]["path"], finding["location"]["start_line"])
        for result in report["results"]
        for finding in result["findings"]
    }


def test_the_corpus_scans_without_a_single_error(
    scanned: tuple[int, dict[str, Any], Path, str],
) -> None:
    code, report, _out, console = scanned
    assert report["errors"] == [], json.dumps(report["errors"], indent=1)[:3000]
    assert code in (0, 1), console
    assert not [r["control"]["id"] for r in report["results"] if r["status"] == "error"]
    report_validator().validate(report)


@pytest.mark.parametrize("path", sorted(EXPECTED))
def test_the_violation_planted_in_each_file_is_still_reported(
    path: str, scanned: tuple[int, dict[str, Any], Path, str]
) -> None:
    control, line = EXPECTED[path]
    found = _findings(scanned[1])
    mine = sorted((f for f in found if f[1] == path), key=str)
    if line is not None:
        assert (control, path, line) in found, mine
    elif control == "MLSEC-NB-01":  # about the whole notebook
        assert any(f[0] == control for f in mine), mine
    else:  # notebooks: every statement that loads a checkpoint, in every cell, is reported
        content = FILES[path]
        text = content if isinstance(content, str) else content.decode("utf-8")
        lines = [n for n, raw in enumerate(text.splitlines(), start=1) if "= torch.load(" in raw]
        assert lines and {(control, path, n) for n in lines} <= found, mine


def test_what_is_not_code_is_listed_as_skipped_with_its_reason(
    scanned: tuple[int, dict[str, Any], Path, str],
) -> None:
    _code, report, out, _console = scanned
    parts = {(s["path"], s["reason"]) for s in report["skipped"] if s["line"] is not None}
    for path, start in SET_ASIDE:
        assert any(p == path and r.startswith(start) for p, r in parts), (start, sorted(parts))
    assert len(parts) == len(SET_ASIDE), sorted(parts)
    assert all("not Python once IPython syntax is set aside" in reason for _p, reason in parts)
    whole = {s["path"] for s in report["skipped"] if s["line"] is None}
    assert whole == EMPTY
    # every report that lists skipped files lists the parts, at their line
    sarif = load_json(out / "r.sarif")
    sarif_validator().validate(sarif)
    notes = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]
    located = [n for n in notes if n["descriptor"]["id"] == "part-skipped"]
    assert len(located) == len(SET_ASIDE)
    assert all(n["locations"][0]["physicalLocation"]["region"]["startLine"] for n in located)
    html = (out / "r.html").read_text(encoding="utf-8")
    assert re.search(r"notebooks/pasted_output\.ipynb:\d+</td>", html)
    text = console.render(
        json_report.load((out / "r.json").read_text(encoding="utf-8")), verbosity=2
    )
    assert re.search(r"notebooks/pasted_output\.ipynb:\d+: code cell 4 is not Python", text)


def test_genuinely_broken_files_stay_errors_for_the_checks_that_parse_them(
    tmp_path: Path,
) -> None:
    root = write_tree(
        tmp_path / "repo",
        {
            # a syntax error with no template action near it: broken Python, not a template
            "train.py": "import torch\nx = = '{{ not a template here }}'\nm = torch.load(p)\n",
            "config.json": '{"trust_remote_code": true,,}\n',
            "serve.py": "import torch\nmodel = torch.load('w.pt')\n",
        },
    )
    out = tmp_path / "r.json"
    result = run_subprocess("scan", str(root), "--json-output", str(out))
    report = load_json(out)
    assert result.code == 3
    by_path: dict[str, set[str]] = {}
    for error in report["errors"]:
        by_path.setdefault(error["path"], set()).update(error["control_ids"])
    assert set(by_path) == {"train.py", "config.json"}
    assert "MLSEC-LOAD-01" in by_path["train.py"]
    # a JSON syntax error concerns the JSON rules only, not every rule that reads configs
    assert by_path["config.json"] == {"MLSEC-HUB-01"}
    assert not report["skipped"]
    assert ("MLSEC-LOAD-01", "serve.py", 2) in _findings(report)
