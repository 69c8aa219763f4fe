"""Inline suppression comments: parsing per file type, and their effect on a real scan."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from mlsec_policy.errors import ExitCode
from mlsec_policy.models import NotebookCell
from mlsec_policy.suppress.comments import find_comments
from tests.conftest import CliResult, load_json, report_validator, write_tree


def parsed(text: str, style: str) -> list[tuple[int, bool, tuple[str, ...], str, str | None]]:
    return [
        (c.line, c.standalone, c.control_ids, c.reason, c.problem)
        for c in find_comments(text, "f", style)
    ]


def test_python_comments_only_never_strings() -> None:
    text = (
        "x = '# mlsec-policy: ignore[MLSEC-LOAD-01] inside a string'\n"
        '"""\n# mlsec-policy: ignore[MLSEC-LOAD-01] inside a docstring\n"""\n'
        "y = load()  # mlsec-policy: ignore[MLSEC-LOAD-01, MLSEC-CONT-01] - signed by CI\n"
        "    # mlsec-policy: ignore[MLSEC-LOAD-01] covers the next line\n"
        "# see mlsec-policy: this is prose, and it does not start the comment\n"
    )
    assert parsed(text, "python") == [
        (5, False, ("MLSEC-LOAD-01", "MLSEC-CONT-01"), "signed by CI", None),
        (6, True, ("MLSEC-LOAD-01",), "covers the next line", None),
    ]


@pytest.mark.parametrize(
    "text",
    [
        "FROM python:3.12\n# mlsec-policy: ignore[MLSEC-CONT-01] entrypoint drops root\n",
        "#!/bin/sh\necho hi # mlsec-policy: ignore[MLSEC-CONT-01] entrypoint drops root\n",
        "key: value\nrun: |  # mlsec-policy: ignore[MLSEC-CONT-01] entrypoint drops root\n",
        '[tool]\nx = "#no"  # mlsec-policy: ignore[MLSEC-CONT-01] entrypoint drops root\n',
    ],
    ids=["dockerfile", "shell", "yaml", "toml"],
)
def test_hash_comment_languages(text: str) -> None:
    ((line, _standalone, ids, reason, problem),) = parsed(text, "hash")
    assert (line, ids, reason, problem) == (2, ("MLSEC-CONT-01",), "entrypoint drops root", None)


def test_hash_inside_a_word_is_not_a_comment() -> None:
    assert parsed("url: http://x/#mlsec-policy: ignore[MLSEC-CONT-01] nope\n", "hash") == []


@pytest.mark.parametrize(
    ("comment", "problem"),
    [
        ("# mlsec-policy: ignore[MLSEC-LOAD-01]", "gives no reason"),
        ("# mlsec-policy: ignore[MLSEC-LOAD-01] --", "gives no reason"),
        ("# mlsec-policy: ignore MLSEC-LOAD-01 no brackets", "malformed suppression"),
        ("# mlsec-policy: ignore[] why", "names no control"),
        ("# mlsec-policy: ignore[mlsec-load-01] lower case", "is not a control id"),
    ],
)
def test_invalid_suppressions_say_what_is_wrong(comment: str, problem: str) -> None:
    ((_, _, _, _, found),) = parsed(f"x = 1  {comment}\n", "python")
    assert found is not None and problem in found


def test_notebook_comments_carry_cell_and_raw_line() -> None:
    notebook = {
        "cells": [
            {"cell_type": "markdown", "source": ["# mlsec-policy: ignore[MLSEC-LOAD-01] md"]},
            {
                "cell_type": "code",
                "source": [
                    "%matplotlib inline\n",
                    "# mlsec-policy: ignore[MLSEC-LOAD-01] generated in this notebook\n",
                    "m = torch.load('x.pt')",
                ],
            },
        ],
        "nbformat": 4,
    }
    raw = json.dumps(notebook, indent=1)
    (comment,) = find_comments(raw, "n.ipynb", "notebook")
    assert comment.cell == NotebookCell(2, 2)
    assert comment.covered_cell == NotebookCell(2, 3)
    assert raw.splitlines()[comment.line - 1].strip().startswith('"# mlsec-policy')


