"""Semgrep fixes inside notebook cells: only the fixed source lines of the JSON text change.

Real semgrep, real files: a notebook saved the way Google Colab saves one (two-space indent,
``nbformat`` keys first, non-ASCII text kept, outputs, no newline at the end) and the notebook
fixture of MLSEC-LOAD-01 are fixed with ``mlsec-policy fix``; a byte comparison proves that
nothing but the fixed source lines changed, and a new scan that the fixed findings are gone
while those on a magic line or in a one-string source stay for a person.
"""

from __future__ import annotations

import difflib
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mlsec_policy.fix.notebook_fixes import map_fix
from mlsec_policy.views.notebook import notebook_view
from tests.conftest import REPO, CliResult, load_json
from tests.fix.test_fix_command import only

Cli = Callable[..., CliResult]


def _code(source: list[str] | str, outputs: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {
        "cell_type": "code",
        "execution_count": 3 if outputs else None,
        "metadata": {"id": "x1"},
        "outputs": outputs or [],
        "source": source,
    }


COLAB: dict[str, Any] = {
    "nbformat": 4,
    "nbformat_minor": 0,
    "metadata": {
        "colab": {"provenance": [], "gpuType": "T4"},
        "kernelspec": {"name": "python3", "display_name": "Python 3"},
        "language_info": {"name": "python"},
        "accelerator": "GPU",
    },
    "cells": [
        {"cell_type": "markdown", "metadata": {"id": "m1"}, "source": ["# Détection — démo"]},
        _code(["!wget -q https://example.org/ckpt.pt\n", "import torch, yaml"]),
        _code(
            ['cfg = yaml.load(open("config.yaml"))  # réglages\n', 'print(cfg["lr"])'],
            [{"output_type": "stream", "name": "stdout", "text": ["0.001\n"]}],
        ),
        _code(["model = torch.load(\n", '    "ckpt.pt",\n', '    map_location="cuda",\n', ")"]),
        _code(['%time other = torch.load("other.pt")']),
        _code('legacy = torch.load("legacy.pt")\nprint(legacy)'),
    ],
}
"""Cells 3 and 4 are fixed; cell 5 is a magic line and cell 6 a source in one string."""


def colab_text() -> str:
    """Return the notebook as Colab writes it: two-space indent, no newline at the end."""
    return json.dumps(COLAB, indent=2, ensure_ascii=False)


def changed_lines(before: str, after: str) -> tuple[list[str], list[str]]:
    """Return the lines only ``before`` has and those only ``after`` has (a line diff)."""
    old, new = before.split("\n"), after.split("\n")
    removed: list[str] = []
    added: list[str] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new).get_opcodes():
        if tag != "equal":
            removed += old[i1:i2]
            added += new[j1:j2]
    return removed, added


def test_a_colab_notebook_changes_only_in_the_fixed_lines(tmp_path: Path, cli: Cli) -> None:
    target = tmp_path / "repo"
    target.mkdir()
    before = colab_text()
    (target / "train.ipynb").write_text(before, encoding="utf-8")
    scoped = [*only("MLSEC-LOAD-01", "MLSEC-CODE-04"), "--no-cache", "--no-config"]
    result = cli("fix", str(target), *scoped)
    assert result.code == 0, result.err
    assert "fixed 2 finding(s) in 1 file(s); 2 finding(s) need a person" in result.out
    after = (target / "train.ipynb").read_bytes().decode("utf-8")
    removed, added = changed_lines(before, after)
    assert removed == [
        '        "cfg = yaml.load(open(\\"config.yaml\\"))  # réglages\\n",',
        '        "    map_location=\\"cuda\\",\\n",',
        '        ")"',
    ]
    assert added == [
        '        "cfg = yaml.safe_load(open(\\"config.yaml\\"))  # réglages\\n",',
        '        "    map_location=\\"cuda\\", weights_only=True)"',
    ]
    assert not after.endswith("\n")  # the file's ending is kept
    document = json.loads(after)
    assert list(document) == list(COLAB)  # key order kept
    assert document["cells"][2]["outputs"] == COLAB["cells"][2]["outputs"]
    report = tmp_path / "after.json"
    cli("scan", str(target), "--json-output", str(report), *scoped)
    left = [
        (f["check_id"], f["location"]["cell"]["index"])
        for r in load_json(report)["results"]
        for f in r["findings"]
        if f["location"]["cell"]
    ]
    assert sorted(left) == [
        ("torch-load-without-weights-only", 5),  # %time: a magic line is never edited
        ("torch-load-without-weights-only", 6),  # one string for the whole source
    ]


def test_the_fixture_notebook_keeps_every_other_byte(tmp_path: Path, cli: Cli) -> None:
    case = REPO / "policies/controls/model-storage/MLSEC-LOAD-01/tests/fail-notebook"
    target = tmp_path / "case"
    shutil.copytree(case, target)
    path = target / "notebooks/resume.ipynb"
    before = path.read_text(encoding="utf-8")
    result = cli("fix", str(target), "--control", "MLSEC-LOAD-01", "--no-cache", "--no-config")
    assert result.code == 0, result.err
    after = path.read_text(encoding="utf-8")
    removed, added = changed_lines(before, after)
    assert removed == [
        '    "state = torch.load(CKPT, map_location=\\"cpu\\")  # résumé\\n",',
        '    "    map_location=\\"cpu\\",\\n",',
        '    ")"',
    ]
    assert added == [
        '    "state = torch.load(CKPT, map_location=\\"cpu\\", weights_only=True)  # résumé\\n",',
        '    "    map_location=\\"cpu\\", weights_only=True)"',
    ]
    assert after.endswith("}\n")


def test_an_edit_across_cells_or_onto_a_magic_line_is_refused() -> None:
    raw = json.dumps(
        {
            "cells": [_code(["a = 1\n", "b = 2"]), _code(["c = 3"]), _code(["%env X=1"])],
            "metadata": {},
            "nbformat": 4,
            "nbformat_minor": 5,
        },
        indent=1,
    )
    view = notebook_view(raw, "n")
    text = view.text
    assert map_fix(raw, view, text.index("b"), text.index("c") + 1, "b = c") is None
    assert map_fix(raw, view, text.index("pass"), text.index("pass") + 4, "x = 1") is None
    fixed = map_fix(raw, view, text.index("2"), text.index("2") + 1, "4")
    assert fixed is not None and [e.text for e in fixed.edits] == ['"b = 4"']
