"""Realism tier: files written by the real libraries, scanned through the real command line.

Every genuine file — PyTorch checkpoints of each kind, TorchScript, sharded ``save_pretrained``
layouts, NumPy, safetensors, ONNX (with external data), GGUF, scikit-learn through joblib and
skops, Keras 3 — must come out with no finding from any control. Files written by the same libraries
whose pickles call ``os.system`` must be caught by MLSEC-ART-01 *because of that import*: a
catch for another reason (a corrupt-archive finding) is how the zip64 misreading of
``torch.save`` output once hid a payload. Nothing written here is ever loaded.

Run alone with ``pytest -m realism``; ``./scripts/test`` installs the libraries (the
``realism`` extra) and runs it with everything else.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from mlsec_policy.analyzers.model_artifacts.context import Limits
from mlsec_policy.analyzers.model_artifacts.scan import scan_path
from mlsec_policy.cli import run
from mlsec_policy.discover import discover
from mlsec_policy.models import ArtifactKind, Severity
from tests.support.model_writers import (
    DANGEROUS_GLOBAL,
    Written,
    write_custom_module,
    write_genuine,
    write_keras_lambda,
    write_malicious,
)

pytestmark = pytest.mark.realism

ARTIFACT_CONTROLS = ("MLSEC-ART-", "MLSEC-INTEG-", "MLSEC-MODEL-")
MODEL_CARD = """# Tiny models

## Intended use
Demonstration weights for the scanner's tests; not for any decision about people.

## Training data
Forty rows of synthetic numbers drawn with a fixed seed.

## Evaluation
Not evaluated: the weights are written only to be scanned.

## Limitations and biases
The models are untrained toys and know nothing.

## Licence
Apache-2.0.
"""


def _scan(root: Path, out: Path) -> dict[str, Any]:
    code = run(["scan", str(root), "--json-output", str(out)])
    assert code in (0, 1), code
    report: dict[str, Any] = json.loads(out.read_text(encoding="utf-8"))
    return report


@pytest.fixture(scope="module")
def genuine(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Written]]:
    root = tmp_path_factory.mktemp("genuine")
    written = write_genuine(root)
    (root / "MODEL_CARD.md").write_text(MODEL_CARD, encoding="utf-8")
    (root / ".github").mkdir()
    (root / ".github" / "CODEOWNERS").write_text("* @acme/ml-platform\n", encoding="utf-8")
    return root, written


@pytest.fixture(scope="module")
def genuine_report(
    genuine: tuple[Path, list[Written]], tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Any]:
    return _scan(genuine[0], tmp_path_factory.mktemp("out") / "genuine.json")


@pytest.fixture(scope="module")
def malicious(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Written]]:
    root = tmp_path_factory.mktemp("malicious")
    return root, write_malicious(root)


def test_genuine_files_are_classified_as_the_models_they_are(
    genuine: tuple[Path, list[Written]],
) -> None:
    root, written = genuine
    inventory = {a.path: a for a in discover(root).artifacts}
    found = {w.path: (inventory[w.path].kind, inventory[w.path].format) for w in written}
    assert found == {w.path: (ArtifactKind(w.kind), w.fmt) for w in written}


def test_no_control_reports_a_genuine_file(
    genuine: tuple[Path, list[Written]], genuine_report: dict[str, Any]
) -> None:
    paths = {w.path for w in genuine[1] if w.kind == "model-artifact"} | {"SHA256SUMS"}
    paths |= {str(p.relative_to(genuine[0])) for p in genuine[0].rglob("*.json")}
    reported = [
        (result["control"]["id"], finding["location"]["path"], finding["message"])
        for result in genuine_report["results"]
        for finding in result["findings"]
        if finding["location"]["path"] in paths
    ]
    assert reported == []


def test_every_artifact_control_passes_on_genuine_files(genuine_report: dict[str, Any]) -> None:
    statuses = {
        result["control"]["id"]: result["status"]
        for result in genuine_report["results"]
        if result["control"]["id"].startswith(ARTIFACT_CONTROLS)
    }
    assert {"MLSEC-ART-01", "MLSEC-ART-03", "MLSEC-INTEG-02", "MLSEC-MODEL-01"} <= set(statuses)
    assert {c: s for c, s in statuses.items() if s not in ("pass", "not-applicable")} == {}
    assert statuses["MLSEC-ART-01"] == statuses["MLSEC-ART-03"] == "pass"


def test_genuine_files_have_no_issue_of_any_severity(genuine: tuple[Path, list[Written]]) -> None:
    root, written = genuine
    issues = {
        w.path: [f"{i.severity.name} {i.code}: {i.message}" for i in _issues(root, w.path)]
        for w in written
    }
    assert {path: found for path, found in issues.items() if found} == {}


def test_malicious_files_from_real_writers_are_caught_for_the_dangerous_import(
    malicious: tuple[Path, list[Written]], tmp_path: Path
) -> None:
    root, written = malicious
    report = _scan(root, tmp_path / "malicious.json")
    art01 = next(r for r in report["results"] if r["control"]["id"] == "MLSEC-ART-01")
    assert art01["status"] == "fail"
    for item in written:
        reasons = [
            f["message"]
            for f in art01["findings"]
            if f["location"]["path"] == item.path and f["check_id"] == "model-artifact-code"
        ]
        assert any(f"imports {item.dangerous} (" in m for m in reasons), (item.path, reasons)
        dangerous = [i for i in _issues(root, item.path) if i.code == "dangerous-import"]
        assert [(i.detail, i.severity) for i in dangerous] == [
            (DANGEROUS_GLOBAL, Severity.CRITICAL)
        ], item.path


def test_malicious_files_are_not_also_called_corrupt(malicious: tuple[Path, list[Written]]) -> None:
    root, written = malicious
    extra = {
        w.path: sorted(f"{i.code}" for i in _issues(root, w.path) if i.concern.value != "code")
        for w in written
    }
    assert {path: codes for path, codes in extra.items() if codes} == {}


def test_a_whole_module_of_a_project_class_is_a_review_not_an_alarm(tmp_path: Path) -> None:
    written = write_custom_module(tmp_path)
    issues = _issues(tmp_path, written.path)
    assert [(i.code, i.detail, i.severity) for i in issues] == [
        ("unlisted-import", "tests.support.model_writers.TinyNet", Severity.MEDIUM)
    ]


def _issues(root: Path, relative: str) -> tuple[Any, ...]:
    path = root / relative
    return scan_path(path, relative, root, Limits())


def test_a_keras_lambda_layer_from_the_real_writer_is_reported(tmp_path: Path) -> None:
    written = write_keras_lambda(tmp_path)
    issues = _issues(tmp_path, written.path)
    assert [(i.concern.value, i.code, i.severity) for i in issues] == [
        ("keras", "lambda-layer", Severity.HIGH)
    ]
