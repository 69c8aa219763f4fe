"""Fuzzing the text readers we own (issue 13 item 5): YAML, JSON, notebooks, manifests, Docker.

Property: whatever the text, each reader returns its result or raises its own error type —
the one its callers turn into a parse error of the file — and never another exception. Each
reader starts from valid files of its format, mutated (:mod:`tests.fuzz.mutations`), with
deep nesting among the mutations of the formats that nest.
"""

from __future__ import annotations

import contextlib
import tempfile
from pathlib import Path

import pytest

from mlsec_policy.analyzers.base import AnalyzerError, FileSkipped
from mlsec_policy.analyzers.read import dockerfile
from mlsec_policy.analyzers.read.kubernetes import objects_from_text
from mlsec_policy.analyzers.read.manifests import read_manifest
from mlsec_policy.analyzers.read.notebook import NotebookError, read_notebook
from mlsec_policy.analyzers.read.requirements import parse_spec
from mlsec_policy.analyzers.read.yamldoc import yaml_docs
from mlsec_policy.textfile import decode, json_shape
from mlsec_policy.views import ViewError
from mlsec_policy.views.notebook import notebook_view
from mlsec_policy.yamlpos import YamlError, load_documents
from tests.fuzz.budget import fuzz
from tests.fuzz.mutations import as_text, hostile, json_nest, toml_nest, yaml_nest

K8S = b"""apiVersion: apps/v1
kind: Deployment
metadata: {name: web, labels: &l {app: web}}
spec:
  template:
    metadata: {labels: *l}
    spec:
      containers:
        - name: web
          image: "registry.example/web:1.2@sha256:0123"
          securityContext: {privileged: true, runAsUser: 0}
          env: [{name: TOKEN, value: "x"}]
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec: {ports: [{port: 80}]}
"""
HELM = b"""apiVersion: v1
kind: Pod
metadata:
  name: {{ .Release.Name }}
spec:
  containers:
  {{- range .Values.containers }}
    - image: {{ .image | quote }}
  {{- end }}
"""
COMPOSE = b"""services:
  app:
    image: app:latest
    privileged: true
    ports: ["8080:8080"]
    environment:
      - KEY=value
    command: ["python", "serve.py"]
"""
WORKFLOW = b"""on: [push, pull_request_target]
jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - run: |
          pip install -r requirements.txt
          curl https://example.com/x.sh | sh
"""
TAGS = b"a: &a [1, *a]\nb: !!python/object/apply:os.system []\n"
YAML_SEEDS = [K8S, HELM, COMPOSE, WORKFLOW, TAGS]
NOTEBOOK = (
    b'{"cells": [{"cell_type": "code", "source": ["import os\\n", "os.system(x)"],'
    b' "outputs": [{"output_type": "stream", "name": "stdout", "text": ["hi\\n"]},'
    b' {"output_type": "execute_result", "data": {"text/plain": ["1"]}}]},'
    b' {"cell_type": "markdown", "source": "# title"}],'
    b' "metadata": {"kernelspec": {"language": "python"}}, "nbformat": 4, "nbformat_minor": 5}'
)
MANIFESTS = {
    "requirements.txt": b"torch==2.1.0 --hash=sha256:00\nnumpy>=1.26; python_version>'3.8'\n"
    b"-r other.txt\n--extra-index-url http://example.com\n-e git+https://x/y@abc123#egg=y\n"
    b"pkg @ https://example.com/p.whl \\\n  # comment\n",
    "pyproject.toml": b'[project]\nname = "p"\ndependencies = ["torch>=2", "x[a,b]~=1.2"]\n'
    b'[project.optional-dependencies]\ndev = ["pytest"]\n'
    b'[tool.poetry.dependencies]\npython = "^3.11"\nnumpy = {version = "~1.26", optional = true}\n'
    b'[[tool.poetry.source]]\nname = "s"\nurl = "http://example.com"\n',
    "setup.cfg": b"[options]\ninstall_requires =\n    torch>=2\n    numpy\n",
    "Pipfile": b'[[source]]\nurl = "http://x"\nverify_ssl = false\n[packages]\ntorch = "*"\n',
    "poetry.lock": b'[[package]]\nname = "torch"\nversion = "2.1.0"\n',
    "uv.lock": b'version = 1\n[[package]]\nname = "numpy"\nversion = "1.26.0"\n',
    "environment.yml": b"name: e\ndependencies:\n  - python=3.11\n  - numpy=1.26\n  - pip:\n"
    b"    - torch==2.1\n",
    "requirements.in": b"torch\n",
}
DOCKERFILE = (
    b"# syntax=docker/dockerfile:1\nARG BASE=python:3.11\nFROM $BASE AS build\n"
    b"RUN pip install -r requirements.txt \\\n    && echo done\nCOPY --chown=0:0 . /app\n"
    b'FROM build\nUSER root\nENV A=1 B="two words"\nCMD ["python", "serve.py"]\n'
    b"RUN <<EOF\necho heredoc\nEOF\n"
)
DEEP_TOML = "x = " + "[" * 3000 + "]" * 3000 + "\n"
"""tomllib reads nested arrays recursively: a RecursionError, not a TOMLDecodeError."""
REGRESSIONS: dict[str, list[str]] = {
    # a version that is not PEP 440 raised InvalidSpecifier out of the lock reader
    "poetry.lock": ['[[package]]\nname = "numpy"\nversion = "1.26/0"\n', DEEP_TOML],
    "uv.lock": ['version = 1\n[[package]]\nname = "numpy"\nversion = "1.26/0"\n', DEEP_TOML],
    # "²" is a digit to str.isdigit() but not to int()
    "Pipfile": ['[packages]\ntorch = "^²"\n', DEEP_TOML],
    "pyproject.toml": ['[tool.poetry.dependencies]\nt = "^²"\n', DEEP_TOML],
}
"""Inputs that once broke a manifest reader, by file name (run first, every time)."""
SPECS = [b"torch==2.1.0", b"x[a]>=1,<2; python_version<'3.9'", b"git+https://x/y@deadbeef#egg=y"]


