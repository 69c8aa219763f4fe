"""The policy loader validates packs and points at the line of each mistake."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from mlsec_policy.analyzers import ANALYZERS
from mlsec_policy.errors import PolicyErrors
from mlsec_policy.models import Engine
from mlsec_policy.policy import AttestationCheck, NativeCheck, SemgrepCheck, load_policy
from tests.conftest import CliResult, write_tree

GOOD_CONTROL = """\
id: ACME-TEST-01
title: Pickle is never loaded from untrusted files
severity: high
phase: model-storage
risks: [R11-Security]
requirements: [MS4]
rationale: Unpickling runs code chosen by whoever wrote the file.
remediation: Use a data-only format such as safetensors or JSON.
checks:
  - id: acme-pickle-load
    engine: semgrep
    kinds: [python]
    message: pickle.load runs code from the file
    rule:
      languages: [python]
      pattern: pickle.load(...)
"""

CHECK_TYPES = {
    Engine.SEMGREP: SemgrepCheck,
    Engine.NATIVE: NativeCheck,
    Engine.ATTESTATION: AttestationCheck,
}


def make_pack(root: Path, control: str, pack: str = "name: acme\nversion: 1.0.0\n") -> Path:
    return write_tree(root, {"pack.yaml": pack, "controls/c/control.yaml": control})


def load(path: Path) -> None:
    load_policy((str(path),), ANALYZERS)


def only_error(path: Path) -> tuple[str, int | None, int | None, str, str | None]:
    with pytest.raises(PolicyErrors) as caught:
        load(path)
    assert len(caught.value.errors) == 1, caught.value.diagnostics()
    error = caught.value.errors[0]
    return Path(error.path).name, error.line, error.column, error.message, error.hint


def test_bundled_pack_loads() -> None:
    policy = load_policy(("builtin",), ANALYZERS)
    assert policy.controls
    assert len(policy.taxonomy.phases) == 9
    assert len(policy.taxonomy.risks) == 34
    assert policy.digest.startswith("sha256:")


def test_checks_are_typed_by_engine_and_indexed_by_id() -> None:
    policy = load_policy(("builtin",), ANALYZERS)
    every = [check for control in policy.controls for check in control.checks]
    by_engine = {engine: policy.checks(kind) for engine, kind in CHECK_TYPES.items()}
    assert sum(len(checks) for checks in by_engine.values()) == len(every)
    for engine, checks in by_engine.items():
        assert checks and all(check.engine is engine for check in checks)
    assert all(policy.check(check.id) is check for check in every)
    assert all(policy.control(control.id) is control for control in policy.controls)
    attestation = next(c for c in policy.controls if c.is_attestation)
    assert attestation.needed_evidence() == "; ".join(
        check.evidence for check in policy.checks(AttestationCheck) if check in attestation.checks
    )
    with pytest.raises(KeyError):
        policy.check("no-such-check")


def test_good_custom_pack_loads(tmp_path: Path) -> None:
    policy = load_policy((str(make_pack(tmp_path, GOOD_CONTROL)),), ANALYZERS)
    assert [c.id for c in policy.controls] == ["ACME-TEST-01"]
    assert policy.packs[0].name == "acme"


def test_misspelt_key_is_reported_at_its_line_with_a_suggestion(tmp_path: Path) -> None:
    control = GOOD_CONTROL.replace(
        "  - id: acme-pickle-load", "  - id: acme-pickle-load\n    kindz: [python]"
    )
    name, line, column, message, hint = only_error(make_pack(tmp_path, control))
    assert (name, line, column) == ("control.yaml", 11, 5)
    assert "unknown key 'kindz'" in message
    assert hint == "did you mean 'kinds'?"


def test_unknown_phase_is_reported_at_its_line(tmp_path: Path) -> None:
    control = GOOD_CONTROL.replace("phase: model-storage", "phase: model-storing")
    name, line, _column, message, hint = only_error(make_pack(tmp_path, control))
    assert (name, line) == ("control.yaml", 4)
    assert "unknown phase 'model-storing'" in message
    assert hint is not None and "model-storage" in hint


def test_unknown_risk_code_is_reported_at_its_item(tmp_path: Path) -> None:
    control = GOOD_CONTROL.replace(
        "risks: [R11-Security]", "risks:\n  - R11-Security\n  - R99-Security"
    )
    name, line, column, message, _hint = only_error(make_pack(tmp_path, control))
    assert (name, line, column) == ("control.yaml", 7, 5)
    assert "R99-Security" in message


def test_duplicate_control_id_across_files(tmp_path: Path) -> None:
    pack = make_pack(tmp_path, GOOD_CONTROL)
    second = GOOD_CONTROL.replace("acme-pickle-load", "acme-other")
    write_tree(pack, {"controls/d/control.yaml": second})
    with pytest.raises(PolicyErrors) as caught:
        load(pack)
    assert any("duplicate control id 'ACME-TEST-01'" in e.message for e in caught.value.errors)


def test_misspelt_semgrep_key_is_caught_with_a_suggestion(tmp_path: Path) -> None:
    control = GOOD_CONTROL.replace(
        "      pattern: pickle.load(...)", "      paterns:\n        - pattern: pickle.load(...)"
    )
    name, line, _column, message, hint = only_error(make_pack(tmp_path, control))
    assert (name, line) == ("control.yaml", 16)
    assert "unknown key 'paterns'" in message
    assert hint == "did you mean 'patterns'?"


def test_semgrep_schema_catches_what_our_schema_cannot(tmp_path: Path) -> None:
    control = GOOD_CONTROL.replace(
        "      pattern: pickle.load(...)", "      patterns:\n        - patern: pickle.load(...)"
    )
    with pytest.raises(PolicyErrors) as caught:
        load(make_pack(tmp_path, control))
    errors = caught.value.errors
    assert errors and all(Path(e.path).name == "control.yaml" for e in errors)
    assert any("semgrep rejects this rule" in e.message for e in errors)
    assert all(e.line is not None and e.line >= 16 for e in errors)


def test_yaml_syntax_error_points_at_the_line(tmp_path: Path) -> None:
    control = GOOD_CONTROL.replace("severity: high", "severity: [high")
    name, line, _column, message, _hint = only_error(make_pack(tmp_path, control))
    assert name == "control.yaml" and line is not None and line >= 3
    assert message.startswith("invalid YAML")


def test_unknown_analyzer_gets_a_suggestion(tmp_path: Path) -> None:
    control = GOOD_CONTROL.replace(
        """    engine: semgrep
    kinds: [python]
    message: pickle.load runs code from the file
    rule:
      languages: [python]
      pattern: pickle.load(...)
