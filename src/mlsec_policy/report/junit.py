"""JUnit XML for CI test-report viewers (GitLab, Jenkins), following Jenkins' junit-10.xsd.

One ``testsuite`` per lifecycle phase, one ``testcase`` per control. How statuses map:

- ``fail``: a ``failure`` whose text lists every active finding (type = effective severity);
  every failing control is a failure, whatever ``--fail-on`` says.
- ``error``: an ``error`` carrying the scan errors that stopped the control's checks.
- ``not-applicable``: ``skipped`` with the reason.
- ``not-evaluated`` (a ``--diff-base`` scan gave the control no changed file of its kinds):
  ``skipped`` ("not evaluated on this change"): never a passing case.
- ``needs-attestation``: ``skipped`` ("needs attestation"), or a ``failure`` of type
  ``needs-attestation`` when the scan ran with ``--fail-on-attestation`` — as the gate does.
- ``pass``, ``attested``, ``waived``, ``baselined``: a passing case; ``system-out`` names the
  evidence, the attestation (who, when, until), the waivers (kind, reason, approver, until)
  or, for ``baselined``, each finding the baseline records, marked ``baseline``.

Scan errors not tied to any control get one more suite, ``scan``, with one errored case each.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from mlsec_policy.models import (
    ControlResult,
    ControlStatus,
    Finding,
    Report,
    ScanError,
)
from mlsec_policy.report import advisory_snapshot, summary

SUITE_PREFIX = "mlsec-policy"
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def render(report: Report) -> str:
    """Return the JUnit XML document."""
    root = ET.Element("testsuites", name=SUITE_PREFIX)
    totals = {"tests": 0, "failures": 0, "errors": 0}
    for phase in summary.phases(report):
        suite = _suite(root, phase.title, f"{SUITE_PREFIX}.{phase.id}", report)
        for result in phase.results:
            _case(suite, result, report, f"{SUITE_PREFIX}.{phase.id}")
        _count(suite, totals)
    loose = [e for e in report.errors if not e.control_ids]
    if loose:
        suite = _suite(root, "Scan", f"{SUITE_PREFIX}.scan", report)
        for index, error in enumerate(loose, start=1):
            case = ET.SubElement(
                suite,
                "testcase",
                name=f"{error.engine}: {error.kind} #{index}",
                classname=f"{SUITE_PREFIX}.scan",
                time="0",
            )
            _error(case, (error,), error.level.value)
        _count(suite, totals)
    for key, value in totals.items():
        root.set(key, str(value))
    root.set("time", _seconds(report.duration_seconds))
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode", short_empty_elements=True)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"


def _suite(root: ET.Element, title: str, package: str, report: Report) -> ET.Element:
    suite = ET.SubElement(
        root,
        "testsuite",
        name=title,
        package=package,
        tests="0",
        failures="0",
        errors="0",
        skipped="0",
        time="0",
        timestamp=report.started_at.removesuffix("Z"),
    )
    if report.advisory_snapshot is not None:
        # the properties of a test suite come before its test cases
        listed = ET.SubElement(suite, "properties")
        for name, value in advisory_snapshot.properties(report.advisory_snapshot).items():
            ET.SubElement(listed, "property", name=name, value=value)
    return suite


def _count(suite: ET.Element, totals: dict[str, int]) -> None:
    cases = suite.findall("testcase")
    counts = {
        "tests": len(cases),
        "failures": sum(1 for c in cases if c.find("failure") is not None),
        "errors": sum(1 for c in cases if c.find("error") is not None),
        "skipped": sum(1 for c in cases if c.find("skipped") is not None),
    }
    for key, value in counts.items():
        suite.set(key, str(value))
        if key in totals:
            totals[key] += value


def _case(suite: ET.Element, result: ControlResult, report: Report, classname: str) -> None:
    control = result.control
    case = ET.SubElement(
        suite,
        "testcase",
        name=_clean(f"{control.id} {control.title}"),
        classname=classname,
        time="0",
    )
    status = result.status
    if status is ControlStatus.FAIL:
        active = result.active_findings
        failure = ET.SubElement(
            case,
            "failure",
            message=_clean(_failure_message(result)),
            type=result.severity.label,
        )
        failure.text = _clean("\n".join(_finding_text(f) for f in active) + "\n\n" + _about(result))
    elif status is ControlStatus.ERROR:
        _error(case, result.errors, "error")
    elif status is ControlStatus.NOT_APPLICABLE:
        ET.SubElement(case, "skipped", message=_clean(f"not applicable: {result.reason}"))
    elif status is ControlStatus.NOT_EVALUATED:
        message = f"not evaluated on this change: {result.reason}"
        ET.SubElement(case, "skipped", message=_clean(message))
    elif status is ControlStatus.NEEDS_ATTESTATION:
        message = _clean(f"needs attestation: {result.reason}")
        if report.settings.fail_on_attestation:
            failure = ET.SubElement(case, "failure", message=message, type="needs-attestation")
            failure.text = _clean(_about(result))
        else:
            ET.SubElement(case, "skipped", message=message)
    out = _system_out(result)
    if out:
        ET.SubElement(case, "system-out").text = _clean(out)
    side = [e for e in result.errors if status is not ControlStatus.ERROR]
    if side:
        ET.SubElement(case, "system-err").text = _clean("\n".join(_error_text(e) for e in side))


def _failure_message(result: ControlResult) -> str:
    active = result.active_findings
    if not active:
        return result.reason or "failed"
    first = active[0]
    more = f" (and {len(active) - 1} more)" if len(active) > 1 else ""
    return f"{first.location.display()}: {first.message}{more}"


def _finding_text(finding: Finding) -> str:
    text = f"{finding.location.display()} [{finding.severity.label}] {finding.message}"
    if finding.path_class is not None:
        text += f" [{finding.path_class.label}]"
    if finding.snippet:
        text += "\n" + "\n".join(f"    {line}" for line in finding.snippet.splitlines())
    return text


def _about(result: ControlResult) -> str:
    control = result.control
    lines = [
        f"Control: {control.id} {control.title} (severity {result.severity.label})",
        f"Phase: {control.phase}; risks: {', '.join(control.risks)}",
    ]
    if control.requirements:
        lines.append(f"Requirements: {', '.join(control.requirements)}")
    lines.append(f"Fix: {control.fix}")
    return "\n".join(lines)


def _error(case: ET.Element, errors: tuple[ScanError, ...], fallback: str) -> None:
    first = errors[0] if errors else None
    element = ET.SubElement(
        case,
        "error",
        message=_clean(first.message if first else fallback),
        type=first.kind if first else fallback,
    )
    element.text = _clean("\n".join(_error_text(e) for e in errors))


def _error_text(error: ScanError) -> str:
    where = f"{error.path}:{error.line}" if error.path and error.line else (error.path or "-")
    text = f"{error.level.value} [{error.engine} {error.kind}] {where}: {error.message}"
    return text + (f"\n    hint: {error.hint}" if error.hint else "")


def _system_out(result: ControlResult) -> str:
    lines = [f"{result.status.value}: {result.reason}"] if result.reason else []
    lines += [
        f"evidence: {e.description}" + (f" at {e.location.display()}" if e.location else "")
        for e in result.evidence
    ]
    attestation = result.attestation
    if attestation is not None:
        lines.append(
            f"attested by {attestation.by} on {attestation.date}, until {attestation.expires}: "
            f"{attestation.evidence}" + (f" ({attestation.note})" if attestation.note else "")
        )
    for finding in result.findings:
        s = finding.suppression
        if s is None:
            continue
        detail = ", ".join(
            x
            for x in (
                f"approved by {s.approver}" if s.approver else "",
                f"until {s.expires}" if s.expires else "",
                s.reference or "",
            )
            if x
        )
        lines.append(
            f"{s.kind} for {finding.location.display()}: {s.reason}"
            + (f" ({detail})" if detail else "")
        )
    return "\n".join(lines)


def _seconds(value: float) -> str:
    return f"{value:.3f}"


def _clean(text: str) -> str:
    """Replace characters XML 1.0 cannot hold (terminal escapes in a snippet, say)."""
    return _INVALID_XML.sub("\ufffd", text)
