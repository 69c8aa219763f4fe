"""Turn a validated control file into a :class:`Control` with its :class:`Check` values."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any, assert_never, cast

from mlsec_policy.models import (
    ArtifactKind,
    CheckMode,
    ControlMeta,
    Engine,
    GuardContext,
    JsonValue,
    References,
    Severity,
    VersionContext,
)
from mlsec_policy.policy.model import (
    AttestationCheck,
    Check,
    CheckContext,
    Control,
    NativeCheck,
    Pack,
    ParamsReader,
    SemgrepCheck,
)
from mlsec_policy.yamlpos import Document

DEFAULT_ATTESTATION_MESSAGE = "An attestation is required for this control"


def build_control(document: Document, path: Path, pack: Pack) -> Control:
    """Return the control a schema-valid control file defines."""
    data = cast(dict[str, Any], document.data)
    refs = data.get("references", {})
    severity = Severity.parse(data["severity"])
    remediation = data["remediation"].strip()
    meta = ControlMeta(
        id=data["id"],
        title=data["title"].strip(),
        severity=severity,
        phase=data["phase"],
        risks=tuple(data["risks"]),
        requirements=tuple(data["requirements"]),
        references=References(
            owasp_ml=tuple(refs.get("owasp-ml", [])),
            owasp_llm=tuple(refs.get("owasp-llm", [])),
            atlas=tuple(refs.get("atlas", [])),
            cwe=tuple(refs.get("cwe", [])),
            other=tuple(refs.get("other", [])),
        ),
        rationale=" ".join(data["rationale"].split()),
        remediation=remediation,
        fix=data.get("fix") or remediation.splitlines()[0].strip(),
        help_uri=data.get("help-uri"),
        pack=pack.name,
        source=path.relative_to(pack.root).as_posix(),
        gate_everywhere=bool(data.get("gate-everywhere", False)),
    )
    checks = tuple(
        build_check(item, meta.id, document, index, path)
        for index, item in enumerate(data["checks"])
    )
    applies = data.get("applies-to")
    applies_to = None if applies is None else tuple(ArtifactKind(k) for k in applies)
    return Control(meta, applies_to, checks, path)


def build_check(
    item: dict[str, Any], control_id: str, document: Document, index: int, path: Path
) -> Check:
    """Return check number ``index`` of a control file, typed by its engine."""
    engine = Engine(item["engine"])
    position = document.positions.of(("checks", index))
    common = {
        "id": item["id"],
        "control_id": control_id,
        "kinds": tuple(ArtifactKind(k) for k in item.get("kinds", [])),
        "found": item.get("found"),
        "severity": Severity.parse(item["severity"]) if "severity" in item else None,
        "include": tuple(item.get("include", [])),
        "exclude": tuple(item.get("exclude", [])),
        "line": position[0] if position else 1,
        "file": str(path),
        "version_context": _version_context(item.get("version-context")),
        "guard_context": _guard_context(item.get("opt-in-guard")),
        "yields_to": tuple(item.get("yields-to", [])),
        "contexts": {
            name: CheckContext(tuple(spec["risks"]), spec.get("phase"))
            for name, spec in item.get("contexts", {}).items()
        },
    }
    mode = CheckMode(item.get("mode", "violation"))
    match engine:
        case Engine.SEMGREP:
            rule_position = document.positions.of_key(("checks", index, "rule"))
            return SemgrepCheck(
                **common,
                mode=mode,
                message=_message(item["message"]),
                rule=item["rule"],
                rule_line=(rule_position or position or (1, 1))[0],
            )
        case Engine.NATIVE:
            return NativeCheck(
                **common,
                mode=mode,
                message=_message(item["message"]),
                analyzer=item["analyzer"],
                raw_params=cast(dict[str, JsonValue], item.get("params", {})),
                autofix=item.get("autofix"),
            )
        case Engine.ATTESTATION:
            return AttestationCheck(
                **common,
                mode=CheckMode.ATTESTATION,
                message=_message(item.get("message", DEFAULT_ATTESTATION_MESSAGE)),
                evidence=item["evidence"],
            )
        case _:
            assert_never(engine)


def _message(text: str) -> str:
    return " ".join(text.split())


def _version_context(data: dict[str, Any] | None) -> VersionContext | None:
    if data is None:
        return None
    severity = data["severity"]
    return VersionContext(
        packages=tuple(data["packages"]),
        safe_from=data["safe-from"],
        severity=None if severity == "none" else Severity.parse(severity),
        message=_message(data.get("message", "")),
    )


def _guard_context(data: dict[str, Any] | None) -> GuardContext | None:
    if data is None:
        return None
    severity = data["severity"]
    return GuardContext(severity=None if severity == "none" else Severity.parse(severity))


def bind_params(control: Control, analyzers: Mapping[str, ParamsReader]) -> Control:
    """Return the control with each native check's valid params read into their type."""
    checks = tuple(
        replace(check, params=analyzers[check.analyzer].parse_params(check.raw_params))
        if isinstance(check, NativeCheck)
        else check
        for check in control.checks
    )
    return replace(control, checks=checks)
