"""Text files are told apart by content: JSON sequences, templates, byte-order marks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mlsec_policy.discover import discover
from mlsec_policy.models import ArtifactKind
from mlsec_policy.textfile import JsonShape, decode, json_shape, looks_templated, template_lines
from mlsec_policy.views.python_template import python_template_view
from tests.conftest import write_tree


@pytest.mark.parametrize(
    ("text", "complete", "shape"),
    [
        ('{"a": 1}\n', True, JsonShape.DOCUMENT),
        ('[{"a": 1},\n {"a": 2}]\n', True, JsonShape.DOCUMENT),
        ('{"a": 1}\n{"a": 2}\n', True, JsonShape.LINES),
        ('{\n  "a": 1\n}\n{\n  "a": 2\n}\n', True, JsonShape.SEQUENCE),
        ('{"a": 1}{"a": 2}', True, JsonShape.LINES),
        ("\ufeff" + '{"a": 1}', True, JsonShape.DOCUMENT),
        ("  \n", True, JsonShape.EMPTY),
        ('// a comment\n{"a": 1}', True, JsonShape.INVALID),
        ('{"a": 1}\nnot json', True, JsonShape.INVALID),
        # a prefix: a second value decides as soon as it starts; a cut first value cannot
        ('{"a": 1}\n{"a": 2, "b": [1, 2', False, JsonShape.LINES),
        ('{"a": [1, 2', False, None),
        ('{"a": 1}\n', False, None),
    ],
)
def test_json_shape(text: str, complete: bool, shape: JsonShape | None) -> None:
    assert json_shape(text, complete=complete) is shape


@pytest.mark.parametrize(
    ("text", "templated"),
    [
        ("name: {{.Name}}", True),
        ("name: {{ .Release.Name }}-x", True),
        ("image: app{{ .Values.tag }}", True),
        ('{{- include "chart.labels" . | nindent 4 }}', True),
        ("{% for n in nodes %}", True),
        ("key: {{ value | default({}) }}", True),
        ("run: echo ${{ github.event.pull_request.title }}", False),
        ('message: "{literal} and {{"', False),
        ("plain: yaml", False),
    ],
)
def test_template_actions_are_recognised(text: str, templated: bool) -> None:
    assert looks_templated(text) is templated


def test_decoding_drops_a_byte_order_mark() -> None:
    assert decode(b"\xef\xbb\xbfimport os\r\n") == "import os\r\n"


def test_json_files_are_classified_by_content(tmp_path: Path) -> None:
    long_record = json.dumps({"text": "x" * 20_000, "n": 1})
    root = write_tree(
        tmp_path,
        {
            "perf.json": '{"a": 1}\n{"a": 2}\n',
            "dump.json": '{\n "a": 1\n}\n{\n "a": 2\n}\n',
            "long.json": long_record + "\n" + long_record + "\n",
            "config.json": '{"model_type": "llama"}\n',
            "tsconfig.json": '// comments are allowed here\n{"compilerOptions": {}}\n',
            "empty.json": "",
            "blank.ipynb": "\n",
        },
    )
    inventory = discover(root)
    kinds = {a.path: (a.kind, a.format) for a in inventory.artifacts}
    assert kinds["perf.json"] == (ArtifactKind.DATA_FILE, "jsonl")
    assert kinds["dump.json"] == (ArtifactKind.DATA_FILE, "json-seq")
    assert kinds["long.json"] == (ArtifactKind.DATA_FILE, "jsonl")
    assert kinds["config.json"] == (ArtifactKind.CONFIG, "json")
    assert kinds["tsconfig.json"] == (ArtifactKind.CONFIG, "json")
    skipped = {s.path: s.reason for s in inventory.skipped}
    assert set(skipped) == {"empty.json", "blank.ipynb"}
    assert all(reason.startswith("empty file") for reason in skipped.values())


def test_a_template_of_a_python_file_is_read_as_the_python_it_renders() -> None:
    text = (
        "import torch\n"
        "from {{cookiecutter.module}} import data\n"
        "{% if cookiecutter.wandb == 'y' %}\n"
        "import wandb\n"
        "{% endif %}\n"
        "model = torch.load(path)\n"
    )
    view = python_template_view(text, "app/train.py")
    assert view is not None and not view.omitted
    assert view.text.split("\n")[5] == "model = torch.load(path)"
    assert template_lines(text) == {2, 3, 5}


def test_a_broken_python_file_is_not_taken_for_a_template() -> None:
    # the syntax error stays where it is once the template-looking text is neutralised
    assert python_template_view("x = = '{{ value }}'\n", "app/broken.py") is None
    assert python_template_view("def f(:\n    return '{{ x }}'\n", "app/broken.py") is None
    assert python_template_view("x = 1\n", "{{cookiecutter.name}}/ok.py") is None
