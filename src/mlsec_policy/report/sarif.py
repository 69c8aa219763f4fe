"""SARIF 2.1.0 for GitHub code scanning (the contract in DESIGN.md §5).

One run, category ``mlsec-policy/``. One rule per evaluated control, whatever its status, so
that rule metadata — every risk code as a tag, the phase tag, ``security-severity``, help — is
always present. One result per active finding of a failing control. A finding a baseline
records is a result too, with a SARIF suppression of kind ``external`` whose justification
starts with ``baseline:`` (code scanning shows it as dismissed, not as a new alert); findings
accepted by waivers and inline comments stay in the JSON and HTML reports only. Scan errors
become tool execution notifications and make ``executionSuccessful`` false; controls a
``--diff-base`` scan did not evaluate are listed in one ``not-evaluated`` notification.
Severity to SARIF level is mapped here and nowhere else.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import quote

from mlsec_policy.models import (
    ControlMeta,
    ControlResult,
    ControlStatus,
    ErrorLevel,
    Finding,
    Report,
    ScanError,
    Severity,
    SkippedFile,
)
from mlsec_policy.outcome import incomplete
from mlsec_policy.report import advisory_snapshot, integrity, sarif_fixes, sarif_flow

SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
CATEGORY = "mlsec-policy/"
SRCROOT = "%SRCROOT%"
MAX_RESULTS = 25_000
"""GitHub keeps at most this many results per run."""
MAX_TAGS = 20
"""GitHub reads at most this many tags per rule: ``rule_tags`` keeps the most useful first."""

LEVEL = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
}
SECURITY_SEVERITY = {
    Severity.CRITICAL: "9.5",
    Severity.HIGH: "8.0",
    Severity.MEDIUM: "5.5",
    Severity.LOW: "3.0",
}


def render(report: Report) -> str:
    """Return the SARIF log as JSON text."""
    return json.dumps(to_log(report), indent=2, ensure_ascii=False) + "\n"


def to_log(report: Report) -> dict[str, Any]:
    """Return the SARIF log as data."""
    results = sorted(report.results, key=lambda r: r.control.id)
    index = {result.control.id: position for position, result in enumerate(results)}
    sarif_results = [
        _result(finding, result, index[result.control.id])
        for result in results
        if result.status is ControlStatus.FAIL
        for finding in result.active_findings
    ]
    sarif_results += [
        _result(finding, result, index[result.control.id]) | _baseline_suppression(finding)
        for result in results
        for finding in result.baselined_findings
    ]
    notifications = [_notification(error) for error in report.errors]
    silent = [r.control.id for r in results if r.status is ControlStatus.NOT_EVALUATED]
    if silent:
        notifications.append(
            {
                "level": "note",
                "descriptor": {"id": "not-evaluated"},
                "message": {
                    "text": f"{len(silent)} controls were not evaluated on this change (no "
                    f"changed file of a kind they read; neither pass nor fail): "
                    + ", ".join(silent)
                },
            }
        )
    if len(sarif_results) > MAX_RESULTS:
        rank = {"error": 0, "warning": 1, "note": 2}
        sarif_results.sort(key=lambda r: rank[r["level"]])
        dropped = len(sarif_results) - MAX_RESULTS
        sarif_results = sarif_results[:MAX_RESULTS]
        notifications.append(
            {
                "level": "warning",
                "descriptor": {"id": "results-truncated"},
                "message": {
                    "text": f"{dropped} lower-severity results were left out to stay within "
                    f"GitHub's limit of {MAX_RESULTS}; the JSON report has them all"
                },
            }
        )
    notifications.extend(
        _skipped_notification(skipped) for skipped in report.skipped if not skipped.blocks_checks
    )
    requirement_tags = _requirement_tags(report)
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": report.tool.name,
                "version": report.tool.version,
                "semanticVersion": report.tool.version,
                "informationUri": report.tool.uri,
                "rules": [
                    _rule(result.control, requirement_tags.get(result.control.id, ()))
                    for result in results
                ],
            }
        },
        "automationDetails": {"id": CATEGORY},
        "originalUriBaseIds": {
            SRCROOT: {"description": {"text": "The root of the scanned target"}}
        },
        "results": sarif_results,
        "invocations": [
            {
                "executionSuccessful": not incomplete(report),
                "startTimeUtc": report.started_at,
                "toolExecutionNotifications": notifications,
            }
        ],
        "properties": {
            "policyDigest": report.policy.digest,
            "policyDigestMeaning": integrity.MEANING[integrity.POLICY_DIGEST],
            "policyPacks": [f"{p.name}@{p.version}" for p in report.policy.packs],
        },
    }
    if report.advisory_snapshot is not None:
        run["properties"].update(advisory_snapshot.properties(report.advisory_snapshot))
    if report.git is not None and report.git.commit and _repository_uri(report.git.remote_url):
        run["versionControlProvenance"] = [_provenance(report)]
    return {"$schema": SARIF_SCHEMA, "version": "2.1.0", "runs": [run]}


def rule_tags(control: ControlMeta, requirements: tuple[str, ...] = ()) -> list[str]:
    """Return a rule's tags, most useful first, at most :data:`MAX_TAGS`.

    ``security``, the phase and the risk codes (our own taxonomy), the CWE ids (GitHub's
    code scanning reads ``external/cwe/...``), the requirements of the frameworks the scan
    was asked for (``<framework id>:<requirement id>``), then the control's own OWASP and
    ATLAS references (``owasp-ml:ML06``, ``owasp-llm:LLM03``, ``atlas:AML.T0010``).
    """
    refs = control.references
    tags = ["security", f"phase:{control.phase}", *control.risks]
    tags += [f"external/cwe/{cwe.lower()}" for cwe in refs.cwe]
    tags += requirements
    tags += [f"owasp-ml:{ref}" for ref in refs.owasp_ml]
    tags += [f"owasp-llm:{ref}" for ref in refs.owasp_llm]
    tags += [f"atlas:{ref}" for ref in refs.atlas]
    return list(dict.fromkeys(tags))[:MAX_TAGS]


def _requirement_tags(report: Report) -> dict[str, tuple[str, ...]]:
    tags: dict[str, list[str]] = {}
    for result in report.frameworks:
        for item in result.requirements:
            for mapped in item.controls:
                tag = f"{result.framework.id}:{item.requirement.id}"
                tags.setdefault(mapped.mapping.control, []).append(tag)
    return {control: tuple(found) for control, found in tags.items()}


def _rule(control: ControlMeta, requirements: tuple[str, ...] = ()) -> dict[str, Any]:
    rule: dict[str, Any] = {
        "id": control.id,
        "name": _pascal(control.title),
        "shortDescription": {"text": control.title},
        "fullDescription": {"text": _clip(control.rationale, 1000)},
        "help": {"text": _help_text(control), "markdown": _help_markdown(control)},
        "defaultConfiguration": {"level": LEVEL[control.severity]},
        "properties": {
            "tags": rule_tags(control, requirements),
            "security-severity": SECURITY_SEVERITY[control.severity],
            "precision": "high",
            "phase": control.phase,
            "risks": list(control.risks),
            "requirements": list(control.requirements),
        },
    }
    if control.help_uri:
        rule["helpUri"] = control.help_uri
    return rule


def _result(finding: Finding, result: ControlResult, rule_index: int) -> dict[str, Any]:
    location = finding.location
    region: dict[str, Any] = {"startLine": location.start_line or 1}
    if location.start_line is not None:
        if location.start_column is not None:
            region["startColumn"] = location.start_column
        if location.end_line is not None:
            region["endLine"] = location.end_line
        if location.end_column is not None and location.end_line is not None:
            region["endColumn"] = location.end_column
    if finding.snippet:
        region["snippet"] = {"text": finding.snippet}
    message = finding.message
    properties: dict[str, Any] = {
        "severity": finding.severity.label,
        "phase": finding.phase or result.control.phase,
        "checkId": finding.check_id,
    }
    if finding.risks:
        properties["risks"] = list(finding.risks)
        properties["context"] = finding.context
    if location.cell is not None:
        message += f" (notebook cell {location.cell.index}, line {location.cell.line})"
        properties["notebookCell"] = {"index": location.cell.index, "line": location.cell.line}
    if finding.path_class is not None:
        properties["pathClass"] = finding.path_class.value
        properties["tags"] = [f"non-product:{finding.path_class.value}"]
    fingerprints: dict[str, str] = {"mlsecPolicy/v1": finding.fingerprint}
    if finding.line_hash:
        fingerprints["primaryLocationLineHash"] = finding.line_hash
    return (
        {
            "ruleId": finding.control_id,
            "ruleIndex": rule_index,
            "level": LEVEL[finding.severity],
            "message": {"text": message},
            "locations": [
                {
                    "physicalLocation": {
                        "artifactLocation": {
                            "uri": quote(location.path, safe="/"),
                            "uriBaseId": SRCROOT,
                        },
                        "region": region,
                    }
                }
            ],
            "partialFingerprints": fingerprints,
            "properties": properties,
        }
        | _related(finding)
        | sarif_fixes.fixes(finding, SRCROOT)
    )


def _baseline_suppression(finding: Finding) -> dict[str, Any]:
    """Return the SARIF suppression of a finding a baseline records."""
    suppression = finding.suppression
    assert suppression is not None
    where = f" ({suppression.reference})" if suppression.reference else ""
    return {
        "suppressions": [
            {
                "kind": "external",
                "status": "accepted",
                "justification": f"baseline: {suppression.reason}{where}",
            }
        ]
    }


def _related(finding: Finding) -> dict[str, Any]:
    """Return a finding's SARIF ``relatedLocations`` and ``codeFlows``.

    Related are a group's other places, then the flow's steps; a flow also gives a code flow.
    """
    if not finding.related and not finding.flow:
        return {}
    places = []
    for index, place in enumerate(finding.related, start=1):
        physical: dict[str, Any] = {
            "artifactLocation": {"uri": quote(place.path, safe="/"), "uriBaseId": SRCROOT}
        }
        if place.start_line is not None:
            physical["region"] = {"startLine": place.start_line}
        places.append(
            {"id": index, "physicalLocation": physical, "message": {"text": "the same here"}}
        )
    places += sarif_flow.flow_related(finding, len(places) + 1)
    return {"relatedLocations": places} | sarif_flow.code_flows(finding)


def _notification(error: ScanError) -> dict[str, Any]:
    text = error.message + (f" (hint: {error.hint})" if error.hint else "")
    notification: dict[str, Any] = {
        "level": "error" if error.level is ErrorLevel.ERROR else "warning",
        "descriptor": {"id": error.kind},
        "message": {"text": text},
        "properties": {"engine": error.engine, "controls": list(error.control_ids)},
    }
    if error.path:
        physical: dict[str, Any] = {
            "artifactLocation": {"uri": quote(error.path, safe="/"), "uriBaseId": SRCROOT}
        }
        if error.line:
            physical["region"] = {"startLine": error.line}
        notification["locations"] = [{"physicalLocation": physical}]
    if error.control_ids:
        notification["associatedRule"] = {"id": error.control_ids[0]}
    return notification


def _skipped_notification(skipped: SkippedFile) -> dict[str, Any]:
    if skipped.line is None:
        return {
            "level": "note",
            "descriptor": {"id": "file-skipped"},
            "message": {"text": f"{skipped.path} was not inspected: {skipped.reason}"},
        }
    physical = {
        "artifactLocation": {"uri": quote(skipped.path, safe="/"), "uriBaseId": SRCROOT},
        "region": {"startLine": skipped.line},
    }
    return {
        "level": "note",
        "descriptor": {"id": "part-skipped"},
        "message": {"text": f"part of {skipped.path} was not inspected: {skipped.reason}"},
        "locations": [{"physicalLocation": physical}],
    }


def _repository_uri(remote_url: str | None) -> str | None:
    """Return the remote as an absolute URI (SARIF requires one in a provenance entry)."""
    return remote_url if remote_url and "://" in remote_url else None


def _provenance(report: Report) -> dict[str, Any]:
    assert report.git is not None
    provenance: dict[str, Any] = {
        "repositoryUri": _repository_uri(report.git.remote_url),
        "revisionId": report.git.commit,
    }
    if report.git.branch:
        provenance["branch"] = report.git.branch
    return provenance


def _help_text(control: ControlMeta) -> str:
    return f"{control.rationale}\n\nHow to fix: {control.remediation}"


def _help_markdown(control: ControlMeta) -> str:
    refs = control.references
    frameworks = [*refs.owasp_ml, *refs.owasp_llm, *refs.atlas, *refs.cwe, *refs.other]
    lines = [
        f"**{control.title}** (`{control.id}`, {control.severity.label})",
        "",
        control.rationale,
        "",
        "**How to fix**",
        "",
        control.remediation,
        "",
        f"- Lifecycle phase: `{control.phase}`",
        f"- Risk codes: {', '.join(control.risks)}",
        f"- Policy requirements: {', '.join(control.requirements)}",
    ]
    if frameworks:
        lines.append(f"- Frameworks: {', '.join(frameworks)}")
    return "\n".join(lines)


def _pascal(title: str) -> str:
    words = re.findall(r"[A-Za-z0-9]+", title)
    return "".join(word[:1].upper() + word[1:] for word in words)[:255] or "Control"


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
