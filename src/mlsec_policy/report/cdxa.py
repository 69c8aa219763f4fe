"""A CycloneDX 1.6 attestation document (CDXA): the frameworks, and what the scan attests.

The frameworks of the report become ``definitions.standards`` (sections as parent
requirements, then every requirement with its official id). The scan becomes
``declarations``: one claim per control (its title as the predicate, its verdict as the
reasoning), the evidence the scan found and the findings against it (as evidence and counter
evidence), the waivers that accepted findings and the attestations people recorded (with
their author, dates and link), and per framework one attestation mapping every requirement to
the claims for and against it with a conformance score and rationale. The attestors of the
configuration sign the affirmation. Pure: the same report renders to the same bytes; the
serial number is derived from the report's content digest. Scores: docs/frameworks.md.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from mlsec_policy.models import (
    ControlResult,
    ControlStatus,
    FrameworkResult,
    Report,
    RequirementStatus,
)
from mlsec_policy.report import integrity, json_report

SPEC_VERSION = "1.6"
ASSESSOR = "assessor:mlsec-policy"
TARGET = "target"
MAX_PLACES = 20
"""Finding places listed per control; the JSON report has them all."""

CONFORMANCE: dict[RequirementStatus, float] = {
    RequirementStatus.PASS: 1.0,
    RequirementStatus.PARTIAL_PASS: 0.5,
    RequirementStatus.WAIVED: 0.0,
    RequirementStatus.FAIL: 0.0,
    RequirementStatus.NEEDS_ATTESTATION: 0.0,
}
"""Conformance scores; statuses absent here carry a rationale but no score (not known, not
covered, not applicable, excluded: a number would claim more than the scan shows)."""
CONFIDENCE = {"full": 1.0, "partial": 0.5, "not-covered": 0.0}
"""Confidence by coverage: how much of the requirement the mapped controls can show."""
FOR = frozenset({ControlStatus.PASS.value, ControlStatus.ATTESTED.value})
AGAINST = frozenset(
    {
        ControlStatus.FAIL.value,
        ControlStatus.BASELINED.value,
        ControlStatus.ERROR.value,
        ControlStatus.NEEDS_ATTESTATION.value,
        ControlStatus.WAIVED.value,
    }
)


def render(report: Report) -> str:
    """Return the CycloneDX 1.6 attestation document as JSON text."""
    return json.dumps(document(report), indent=2, ensure_ascii=False) + "\n"


def document(report: Report) -> dict[str, Any]:
    """Return the attestation document as data."""
    digest = json_report.to_document(report)[integrity.KEY]["content_digest"]
    target: dict[str, Any] = {"type": "application", "bom-ref": TARGET, "name": report.target}
    if report.git and report.git.commit:
        target["version"] = report.git.commit
    claims, evidence = _claims(report)
    declarations: dict[str, Any] = {
        "assessors": [
            {
                "bom-ref": ASSESSOR,
                "thirdParty": False,
                "organization": {"name": f"{report.tool.name} {report.tool.version} (automated)"},
            }
        ],
        "attestations": [_attestation(framework) for framework in report.frameworks],
        "claims": claims,
        "evidence": evidence,
        "targets": {"components": [target]},
    }
    signatories = _signatories(report)
    if signatories:
        declarations["affirmation"] = {
            "statement": "The people named attest the controls no file can prove, each for "
            "the control given as their role, with the evidence linked.",
            "signatories": signatories,
        }
    return {
        "$schema": "http://cyclonedx.org/schema/bom-1.6.schema.json",
        "bomFormat": "CycloneDX",
        "specVersion": SPEC_VERSION,
        "serialNumber": uuid.uuid5(uuid.NAMESPACE_URL, f"mlsec-policy:{digest}").urn,
        "version": 1,
        "metadata": {
            "timestamp": report.started_at,
            "tools": {
                "components": [
                    {
                        "type": "application",
                        "name": report.tool.name,
                        "version": report.tool.version,
                    }
                ]
            },
            "properties": [{"name": "mlsec-policy:report-content-digest", "value": digest}],
        },
        "definitions": {"standards": [_standard(f) for f in report.frameworks]},
        "declarations": declarations,
    }


def _standard(result: FrameworkResult) -> dict[str, Any]:
    fw = result.framework
    requirements: list[dict[str, Any]] = []
    for section in fw.sections:
        entry: dict[str, Any] = {
            "bom-ref": _section_ref(fw.id, section.id),
            "identifier": section.id,
            "title": section.title,
        }
        if section.parent:
            entry["parent"] = _section_ref(fw.id, section.parent)
        requirements.append(entry)
    for item in result.requirements:
        req = item.requirement
        properties = [{"name": "mlsec-policy:coverage", "value": req.coverage.value}]
        if req.applies_from:
            properties.append({"name": "mlsec-policy:applies-from", "value": req.applies_from})
        requirements.append(
            {
                "bom-ref": _requirement_ref(fw.id, req.id),
                "identifier": fw.qualified(req.id),
                "title": req.title,
                "parent": _section_ref(fw.id, req.section),
                "properties": properties,
            }
        )
    standard: dict[str, Any] = {
        "bom-ref": f"standard:{fw.id}",
        "name": fw.title,
        "version": fw.version,
        "owner": fw.publisher,
        "requirements": requirements,
        "externalReferences": [{"type": "documentation", "url": fw.source}],
    }
    if fw.notes:
        standard["description"] = fw.notes
    return standard


def _attestation(result: FrameworkResult) -> dict[str, Any]:
    fw = result.framework
    counts = ", ".join(f"{n} {status}" for status, n in result.counts().items() if n)
    entries = []
    for item in result.requirements:
        claims = [_claim_ref(c.mapping.control) for c in item.controls if c.status in FOR]
        against = [_claim_ref(c.mapping.control) for c in item.controls if c.status in AGAINST]
        conformance: dict[str, Any] = {"rationale": f"{item.status.value}: {item.reason}"}
        if item.status in CONFORMANCE:
            conformance["score"] = CONFORMANCE[item.status]
        coverage = item.requirement.coverage.value
        entry: dict[str, Any] = {
            "requirement": _requirement_ref(fw.id, item.requirement.id),
            "conformance": conformance,
            "confidence": {
                "score": CONFIDENCE[coverage],
                "rationale": f"coverage {coverage}: "
                + ", ".join(
                    f"{c.mapping.control} ({c.mapping.evidence.value})" for c in item.controls
                )
                if item.controls
                else f"coverage {coverage}: no control maps to it",
            },
        }
        if claims:
            entry["claims"] = claims
        if against:
            entry["counterClaims"] = against
        entries.append(entry)
    return {
        "summary": f"{fw.title} ({fw.id} {fw.version}): {counts}",
        "assessor": ASSESSOR,
        "map": entries,
    }


def _claims(report: Report) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    claims: list[dict[str, Any]] = []
    evidence: list[dict[str, Any]] = []
    for result in report.results:
        for_refs, against_refs = _evidence_of(result, report.started_at, evidence)
        claim: dict[str, Any] = {
            "bom-ref": _claim_ref(result.control.id),
            "target": TARGET,
            "predicate": f"{result.control.id}: {result.control.title}",
            "reasoning": result.status.value + (f": {result.reason}" if result.reason else ""),
        }
        if for_refs:
            claim["evidence"] = for_refs
        if against_refs:
            claim["counterEvidence"] = against_refs
        claims.append(claim)
    for index, use in enumerate(report.waivers, 1):
        waiver = use.waiver
        item: dict[str, Any] = {
            "bom-ref": f"waiver:{index}",
            "propertyName": "mlsec-policy:waiver",
            "description": f"{use.state.value} waiver of {waiver.control_id}: {waiver.reason}",
            "expires": f"{waiver.expires}T00:00:00Z",
            "reviewer": {"name": waiver.approver},
            "data": [{"name": "ticket", "contents": {"url": waiver.ticket}}],
        }
        evidence.append(item)
    return claims, evidence


def _evidence_of(
    result: ControlResult, created: str, evidence: list[dict[str, Any]]
) -> tuple[list[str], list[str]]:
    control = result.control.id
    for_refs: list[str] = []
    against: list[str] = []
    for index, found in enumerate(result.evidence, 1):
        where = found.location.display() if found.location else "the repository"
        ref = f"evidence:{control}:{index}"
        evidence.append(_item(ref, "evidence", f"{found.description} at {where}", created))
        for_refs.append(ref)
    if result.attestation is not None:
        a = result.attestation
        ref = f"attestation:{control}"
        item = _item(ref, "attestation", f"attested: {a.note or result.control.title}", created)
        item.update(
            created=f"{a.date}T00:00:00Z",
            expires=f"{a.expires}T00:00:00Z",
            author={"name": a.by},
            data=[{"name": "evidence", "contents": {"url": a.evidence}}],
        )
        evidence.append(item)
        for_refs.append(ref)
    if result.findings:
        places = [f.location.display() for f in result.findings[:MAX_PLACES]]
        more = len(result.findings) - len(places)
        text = f"{len(result.findings)} finding(s) at {', '.join(places)}" + (
            f" and {more} more" if more > 0 else ""
        )
        accepted = sum(1 for f in result.findings if f.suppression is not None)
        if accepted:
            text += f"; {accepted} accepted by a waiver, a baseline or an inline suppression"
        ref = f"findings:{control}"
        evidence.append(_item(ref, "findings", text, created))
        against.append(ref)
    if result.errors:
        ref = f"errors:{control}"
        text = "; ".join(e.message for e in result.errors[:MAX_PLACES])
        evidence.append(_item(ref, "errors", f"not verified: {text}", created))
        against.append(ref)
    return for_refs, against


def _item(ref: str, kind: str, description: str, created: str) -> dict[str, Any]:
    return {
        "bom-ref": ref,
        "propertyName": f"mlsec-policy:{kind}",
        "description": description,
        "created": created,
        "author": {"name": "mlsec-policy"},
    }


def _signatories(report: Report) -> list[dict[str, Any]]:
    return [
        {
            "name": r.attestation.by,
            "role": f"attests {r.control.id}",
            "organization": {"name": r.attestation.by},
            "externalReference": {"type": "attestation", "url": r.attestation.evidence},
        }
        for r in report.results
        if r.attestation is not None
    ]


def _claim_ref(control: str) -> str:
    return f"claim:{control}"


def _section_ref(framework: str, section: str) -> str:
    return f"section:{framework}:{section}"


def _requirement_ref(framework: str, requirement: str) -> str:
    return f"requirement:{framework}:{requirement}"
