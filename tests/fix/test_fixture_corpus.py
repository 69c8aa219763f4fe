"""Every fix on the controls' own fixtures: it re-scans clean, and no file stops parsing.

The per-control test applies the fixes of each failing case (a copy) and scans it again with
that control: each fixed finding is gone, no new one appeared, and every file changed still
parses. Each check that declares a fix must be exercised by at least one case. The sweep
applies every fix over a copy of the whole fixture corpus at once and checks that nothing that
parsed before stopped parsing.
"""

from __future__ import annotations

import shutil
from collections import Counter
from functools import cache
from pathlib import Path

import pytest
import yaml

from mlsec_policy.analyzers import ANALYZERS
from mlsec_policy.fix import apply_fixes, fixable
from mlsec_policy.fix.files import parses
from mlsec_policy.fix.semgrep_fixes import declares_fix
from mlsec_policy.models import Report
from mlsec_policy.options import ScanOptions
from mlsec_policy.policy import NativeCheck, Policy, SemgrepCheck, load_policy
from mlsec_policy.scan import scan
from tests.conftest import REPO

CONTROLS = REPO / "policies" / "controls"


@cache
def policy() -> Policy:
    """Return the bundled policy."""
    return load_policy(("builtin",), ANALYZERS)


@cache
def fix_checks() -> dict[str, tuple[str, ...]]:
    """Return the checks that declare a fix, by control id."""
    found: dict[str, list[str]] = {}
    for control in policy().controls:
        for check in control.checks:
            semgrep = isinstance(check, SemgrepCheck) and declares_fix(check)
            if semgrep or (isinstance(check, NativeCheck) and check.autofix):
                found.setdefault(control.id, []).append(check.id)
    return {k: tuple(v) for k, v in sorted(found.items())}


def control_folder(control_id: str) -> Path:
    """Return the folder of a bundled control."""
    return next(CONTROLS.glob(f"*/{control_id}"))


def failing_cases(control_id: str) -> list[str]:
    """Return the names of a control's failing fixture cases."""
    expected = yaml.safe_load((control_folder(control_id) / "tests" / "expected.yaml").read_text())
    return sorted(name for name, case in expected["cases"].items() if case["status"] == "fail")


def scan_with(target: Path, controls: tuple[str, ...]) -> Report:
    """Scan ``target`` with only ``controls``, proposing fixes, without any cache."""
    return scan(ScanOptions(target=target, only_controls=controls, propose_fixes=True))


def texts(root: Path) -> dict[str, str]:
    """Return the UTF-8 text files under ``root``."""
    found: dict[str, str] = {}
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            try:
                found[path.relative_to(root).as_posix()] = path.read_text(encoding="utf-8")
            except UnicodeDecodeError:
                continue
    return found


def test_the_bundled_pack_declares_the_promised_fixes() -> None:
    assert fix_checks() == {
        "MLSEC-CI-04": ("gha-write-all-permissions",),
        "MLSEC-CODE-04": ("yaml-unsafe-load",),
        "MLSEC-CONT-01": ("dockerfile-final-stage-root",),
        "MLSEC-FETCH-02": ("tls-verify-disabled-python",),
        "MLSEC-FETCH-04": ("tar-extract-without-filter",),
        "MLSEC-LOAD-01": ("torch-load-weights-only-false", "torch-load-without-weights-only"),
        "MLSEC-NB-01": ("notebook-saved-with-outputs", "notebook-output-reveals-environment"),
        "MLSEC-NB-03": ("notebook-output-personal-data",),
        "MLSEC-SERVE-04": ("gradio-public-share",),
    }


@pytest.mark.slow
@pytest.mark.parametrize("control_id", sorted(fix_checks()))
def test_each_fix_rescans_clean_on_its_fixtures(control_id: str, tmp_path: Path) -> None:
    exercised: Counter[str] = Counter()
    for case in failing_cases(control_id):
        target = tmp_path / case
        shutil.copytree(control_folder(control_id) / "tests" / case, target, symlinks=True)
        before_texts = texts(target)
        before = scan_with(target, (control_id,))
        proposals = fixable(before)
        if not proposals:
            continue
        outcome = apply_fixes(proposals, target, write=True)
        assert not outcome.refused, (case, outcome.refused)
        after = scan_with(target, (control_id,))
        active_before = [f for r in before.results for f in r.active_findings]
        active_after = [f for r in after.results for f in r.active_findings]
        assert len(active_after) == len(active_before) - outcome.fixed, (case, active_after)
        assert not fixable(after), (case, fixable(after))
        if len(proposals) == len(active_before):
            assert all(r.status.value == "pass" for r in after.results), case
        for file in outcome.files:
            assert parses(file.path, before_texts[file.path]) is not False
            assert parses(file.path, file.after) is not False, (case, file.path)
            assert (target / file.path).read_text(encoding="utf-8") == file.after
        exercised.update(f.check_id for f in proposals)
    assert set(exercised) == set(fix_checks()[control_id]), exercised


@pytest.mark.slow
def test_no_fix_makes_a_fixture_unparseable(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    shutil.copytree(CONTROLS, corpus, symlinks=True)
    before = texts(corpus)
    report = scan_with(corpus, tuple(fix_checks()))
    proposals = fixable(report)
    outcome = apply_fixes(proposals, corpus, write=True)
    assert outcome.fixed > 20
    after = texts(corpus)
    changed = {path for path in before if after.get(path) != before[path]}
    assert changed == {file.path for file in outcome.files}
    broken = [p for p in changed if parses(p, before[p]) and parses(p, after[p]) is False]
    assert broken == []
    for refusal in outcome.refused:  # the guard kept a file whole: it must still be unchanged
        assert after[refusal.path] == before[refusal.path] or refusal.path in changed
