"""Turn a validated control file into a :class:`Control` with its :class:`Check` values."""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

from mlsec_policy.models import (
    ArtifactKind,
    CheckMode,
    ControlMeta,
    JsonValue,
    References,
    Severity,
    VersionContext,
)
from mlsec_policy.policy.model import Check, Control, Pack
from mlsec_policy.yamlpos import Document


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
    """Return check number ``index`` of a control file."""
    engine = item["engine"]
    mode = (
        CheckMode.ATTESTATION
        if engine == "attestation"
        else CheckMode(item.get("mode", "violation"))
    )
    position = document.positions.of(("checks", index))
    rule_position = document.positions.of_key(("checks", index, "rule"))
    default_message = "An attestation is required for this control"
    return Check(
        id=item["id"],
        control_id=control_id,
        engine=engine,
        mode=mode,
        kinds=tuple(ArtifactKind(k) for k in item.get("kinds", [])),
        message=" ".join(item.get("message", default_message).split()),
        found=item.get("found"),
        severity=Severity.parse(item["severity"]) if "severity" in item else None,
        include=tuple(item.get("include", [])),
        exclude=tuple(item.get("exclude", [])),
        rule=item.get("rule"),
        analyzer=item.get("analyzer"),
        params=cast(dict[str, JsonValue], item.get("params", {})),
        evidence=item.get("evidence"),
        line=position[0] if position else 1,
        file=str(path),
        rule_line=(rule_position or position or (1, 1))[0],
        version_context=_version_context(item.get("version-context")),
    )


def _version_context(data: dict[str, Any] | None) -> VersionContext | None:
    if data is None:
        return None
    return VersionContext(
        packages=tuple(data["packages"]),
        safe_from=data["safe-from"],
        severity=Severity.parse(data["severity"]),
        message=" ".join(data["message"].split()),
    )
