"""Turn semgrep checks into semgrep rules, and check their structure against semgrep's schema.

A check carries only the matching part of a rule; the id, message and severity come from the
check, so that one control file says everything once. The structural check uses the rule schema
that ships inside the semgrep wheel, so a misspelt ``paterns`` is reported at load time with
its line, long before semgrep would reject the whole rule set.
"""

from __future__ import annotations

import importlib.util
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from mlsec_policy.models import JsonValue, Severity
from mlsec_policy.policy.model import SemgrepCheck

if TYPE_CHECKING:
    import jsonschema

SEMGREP_SEVERITY = {
    Severity.LOW: "INFO",
    Severity.MEDIUM: "WARNING",
    Severity.HIGH: "ERROR",
    Severity.CRITICAL: "ERROR",
}
"""Semgrep only knows three severities; ours are kept in our own findings."""


def build_rule(check: SemgrepCheck, severity: Severity) -> dict[str, JsonValue]:
    """Return the complete semgrep rule for a semgrep check."""
    rule: dict[str, JsonValue] = {
        "id": check.id,
        "message": check.message,
        "severity": SEMGREP_SEVERITY[check.severity or severity],
    }
    rule.update(check.rule)
    return rule


@cache
def semgrep_rule_schema() -> Path | None:
    """Return semgrep's rule schema file, or None if it is not installed."""
    spec = importlib.util.find_spec("semgrep")
    if spec is None or not spec.submodule_search_locations:
        return None
    schema_path = (
        Path(next(iter(spec.submodule_search_locations)))
        / "semgrep_interfaces"
        / "rule_schema_v1.yaml"
    )
    return schema_path if schema_path.is_file() else None


@cache
def semgrep_rule_validator() -> jsonschema.protocols.Validator | None:
    """Return a validator for semgrep rule files, or None if semgrep's schema is not installed."""
    schema_path = semgrep_rule_schema()
    if schema_path is None:
        return None
    import jsonschema.validators  # when a rule is validated: a warm scan validates none

    schema: Any = yaml.safe_load(schema_path.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    validator: jsonschema.protocols.Validator = cls(schema)
    return validator