""",
        """    engine: native
    analyzer: files-presen
    message: missing security policy
""",
    )
    name, line, _column, message, hint = only_error(make_pack(tmp_path, control))
    assert (name, line) == ("control.yaml", 12)
    assert "unknown analyzer 'files-presen'" in message
    assert hint == "did you mean 'files-present'?"


def test_validate_command_reports_pattern_semgrep_rejects(
    tmp_path: Path, cli: Callable[..., CliResult]
) -> None:
    control = GOOD_CONTROL.replace("pattern: pickle.load(...)", "pattern: pickle.load(")
    result = cli("validate", str(make_pack(tmp_path, control)))
    assert result.code == 2
    assert "control.yaml:14" in result.err  # the rule of the check
    assert "acme-pickle-load" in result.err


def test_validate_command_accepts_the_bundled_pack(cli: Callable[..., CliResult]) -> None:
    result = cli("validate")
    assert result.code == 0, result.err
    assert "valid" in result.out


def test_scan_with_a_broken_pack_exits_2_before_scanning(
    tmp_path: Path, cli: Callable[..., CliResult]
) -> None:
    pack = make_pack(tmp_path / "pack", GOOD_CONTROL.replace("severity: high", "severity: huge"))
    target = write_tree(tmp_path / "repo", {"a.py": "import pickle\npickle.load(open('x','rb'))\n"})
    result = cli("scan", str(target), "--policy", str(pack))
    assert result.code == 2
    assert "control.yaml:3:11" in result.err
    assert "'huge' is not allowed here" in result.err


def test_rule_key_semgrep_would_ignore_is_an_error(tmp_path: Path) -> None:
    control = GOOD_CONTROL.replace(
        "      pattern: pickle.load(...)",
        "      pattern: pickle.load($X)\n"
        "      metavariable-regex:\n        metavariable: $X\n        regex: x",
    )
    name, line, _column, message, _hint = only_error(make_pack(tmp_path, control))
    assert (name, line) == ("control.yaml", 17)
    assert "unknown key 'metavariable-regex'" in message


def test_yields_to_must_name_another_violation_check_of_the_control(tmp_path: Path) -> None:
    control = GOOD_CONTROL + "    yields-to: [acme-other-check]\n"
    name, line, _column, message, hint = only_error(make_pack(tmp_path, control))
    assert name == "control.yaml" and line == 17
    assert "yields to 'acme-other-check'" in message
    assert hint is not None and "same control" in hint
