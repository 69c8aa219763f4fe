"""Security tools as evidence: the one table, and every way a repository shows a tool."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from mlsec_policy.analyzers import ANALYZERS
from mlsec_policy.analyzers.base import FileContext
from mlsec_policy.analyzers.params import schemas_beside
from mlsec_policy.analyzers.patterns.security_tools import PURPOSES, TOOLS
from mlsec_policy.analyzers.read.requirements import normalise
from mlsec_policy.analyzers.tool_evidence import SecurityToolUse, security_tool_use
from mlsec_policy.classify import classify
from mlsec_policy.models import Artifact, ArtifactKind
from mlsec_policy.policy import NativeCheck, Policy, load_policy
from mlsec_policy.resources import policies_dir

DOCS = Path(__file__).resolve().parents[2] / "docs" / "tool-evidence.md"


@pytest.fixture(scope="module")
def bundled() -> Policy:
    return load_policy(("builtin",), ANALYZERS)


def _seen(tmp_path: Path, path: str, kind: ArtifactKind, text: str, *purposes: str) -> list[str]:
    target = tmp_path / path
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text)
    classified = classify(path, text.encode()[:512])
    assert classified.kind is kind
    artifact = Artifact(path, kind, len(text), classified.format)
    params = SecurityToolUse(purposes or tuple(PURPOSES))
    return [str(o.key) for o in security_tool_use(FileContext(tmp_path, artifact), params)]


def test_purposes_name_exactly_the_controls_whose_checks_ask_for_them(bundled: Policy) -> None:
    asked: dict[str, set[str]] = {purpose: set() for purpose in PURPOSES}
    for control in bundled.controls:
        for check in control.checks:
            if isinstance(check, NativeCheck) and check.analyzer == "security-tool-use":
                assert isinstance(check.params, SecurityToolUse)
                for purpose in check.params.purposes:
                    asked[purpose].add(control.id)
    assert {p: set(purpose.controls) for p, purpose in PURPOSES.items()} == asked


def test_no_control_reads_a_library_import_list_of_its_own() -> None:
    # the table is the one place: a control that matches imports by regex bypasses it
    names = sorted({i.split(".")[0] for tool in TOOLS for i in tool.imports})
    opening = re.escape(r"(?:from|import)\s+(?:")
    pattern = re.compile(opening + r"[^)\n]*\b(?:" + "|".join(names) + r")\b")
    offenders = [
        str(path.relative_to(policies_dir()))
        for path in policies_dir().rglob("control.yaml")
        if pattern.search(path.read_text())
    ]
    assert offenders == []


def test_schema_enum_is_the_purpose_table() -> None:
    schema = schemas_beside("mlsec_policy.analyzers.tool_evidence")["security-tool-use"]
    assert schema["properties"]["purposes"]["items"]["enum"] == list(PURPOSES)


def test_table_is_well_formed() -> None:
    names = [tool.name for tool in TOOLS]
    assert len(names) == len(set(names))
    for tool in TOOLS:
        assert tool.purposes and set(tool.purposes) <= set(PURPOSES), tool.name
        assert tool.packages or tool.imports or tool.commands, tool.name
        assert all(normalise(p) == p for p in tool.packages), tool.name
        assert all(re.fullmatch(r"[A-Za-z_][\w.]*", i) for i in tool.imports), tool.name
        assert all(re.fullmatch(r"R\d+-(?:Security|Privacy)", r) for r in tool.risks), tool.name
        for command in tool.commands:
            re.compile(command)


def test_docs_list_every_tool() -> None:
    text = DOCS.read_text()
    missing = [tool.name for tool in TOOLS if f"| {tool.name} |" not in text]
    assert missing == []


@pytest.mark.parametrize(
    ("source", "tools"),
    [
        ("import nemoguardrails\n", ["NeMo Guardrails"]),
        ("from guardrails import Guard\n", ["Guardrails AI"]),
        ("from llm_guard.input_scanners import PromptInjection\n", ["LLM Guard"]),
        ("from rebuff import RebuffSdk\n", ["Rebuff"]),
        ("from llamafirewall import LlamaFirewall\n", ["LlamaFirewall"]),
        ("import syft as sy\n", ["PySyft"]),
        ("import flwr\n", ["Flower"]),
        ("import tf_encrypted as tfe\n", ["TF Encrypted"]),
        ("import tenseal as ts\n", ["TenSEAL"]),
        ("from apt.anonymization import Anonymize\n", ["IBM AI Privacy Toolkit"]),
        ("from anonLLM.llm import OpenaiLanguageModel\n", ["anonLLM"]),
        ("from privacy_meter.audit import Audit\n", ["Privacy Meter"]),
        ("from SafeML import KS_Distance\n", ["SafeML"]),
        (
            "from fedml.core.dp import FedMLDifferentialPrivacy\n",
            ["FedML differential privacy", "FedML"],
        ),
        ("from art import attacks\n", ["Adversarial Robustness Toolbox (ART)"]),
        ("from art import text2art\nimport art\n", []),
        ("import apt\ncache = apt.Cache()\n", []),
        ("import augly.image\n", []),
        ('"""import foolbox"""\nx = "import cleverhans"\n', []),
        ("from .foolbox import attack\n", []),
    ],
)
def test_python_imports(tmp_path: Path, source: str, tools: list[str]) -> None:
    assert _seen(tmp_path, "m.py", ArtifactKind.PYTHON, source) == tools


def test_python_that_does_not_parse_is_read_line_by_line(tmp_path: Path) -> None:
    source = "print 'old'\nimport foolbox, numpy as np\nfrom cleverhans.attacks import FGM\n"
    assert _seen(tmp_path, "old.py", ArtifactKind.PYTHON, source) == ["Foolbox", "CleverHans"]


def test_one_observation_per_tool_and_file_at_its_first_line(tmp_path: Path) -> None:
    target = tmp_path / "a.py"
    target.write_text("import os\nimport foolbox\nimport foolbox.attacks\n")
    artifact = Artifact("a.py", ArtifactKind.PYTHON, 10)
    params = SecurityToolUse(("adversarial-testing",))
    found = list(security_tool_use(FileContext(tmp_path, artifact), params))
    assert [(o.location.start_line, o.message) for o in found] == [
        (2, "Foolbox is imported (foolbox)")
    ]


def test_purposes_filter_the_tools(tmp_path: Path) -> None:
    source = "import fairlearn\nimport opacus\n"
    found = _seen(tmp_path, "m.py", ArtifactKind.PYTHON, source, "differential-privacy")
    assert found == ["Opacus"]


def test_setup_py_requirements(tmp_path: Path) -> None:
    source = 'from setuptools import setup\nsetup(install_requires=["llm-guard>=0.3", "numpy"])\n'
    assert _seen(tmp_path, "setup.py", ArtifactKind.PYTHON, source) == ["LLM Guard"]
    # the same strings outside setup.py are not requirements
    assert _seen(tmp_path, "other.py", ArtifactKind.PYTHON, source) == []


def test_manifests_but_not_lock_files(tmp_path: Path) -> None:
    kind = ArtifactKind.DEPENDENCY_MANIFEST
    found = _seen(tmp_path, "requirements.txt", kind, "NemoGuardrails==0.11\n")
    assert found == ["NeMo Guardrails"]
    assert _seen(tmp_path, "requirements.txt", kind, "art==6.2\n") == []
    lock = '[[package]]\nname = "opacus"\nversion = "1.5.2"\n'
    assert _seen(tmp_path, "poetry.lock", kind, lock) == []


def test_notebook_installs_and_imports(tmp_path: Path) -> None:
    cells = [
        {"cell_type": "markdown", "metadata": {}, "source": ["import fairlearn"]},
        {
            "cell_type": "code",
            "metadata": {},
            "outputs": [],
            "execution_count": None,
            "source": ["!pip install -U rebuff==0.1.1 'guardrails-ai>=0.5'\n", "import flwr\n"],
        },
    ]
    text = json.dumps({"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5})
    found = _seen(tmp_path, "nb.ipynb", ArtifactKind.NOTEBOOK, text)
    assert found == ["Rebuff", "Guardrails AI", "Flower"]


def test_unreadable_notebook_is_no_evidence(tmp_path: Path) -> None:
    assert _seen(tmp_path, "nb.ipynb", ArtifactKind.NOTEBOOK, "{not json") == []


@pytest.mark.parametrize(
    ("path", "kind", "text", "tools"),
    [
        (
            ".github/workflows/ci.yml",
            ArtifactKind.CI_WORKFLOW,
            "on: push\njobs:\n  a:\n    runs-on: x\n    steps:\n"
            "      - run: pip install -r req.txt llm-guard\n",
            ["LLM Guard"],
        ),
        (
            "Dockerfile",
            ArtifactKind.DOCKERFILE,
            "FROM python:3.11\nRUN pip install -i https://x nemoguardrails\n",
            ["NeMo Guardrails"],
        ),
        (
            "run.sh",
            ArtifactKind.SHELL,
            "nemoguardrails server --config ./rails\n",
            ["NeMo Guardrails"],
        ),
        ("run.sh", ArtifactKind.SHELL, "pip install -r requirements-llm-guard.txt\n", []),
        ("run.sh", ArtifactKind.SHELL, "echo garak is planned\n", []),
    ],
)
def test_commands(
    tmp_path: Path, path: str, kind: ArtifactKind, text: str, tools: list[str]
) -> None:
    assert _seen(tmp_path, path, kind, text) == tools
