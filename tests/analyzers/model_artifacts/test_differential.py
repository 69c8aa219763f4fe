"""Differential test against picklescan, ModelScan and fickling on the generated corpus.

We must flag whatever they flag, never flag a benign file, and catch bypasses they miss.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from mlsec_policy.analyzers.model_artifacts.issues import Issue
from mlsec_policy.models import Severity
from mlsec_policy.policytest.corpus import cases, matches
from tests.support.model_tools import TOOLS, Verdict, our_issues, ours

CORPUS = cases()


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("corpus")
    paths: dict[str, Path] = {}
    for case in CORPUS:
        folder = root / case.name
        folder.mkdir()
        path = folder / case.filename
        path.write_bytes(case.build())
        paths[case.name] = path
    return paths


@pytest.fixture(scope="module")
def verdicts(written: dict[str, Path]) -> dict[str, dict[str, Verdict]]:
    return {
        name: {tool: run(path) for tool, run in TOOLS.items()} for name, path in written.items()
    }


@pytest.mark.parametrize("case", [c.name for c in CORPUS if c.malicious or c.reasons])
def test_we_flag_each_case_for_its_reason(written: dict[str, Path], case: str) -> None:
    """A catch for another reason (any high finding) is not a catch: the reason must be there."""
    reasons = next(c for c in CORPUS if c.name == case).reasons
    assert reasons, f"{case} names no reason it must be caught for"
    issues = our_issues(written[case])
    for reason in reasons:
        assert any(matches(reason, i.code, i.detail) for i in issues), (reason, _shown(issues))
    first = next(i for i in issues if matches(reasons[0], i.code, i.detail))
    expected = Severity.MEDIUM if case == "bypass-unknown-class" else Severity.HIGH
    assert first.severity >= expected, first


@pytest.mark.parametrize("case", [c.name for c in CORPUS])
def test_we_flag_whatever_a_peer_flags(verdicts: dict[str, dict[str, Verdict]], case: str) -> None:
    row = verdicts[case]
    flagged_by = [tool for tool, verdict in row.items() if verdict is Verdict.FLAGGED]
    malicious = next(c for c in CORPUS if c.name == case).malicious
    if malicious or (flagged_by and flagged_by != ["fickling"]):
        assert row["mlsec-policy"] is Verdict.FLAGGED, row


def test_benign_files_are_clean_for_us(verdicts: dict[str, dict[str, Verdict]]) -> None:
    benign = [c.name for c in CORPUS if not c.malicious and c.name != "bypass-unknown-class"]
    assert benign
    assert {name: verdicts[name]["mlsec-policy"] for name in benign} == dict.fromkeys(
        benign, Verdict.CLEAN
    )


def test_we_catch_bypasses_every_peer_misses(verdicts: dict[str, dict[str, Verdict]]) -> None:
    missed_by_all = [
        name
        for name, row in verdicts.items()
        if next(c for c in CORPUS if c.name == name).malicious
        and all(v is not Verdict.FLAGGED for t, v in row.items() if t != "mlsec-policy")
    ]
    assert missed_by_all, "the corpus should hold bypasses no peer catches"
    assert all(verdicts[name]["mlsec-policy"] is Verdict.FLAGGED for name in missed_by_all)


def test_the_adapter_reports_clean_for_a_clean_file(tmp_path: Path) -> None:
    path = tmp_path / "a.safetensors"
    path.write_bytes(next(c for c in CORPUS if c.name == "benign-safetensors").build())
    assert ours(path) is Verdict.CLEAN


def _shown(issues: tuple[Issue, ...]) -> list[str]:
    return [f"{i.severity.name} {i.code}:{i.detail}" for i in issues]
