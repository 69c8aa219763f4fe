"""What a schema cannot check: names that must exist elsewhere, and ids that must be unique.

A control's phase and risk codes must be in the taxonomy, its analyzers must exist and accept
their parameters, its semgrep rules must fit semgrep's own schema, an attestation control has
no file checks, and control and check ids are unique across every pack.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import assert_never

from mlsec_policy.models import CheckMode, Severity
from mlsec_policy.policy.collect import Collector, closest_hint
from mlsec_policy.policy.model import (
    AttestationCheck,
    Control,
    NativeCheck,
    ParamsReader,
    SemgrepCheck,
)
from mlsec_policy.policy.semgrep_rules import build_rule, semgrep_rule_validator
from mlsec_policy.schema_check import check_data
from mlsec_policy.yamlpos import Document


def cross_check(
    control: Control,
    document: Document,
    path: Path,
    phase_ids: set[str],
    risk_ids: set[str],
    analyzers: Mapping[str, ParamsReader],
    collect: Collector,
) -> None:
    """Record what the control file gets wrong that its schema cannot see."""
    positions = document.positions
    meta = control.meta
    if meta.phase not in phase_ids:
        collect.error(
            f"unknown phase {meta.phase!r}",
            path,
            positions.of(("phase",)),
            hint="phases: " + ", ".join(sorted(phase_ids)),
        )
    for index, risk in enumerate(meta.risks):
        if risk not in risk_ids:
            collect.error(
                f"unknown risk code {risk!r}",
                path,
                positions.of(("risks", index)),
                hint="risk codes run R1-Security..R23-Security and R1-Privacy..R11-Privacy",
            )
    modes = {check.mode for check in control.checks}
    if CheckMode.ATTESTATION in modes and len(modes) > 1:
        collect.error(
            "an attestation control cannot also have file checks",
            path,
            positions.of(("checks",)),
            hint="split it into two controls",
        )
    if modes == {CheckMode.SCOPE}:
        collect.error(
            "a control needs a violation or evidence check besides its scope checks",
            path,
            positions.of(("checks",)),
        )
    violation_ids = {c.id for c in control.checks if c.mode is CheckMode.VIOLATION}
    for index, check in enumerate(control.checks):
        base = ("checks", index)
        for target in check.yields_to:
            if target == check.id or target not in violation_ids:
                collect.error(
                    f"check {check.id!r} yields to {target!r}, which is not another violation "
                    "check of this control",
                    path,
                    positions.of((*base, "yields-to")),
                    hint="yields-to names the more certain checks of the same control",
                )
        for name, context in check.contexts.items():
            where = (*base, "contexts", name)
            if context.phase is not None and context.phase not in phase_ids:
                collect.error(f"unknown phase {context.phase!r}", path, positions.of(where))
            for risk in context.risks:
                if risk not in risk_ids:
                    collect.error(f"unknown risk code {risk!r}", path, positions.of(where))
        match check:
            case NativeCheck():
                _check_analyzer(check, document, path, base, analyzers, collect)
            case SemgrepCheck():
                _check_semgrep_rule(check, meta.severity, document, path, base, collect)
            case AttestationCheck():
                pass
            case _:
                assert_never(check)


def _check_analyzer(
    check: NativeCheck,
    document: Document,
    path: Path,
    base: tuple[str | int, ...],
    analyzers: Mapping[str, ParamsReader],
    collect: Collector,
) -> None:
    name = check.analyzer
    if name not in analyzers:
        collect.error(
            f"unknown analyzer {name!r}",
            path,
            document.positions.of((*base, "analyzer")),
            hint=closest_hint(name, analyzers) or "analyzers: " + ", ".join(sorted(analyzers)),
        )
        return
    import jsonschema.validators  # when a check is validated: a warm scan validates none

    schema = analyzers[name].params_schema
    validator = jsonschema.validators.validator_for(schema)(schema)
    collect.add(
        check_data(
            dict(check.raw_params),
            validator,
            document,
            str(path),
            base=(*base, "params"),
            what=f"params of analyzer {name!r}",
        )
    )


def _check_semgrep_rule(
    check: SemgrepCheck,
    severity: Severity,
    document: Document,
    path: Path,
    base: tuple[str | int, ...],
    collect: Collector,
) -> None:
    validator = semgrep_rule_validator()
    if validator is None:
        return
    import jsonschema.exceptions

    rule = build_rule(check, severity)
    for error in validator.iter_errors({"rules": [rule]}):
        leaf = error
        if error.context:
            leaf = jsonschema.exceptions.best_match(error.context) or error
        inner = tuple(leaf.absolute_path)[2:]
        position = document.positions.of((*base, "rule", *inner))
        message = leaf.message
        if len(message) > 200:
            message = message[:200] + "..."
        collect.error(
            f"semgrep rejects this rule: {message}",
            path,
            position,
            hint="see https://semgrep.dev/docs/writing-rules/rule-syntax",
        )


def register(
    control: Control,
    controls: dict[str, Control],
    check_owner: dict[str, Path],
    collect: Collector,
) -> None:
    """Add a control to ``controls``; record duplicate control or check ids instead."""
    if control.id in controls:
        other = controls[control.id].path
        collect.error(
            f"duplicate control id {control.id!r} (also defined in {other})",
            control.path,
            (1, 1),
            hint="give it a new id, or disable/override the existing control in pack.yaml",
        )
        return
    for check in control.checks:
        if check.id in check_owner:
            collect.error(
                f"duplicate check id {check.id!r} (also used in {check_owner[check.id]})",
                control.path,
                (check.line, 1),
                hint="check ids are also semgrep rule ids and must be unique across all packs",
            )
        check_owner[check.id] = control.path
    controls[control.id] = control