NOTEBOOK = {
    "cells": [
        {
            "cell_type": "code",
            "metadata": {},
            "outputs": [],
            "execution_count": None,
            "source": [
                "import torch\n",
                "# mlsec-policy: ignore[MLSEC-LOAD-01] the notebook writes this file itself\n",
                "m = torch.load('mine.pt')",
            ],
        }
    ],
    "metadata": {},
    "nbformat": 4,
    "nbformat_minor": 5,
}

REPO = {
    "README.md": "# demo\n",
    "SECURITY.md": "Email security@example.org to report a vulnerability privately.\n",
    "train.py": (
        "import torch\n"
        "a = torch.load('a.pt')  # mlsec-policy: ignore[MLSEC-LOAD-01] built and signed by our CI\n"
        "b = torch.load('b.pt')  # mlsec-policy: ignore[MLSEC-LOAD-01]\n"
        "# mlsec-policy: ignore[MLSEC-LAOD-01] typo: this suppresses nothing\n"
        "c = torch.load('c.pt')\n"
    ),
    "explore.ipynb": json.dumps(NOTEBOOK, indent=1) + "\n",
    "Dockerfile": (
        "# mlsec-policy: ignore[MLSEC-CONT-01] the base image's entrypoint drops root\n"
        'FROM python:3.12-slim\nCMD ["python", "serve.py"]\n'
    ),
}


def scan(cli: Callable[..., CliResult], root: Path, out: Path, *extra: str) -> tuple[int, Any]:
    result = cli("scan", str(root), "--json-output", str(out / "r.json"), *extra)
    report = load_json(out / "r.json")
    report_validator().validate(report)
    return result.code, report


def findings(report: Any, control_id: str) -> dict[str, dict[str, Any] | None]:
    (result,) = [r for r in report["results"] if r["control"]["id"] == control_id]
    return {
        f"{f['location']['path']}:{f['location']['start_line']}": f["suppression"]
        for f in result["findings"]
    }


def test_inline_suppressions_with_and_without_reason(
    tmp_path: Path, cli: Callable[..., CliResult]
) -> None:
    code, report = scan(cli, write_tree(tmp_path / "repo", REPO), tmp_path)
    assert code == ExitCode.FAILED
    load = findings(report, "MLSEC-LOAD-01")
    assert load["train.py:2"] == {
        "kind": "inline",
        "reason": "built and signed by our CI",
        "approver": None,
        "expires": None,
        "reference": "train.py:2",
    }
    assert load["train.py:3"] is None  # no reason: not honoured
    assert load["train.py:5"] is None  # the comment above names an unknown control
    notebook = [key for key in load if key.startswith("explore.ipynb")]
    assert len(notebook) == 1 and load[notebook[0]] is not None
    assert findings(report, "MLSEC-CONT-01")["Dockerfile:2"] is not None
    governance = findings(report, "MLSEC-GOV-SUPP-01")
    assert set(governance) == {"train.py:3", "train.py:4"}
    assert all(suppression is None for suppression in governance.values())


def test_no_inline_suppressions_switch_turns_every_comment_off(
    tmp_path: Path, cli: Callable[..., CliResult]
) -> None:
    code, report = scan(
        cli, write_tree(tmp_path / "repo", REPO), tmp_path, "--no-inline-suppressions"
    )
    assert code == ExitCode.FAILED
    assert all(s is None for s in findings(report, "MLSEC-LOAD-01").values())
    assert findings(report, "MLSEC-CONT-01")["Dockerfile:2"] is None
    assert report["settings"]["inline_suppressions"] is False
    assert any("inline suppressions are turned off: 3 finding(s)" in n for n in report["notes"])


def test_config_can_turn_inline_suppressions_off(
    tmp_path: Path, cli: Callable[..., CliResult]
) -> None:
    files = {**REPO, ".mlsec-policy.yml": "inline-suppressions: false\n"}
    _code, report = scan(cli, write_tree(tmp_path / "repo", files), tmp_path)
    assert report["settings"]["inline_suppressions"] is False
    assert findings(report, "MLSEC-LOAD-01")["train.py:2"] is None
