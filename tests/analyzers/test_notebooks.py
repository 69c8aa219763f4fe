"""Notebook analyzers: positions, SARIF cells, install parsing, broken notebooks."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from mlsec_policy.analyzers.base import FileContext
from mlsec_policy.analyzers.notebooks.commands import notebook_commands
from mlsec_policy.analyzers.params import NoParams
from mlsec_policy.analyzers.read.notebook import NotebookError, read_notebook
from mlsec_policy.models import Artifact, ArtifactKind
from tests.conftest import REPO, CliResult, load_json, sarif_validator, write_tree

NB_FIXTURES = REPO / "policies/controls/model-training"


def _notebook(*sources: str) -> str:
    cells = [
        {"cell_type": "code", "metadata": {}, "outputs": [], "source": source.splitlines(True)}
        for source in sources
    ]
    return json.dumps(
        {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}, indent=1
    )


def _commands(tmp_path: Path, text: str, extra: dict[str, str] | None = None) -> list[str]:
    write_tree(tmp_path, {"nb.ipynb": text, **(extra or {})})
    artifact = Artifact("nb.ipynb", ArtifactKind.NOTEBOOK, len(text))
    return [o.message or "" for o in notebook_commands(FileContext(tmp_path, artifact), NoParams())]


def test_output_lines_map_to_raw_lines_and_cells() -> None:
    raw = (NB_FIXTURES / "MLSEC-NB-03/tests/fail/notebooks/explore.ipynb").read_text()
    lines = raw.splitlines()
    cells = read_notebook(raw)
    output = cells[1].outputs[0]
    assert output.name == "text/plain"
    for line in output.lines:
        assert json.dumps(line.text + "\n")[1:-1].split("\\n")[0][:20] in lines[line.raw_line - 1]
    assert [line.cell.line for line in output.lines] == [1, 2, 3]


def test_image_outputs_are_not_text() -> None:
    raw = (NB_FIXTURES / "MLSEC-NB-01/tests/fail/notebooks/train.ipynb").read_text()
    cells = read_notebook(raw)
    assert cells[2].output_count == 1
    assert [o.name for o in cells[2].outputs] == ["text/plain"]


def test_broken_notebook_raises_with_a_line() -> None:
    with pytest.raises(NotebookError) as caught:
        read_notebook('{"cells": [\n {"cell_type": "code"}\n')
    assert caught.value.line == 3


@pytest.mark.parametrize(
    ("line", "flagged"),
    [
        ("!pip install torch", True),
        ("!pip install -U torch==2.6.0", False),
        ("%pip install --index-url https://pypi.org/simple numpy==2.1.0", False),
        ("!python -m pip install 'scikit-learn>=1.4'", True),
        ("!{sys.executable} -m pip install $PACKAGES", False),
        ("!pip install -e . && pip install datasets", True),
        ("!uv pip install vllm~=0.6.0", True),
        ("!pip install ./wheels/mypkg-1.0-py3-none-any.whl", False),
    ],
)
def test_pip_install_pinning(tmp_path: Path, line: str, flagged: bool) -> None:
    messages = _commands(tmp_path, _notebook(line))
    assert bool(messages) is flagged, messages


def test_requirements_file_is_read_to_judge_pinning(tmp_path: Path) -> None:
    pinned = {"requirements.txt": "torch==2.6.0\n# comment\n--index-url https://pypi.org/simple\n"}
    assert _commands(tmp_path, _notebook("!pip install -r requirements.txt"), pinned) == []
    loose = {"requirements.txt": "torch>=2.1\n"}
    assert _commands(tmp_path, _notebook("!pip install -r requirements.txt"), loose)


def test_hashed_requirements_with_continuation_lines_count_as_pinned(tmp_path: Path) -> None:
    compiled = {
        "requirements.txt": (
            "torch==2.6.0 \\\n    --hash=sha256:" + "a" * 64 + " \\\n"
            "    --hash=sha256:" + "b" * 64 + "\n    # via -r requirements.in\n"
        )
    }
    assert _commands(tmp_path, _notebook("%pip install -r requirements.txt"), compiled) == []


def test_broken_notebook_is_a_finding_for_commands_and_an_error_for_outputs(
    tmp_path: Path, cli: Callable[..., CliResult]
) -> None:
    write_tree(tmp_path / "repo", {"nb.ipynb": '{"cells": [\n'})
    result = cli(
        "scan", str(tmp_path / "repo"), "--no-hash-cache", "--json-output", str(tmp_path / "r.json")
    )
    assert result.code == 3  # incomplete: the outputs control could not run
    report = load_json(tmp_path / "r.json")
    status = {r["control"]["id"]: r["status"] for r in report["results"]}
    assert status["MLSEC-NB-02"] == "fail"
    assert status["MLSEC-NB-01"] == "error"


def test_sarif_points_at_the_ipynb_and_names_the_cell(
    tmp_path: Path, cli: Callable[..., CliResult]
) -> None:
    target = tmp_path / "repo"
    shutil.copytree(NB_FIXTURES / "MLSEC-NB-02/tests/fail", target)
    cli("scan", str(target), "--no-hash-cache", "--sarif-output", str(tmp_path / "r.sarif"))
    sarif = load_json(tmp_path / "r.sarif")
    sarif_validator().validate(sarif)
    results = [r for r in sarif["runs"][0]["results"] if r["ruleId"] == "MLSEC-NB-02"]
    assert len(results) == 6
    curl = next(r for r in results if "piped" in r["message"]["text"])
    location = curl["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"] == "notebooks/setup.ipynb"
    assert location["region"]["startLine"] == 20
    assert curl["properties"]["notebookCell"] == {"index": 2, "line": 1}
    assert "(notebook cell 2, line 1)" in curl["message"]["text"]


def test_extra_index_in_a_notebook_install_is_reported(tmp_path: Path) -> None:
    messages = _commands(
        tmp_path, _notebook("!pip install --extra-index-url https://x.example/simple lib==1.0")
    )
    assert len(messages) == 1 and "--extra-index-url" in messages[0]
