"""Semgrep's rules file, written from the checks, and compiled once to validate a policy."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

from mlsec_policy.engines.semgrep.problems import raise_rule_errors
from mlsec_policy.engines.semgrep.process import find_binary, run_rules
from mlsec_policy.errors import EngineUnavailableError
from mlsec_policy.models import JsonValue, Severity
from mlsec_policy.options import SemgrepSettings
from mlsec_policy.policy.model import Policy, SemgrepCheck
from mlsec_policy.policy.semgrep_rules import build_rule


def write_rules(
    path: Path,
    checks: Sequence[SemgrepCheck],
    severities: Mapping[str, Severity],
    excluded: Mapping[str, Sequence[str]] | None = None,
) -> None:
    """Write the semgrep rule of every check to ``path`` (JSON, which semgrep reads as YAML).

    ``excluded`` adds, by check id, ``paths: exclude`` patterns to a rule's own paths.
    """
    rules = [
        _excluding(build_rule(check, severities[check.control_id]), (excluded or {}).get(check.id))
        for check in checks
    ]
    path.write_text(json.dumps({"rules": rules}, indent=1), encoding="utf-8")


def _excluding(rule: dict[str, JsonValue], patterns: Sequence[str] | None) -> dict[str, JsonValue]:
    """Return ``rule`` with ``patterns`` added to its ``paths: exclude`` (they only narrow it)."""
    if not patterns:
        return rule
    own = rule.get("paths")
    if own is not None and not isinstance(own, dict):
        return rule  # not semgrep's form: semgrep reports it as it always did
    paths: dict[str, JsonValue] = dict(own or {})
    before = paths.get("exclude")
    paths["exclude"] = [*(before if isinstance(before, list) else []), *patterns]
    return {**rule, "paths": paths}


def check_rules(policy: Policy, settings: SemgrepSettings) -> None:
    """Compile every semgrep rule of ``policy`` with semgrep; raise PolicyErrors on rejection."""
    checks = policy.checks(SemgrepCheck)
    if not checks:
        return
    with tempfile.TemporaryDirectory(prefix="mlsec-policy-validate-") as scratch:
        folder = Path(scratch)
        rules_file = folder / "rules.yaml"
        write_rules(rules_file, checks, policy.severities())
        (folder / "probe.py").write_text("pass\n", encoding="utf-8")
        result = run_rules(
            find_binary(settings), rules_file, ["probe.py"], folder, folder, settings
        )
        if result.output is None:
            raise EngineUnavailableError(
                f"semgrep could not compile the rules (exit {result.returncode}): "
                + " | ".join(result.stderr.strip().splitlines()[-3:])
            )
        raise_rule_errors(result.output, {check.id: check for check in checks})
