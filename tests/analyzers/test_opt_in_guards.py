"""Opt-in guards: a sink reachable only when someone asks for it is a lesser finding."""

from __future__ import annotations

import ast
import shutil
from pathlib import Path

import pytest

from mlsec_policy.analyzers.pycode.guards import find_guard
from mlsec_policy.models import Severity
from mlsec_policy.options import ScanOptions
from mlsec_policy.scan import scan
from tests.conftest import REPO, write_tree

CASE = REPO / "policies/controls/model-storage/MLSEC-LOAD-02/tests/fail-guarded"


def marked_lines(source: str) -> dict[int, bool]:
    """Return each marked sink line of a fixture and whether it is marked as guarded."""
    return {
        number: "# guarded" in text
        for number, text in enumerate(source.splitlines(), 1)
        if "# guarded" in text or "# unguarded" in text
    }


def test_the_fixture_marks_every_shape_and_look_alike() -> None:
    marks = marked_lines((CASE / "caches.py").read_text())
    assert sum(marks.values()) == 12  # three phrasings each of four guard shapes
    assert len(marks) - sum(marks.values()) == 9


def test_each_marked_sink_is_recognised_exactly_as_marked() -> None:
    source = (CASE / "caches.py").read_text()
    tree = ast.parse(source)
    for line, guarded in marked_lines(source).items():
        guard = find_guard(tree, line)
        assert (guard is not None) is guarded, f"caches.py:{line}"
        if guard is not None:
            assert guard.line < line
            assert guard.condition


def test_a_scan_grades_guarded_loads_low_and_names_the_guard(tmp_path: Path) -> None:
    shutil.copytree(CASE, tmp_path / "case")
    report = scan(
        ScanOptions(target=tmp_path / "case", only_controls=("MLSEC-LOAD-02",), source_date_epoch=0)
    )
    (result,) = report.results
    severities = {f.location.start_line: f for f in result.findings}
    marks = marked_lines((CASE / "caches.py").read_text())
    assert set(severities) == set(marks)
    for line, guarded in marks.items():
        finding = severities[line]
        if guarded:
            assert finding.severity is Severity.LOW, line
            assert "behind an opt-in guard at line" in finding.message
        else:
            assert finding.severity in {Severity.HIGH, Severity.MEDIUM}, line
            assert "opt-in guard" not in finding.message


@pytest.mark.parametrize(
    ("source", "condition"),
    [
        (
            "import os, pickle\n"
            "def f(b):\n"
            "    if os.environ.get('MODEL_TRUST_REMOTE_CODE', 'False').lower() == 'true':\n"
            "        return pickle.loads(b)\n",
            "the environment variable MODEL_TRUST_REMOTE_CODE is set to a true value",
        ),
        (
            "import pickle\n"
            "def f(b, allow_dangerous_code=False):\n"
            "    if allow_dangerous_code == False:\n"
            "        raise ValueError()\n"
            "    return pickle.loads(b)\n",
            "allow_dangerous_code is true",
        ),
        (
            "import pickle\n"
            "def f(b, unsafe=False):\n"
            "    if b is None or not unsafe:\n"
            "        return None\n"
            "    return pickle.loads(b)\n",
            "unsafe is true",
        ),
    ],
)
def test_other_phrasings_of_a_guard(source: str, condition: str) -> None:
    guard = find_guard(ast.parse(source), len(source.splitlines()))
    assert guard is not None
    assert guard.condition == condition


@pytest.mark.parametrize(
    "source",
    [
        # the check is in another function: nothing here stops the load
        "import pickle\n"
        "def g(allow_pickle=False):\n"
        "    if not allow_pickle:\n"
        "        raise ValueError()\n"
        "def f(b):\n"
        "    return pickle.loads(b)\n",
        # an else branch that runs the load anyway
        "import pickle\n"
        "def f(b, allow_pickle=False):\n"
        "    if not allow_pickle:\n"
        "        raise ValueError()\n"
        "    else:\n"
        "        pass\n"
        "    return pickle.loads(b)\n",
        # a flag that says nothing about danger
        "import pickle\n"
        "def f(b, use_cache=False):\n"
        "    if not use_cache:\n"
        "        raise ValueError()\n"
        "    return pickle.loads(b)\n",
        # a computed fallback for the switch may be on
        "import os, pickle\n"
        "def f(b, d):\n"
        "    if not os.getenv('ALLOW_PICKLE', d):\n"
        "        raise ValueError()\n"
        "    return pickle.loads(b)\n",
    ],
)
def test_look_alikes_are_not_guards(source: str) -> None:
    assert find_guard(ast.parse(source), len(source.splitlines())) is None


def test_an_unguarded_load_keeps_the_checks_severity(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {"cache.py": "import pickle\ndef f(b, allow_pickle=False):\n    return pickle.loads(b)\n"},
    )
    report = scan(
        ScanOptions(target=tmp_path, only_controls=("MLSEC-LOAD-02",), source_date_epoch=0)
    )
    (result,) = report.results
    (finding,) = result.findings
    assert finding.severity is Severity.HIGH


@pytest.mark.parametrize(
    ("control", "sink"),
    [
        ("MLSEC-LOAD-01", "torch.load(path, weights_only=False)"),
        ("MLSEC-LOAD-03", "joblib.load(path)"),
        ("MLSEC-LLM-01", "PythonREPLTool()"),
    ],
)
def test_each_control_that_declares_guards_grades_its_matches(
    tmp_path: Path, control: str, sink: str
) -> None:
    guarded = (
        "import joblib, torch\n"
        "from langchain_experimental.tools import PythonREPLTool\n"
        "def build(path, allow_dangerous_code=False):\n"
        "    if not allow_dangerous_code:\n"
        "        raise ValueError('opt in first')\n"
        f"    return {sink}\n"
    )
    open_door = guarded.replace("allow_dangerous_code=False", "allow_dangerous_code=True")
    write_tree(tmp_path, {"guarded.py": guarded, "open.py": open_door})
    report = scan(ScanOptions(target=tmp_path, only_controls=(control,), source_date_epoch=0))
    (result,) = report.results
    grades = {f.location.path: f.severity for f in result.findings}
    assert grades["guarded.py"] is Severity.LOW
    assert grades["open.py"] > Severity.LOW
