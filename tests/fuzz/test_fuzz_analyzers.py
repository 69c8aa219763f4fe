"""Fuzzing every native analyzer through the engine, one hostile file at a time (issue 13 item 5).

The readers of CI files, compose files, ``.env`` files, Kubernetes manifests and the rest take a
file, not a string, and are reached through the analyzers of the bundled policy. Property: a
target holding one file of any content under one of these names is discovered, and every
native check of the bundled pack runs on it without a ``crash`` error (an analyzer that raised
something other than its own error type) and without an exception leaving the engine. Parse
errors and skipped files are the expected answers to broken files.
"""

from __future__ import annotations

import dataclasses
import functools
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from mlsec_policy.analyzers import ANALYZERS
from mlsec_policy.analyzers.base import AnalyzerSpec, FileContext, Observation
from mlsec_policy.discover import discover
from mlsec_policy.engines.base import Workspace
from mlsec_policy.engines.native import NativeEngine
from mlsec_policy.policy.loader import load_policy
from mlsec_policy.policy.model import NativeCheck, Policy
from tests.fuzz.budget import fuzz
from tests.fuzz.mutations import hostile, json_nest, yaml_nest
from tests.fuzz.test_fuzz_models import SEEDS as MODEL_SEEDS
from tests.fuzz.test_fuzz_text import (
    COMPOSE,
    DOCKERFILE,
    HELM,
    K8S,
    MANIFESTS,
    NOTEBOOK,
    WORKFLOW,
)

GITLAB = b"""stages: [build]
variables: {TOKEN: {value: "x"}}
build:
  image: python:3.11
  script:
    - pip install -r requirements.txt
    - curl http://example.com | bash
"""
DOTENV = b"# settings\nDATABASE_URL=postgres://u:p@h/db\nAPI_KEY='sk-0123456789abcdef'\n"
PYTHON = b"import pickle\nfrom flask import request\n\n\ndef h():\n    pickle.loads(request.data)\n"
CONFIG = b"model:\n  path: s3://bucket/m.pt\n  trust_remote_code: true\napi_key: abcdef0123456789\n"
FILES: dict[str, list[bytes]] = {
    "Dockerfile": [DOCKERFILE],
    "docker-compose.yml": [COMPOSE],
    ".github/workflows/ci.yml": [WORKFLOW],
    ".github/actions/setup/action.yml": [b"runs:\n  using: composite\n  steps:\n    - run: x\n"],
    ".gitlab-ci.yml": [GITLAB],
    ".env": [DOTENV],
    "deploy/app.yaml": [K8S],
    "chart/templates/pod.yaml": [HELM],
    "config.yaml": [CONFIG],
    "requirements.txt": [MANIFESTS["requirements.txt"]],
    "pyproject.toml": [MANIFESTS["pyproject.toml"]],
    "poetry.lock": [MANIFESTS["poetry.lock"]],
    "environment.yml": [MANIFESTS["environment.yml"]],
    "notebook.ipynb": [NOTEBOOK],
    "app.py": [PYTHON],
    "model.pkl": MODEL_SEEDS["model.pkl"][:3],
}
"""Files of the kinds the analyzers read, by the path they are written at."""
REGRESSIONS: dict[str, list[bytes]] = {
    # a format field named by a digit that str.isdigit() accepts and int() refuses
    "app.py": [
        "import subprocess\nfrom flask import request\n\n\ndef h():\n    q = 'SELECT {²}'"
        ".format(request.args['a'])\n    db.execute(q)\n".encode()
    ],
    "notebook.ipynb": [b'{"cells": [], "nbformat": 1' + b"0" * 5000 + b"}"],
}
"""Inputs that once made an analyzer crash, by path (run first, every time)."""


@functools.cache
def _checks() -> tuple[NativeCheck, ...]:
    policy: Policy = load_policy(["builtin"], ANALYZERS)
    return tuple(policy.checks(NativeCheck))


def native_run(
    path: str, data: bytes, analyzers: Mapping[str, AnalyzerSpec[Any]] = ANALYZERS
) -> tuple[tuple[str, ...], list[str]]:
    """Scan a target holding only ``data`` at ``path`` natively.

    Return the paths the analyzers read and the crash errors.
    """
    with tempfile.TemporaryDirectory(prefix="mlsec-fuzz-") as folder:
        root = Path(folder) / "target"
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_bytes(data)
        inventory = discover(root)
        engine = NativeEngine(analyzers, frozenset())
        output = engine.run(_checks(), inventory, Workspace(root, Path(folder)))
        crashes = [f"{e.engine}: {e.message}" for e in output.errors if e.kind == "crash"]
        return output.examined, crashes


@pytest.mark.parametrize("path", sorted(FILES))
def test_every_native_analyzer_reads_any_file_without_crashing(path: str) -> None:
    nest = json_nest if path.endswith((".ipynb", ".pkl")) else yaml_nest

    def prop(data: bytes) -> None:
        assert native_run(path, data)[1] == []

    for seed in FILES[path]:
        assert native_run(path, seed) == ((path,), []), "the seed is not read by any analyzer"

    data = hostile(FILES[path], nest)
    fuzz(f"native[{path}]", data, prop, examples=15, regressions=REGRESSIONS.get(path, []))


def test_the_harness_sees_a_crash() -> None:
    """An analyzer that raises a foreign exception shows as a crash error here."""

    def broken(_context: FileContext, _params: object) -> list[Observation]:
        raise KeyError("planted")

    spec = dataclasses.replace(ANALYZERS["dotenv-secrets"], file=broken)
    analyzers = {**ANALYZERS, "dotenv-secrets": spec}  # the registry is read-only
    assert any("planted" in error for error in native_run(".env", DOTENV, analyzers)[1])