def test_yaml_with_positions_reads_or_raises_a_yaml_error() -> None:
    def prop(text: str) -> None:
        try:
            documents = load_documents(text)
        except YamlError:
            return
        assert isinstance(documents, list)

    # flow nesting 2,944 deep before a broken workflow: the pure-Python scanner took seconds
    deep = (yaml_nest(2944) + WORKFLOW[:60]).decode()
    data = as_text(hostile(YAML_SEEDS, yaml_nest))
    fuzz("yamlpos", data, prop, examples=100, regressions=[deep])


@pytest.mark.parametrize("helm", [False, True], ids=["plain", "helm"])
def test_manifest_documents_read_or_raise_an_analyzer_error(helm: bool) -> None:
    def prop(text: str) -> None:
        try:
            objects_from_text(text, helm=helm)
            yaml_docs(text, helm=helm)
        except (AnalyzerError, FileSkipped):
            return

    fuzz(f"kubernetes[{helm}]", as_text(hostile([K8S, HELM], yaml_nest)), prop, examples=60)


def test_notebooks_read_or_raise_a_notebook_error() -> None:
    def prop(text: str) -> None:
        with contextlib.suppress(NotebookError):
            read_notebook(text)
        with contextlib.suppress(ViewError):
            notebook_view(text, "nb")
        json_shape(text, complete=True)
        json_shape(text[:100], complete=False)

    # an integer past Python's 4,300-digit conversion limit raised a bare ValueError
    huge = '{"cells": [], "nbformat": 1' + "0" * 5000 + "}"
    data = as_text(hostile([NOTEBOOK], json_nest))
    fuzz("notebook", data, prop, examples=100, regressions=[huge])


@pytest.mark.parametrize("name", sorted(MANIFESTS))
def test_dependency_manifests_read_or_raise_an_analyzer_error(name: str) -> None:
    nest = toml_nest if name.endswith((".toml", ".lock", "Pipfile")) else yaml_nest

    def prop(text: str) -> None:
        with tempfile.TemporaryDirectory(prefix="mlsec-fuzz-") as folder:
            (Path(folder) / name).write_text(text, encoding="utf-8", errors="surrogateescape")
            (Path(folder) / "other.txt").write_text(text, encoding="utf-8", errors="replace")
            with contextlib.suppress(AnalyzerError):
                read_manifest(Path(folder), name, text)

    data = as_text(hostile([MANIFESTS[name]], nest))
    fuzz(f"manifest[{name}]", data, prop, examples=40, regressions=REGRESSIONS.get(name, []))


def test_requirement_specs_parse_or_give_none() -> None:
    fuzz("requirement-spec", as_text(hostile(SPECS)), lambda text: _spec(text), examples=100)


def _spec(text: str) -> None:
    for line in text.splitlines() or [text]:
        parse_spec(line)


def test_dockerfiles_always_parse() -> None:
    def prop(text: str) -> None:
        instructions = dockerfile.parse(text)
        stages = dockerfile.stages(instructions)
        if stages:  # the analyzers follow the final stage's lineage only
            dockerfile.lineage(stages[-1], stages)
        dockerfile.runtime_instructions(stages, "USER")

    fuzz("dockerfile", as_text(hostile([DOCKERFILE])), prop, examples=100)


def test_any_bytes_decode_as_text() -> None:
    fuzz("textfile-decode", hostile([NOTEBOOK, K8S]), lambda raw: _decoded(raw), examples=60)


def _decoded(raw: bytes) -> None:
    assert isinstance(decode(raw), str)
