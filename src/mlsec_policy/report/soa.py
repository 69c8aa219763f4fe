"""The Statement of Applicability for ISO/IEC 42001 (Annex A), as CSV or Markdown.

One row per Annex A control of the framework the report holds: whether it applies (the
configuration's ``exclusions`` say which do not, each with a justification), how far it is
implemented as the scan and the attestations show it, and the references to the evidence
(the mapped controls with their status, what each found and where, and the attestations with
who signed them). A control the tool does not cover is listed as applicable with status
``not-covered``: the organisation states its implementation itself. Pure: same report, same
bytes.
"""

from __future__ import annotations

import csv
import io
import re

from mlsec_policy.models import (
    ControlResult,
    FrameworkResult,
    Report,
    RequirementResult,
    RequirementStatus,
)

_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&])")

COLUMNS = (
    "control",
    "title",
    "section",
    "applicable",
    "justification",
    "implementation",
    "coverage",
    "evidence",
    "reason",
)
"""The CSV header, in order."""

IMPLEMENTATION = {
    RequirementStatus.PASS: "implemented",
    RequirementStatus.PARTIAL_PASS: "partly shown: the rest needs a person",
    RequirementStatus.FAIL: "not implemented: failing controls",
    RequirementStatus.ERROR: "unknown: the scan erred",
    RequirementStatus.NEEDS_ATTESTATION: "awaiting attestation",
    RequirementStatus.WAIVED: "exception accepted (waiver)",
    RequirementStatus.NOT_EVALUATED: "not evaluated by this scan",
    RequirementStatus.NOT_APPLICABLE: "nothing in the repository it applies to",
    RequirementStatus.NOT_COVERED: "not covered by the tool: state it yourself",
    RequirementStatus.EXCLUDED: "not applicable",
}


def find(report: Report, name: str) -> FrameworkResult:
    """Return the framework result of ``report`` whose id or alias is ``name``."""
    for result in report.frameworks:
        if name == result.framework.id or name in result.framework.aliases:
            return result
    raise KeyError(name)


def rows(report: Report, framework: FrameworkResult) -> list[list[str]]:
    """Return the statement's rows (without the header), in the framework's order."""
    results = {r.control.id: r for r in report.results}
    return [_row(framework, item, results) for item in framework.requirements]


def render_csv(report: Report, framework: FrameworkResult) -> str:
    """Return the statement as RFC 4180 CSV with a header row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(rows(report, framework))
    return buffer.getvalue()


def render_markdown(report: Report, framework: FrameworkResult) -> str:
    """Return the statement as a Markdown document with one table."""
    fw = framework.framework
    applicable = sum(
        1 for r in framework.requirements if r.status is not RequirementStatus.EXCLUDED
    )
    commit = report.git.commit if report.git and report.git.commit else None
    lines = [
        f"# Statement of Applicability — {_cell(fw.title)}",
        "",
        f"Framework `{fw.id}` version {_cell(fw.version)} ({_cell(fw.publisher)}). "
        f"Target {_cell(report.target)}" + (f" at commit `{commit}`" if commit else "") + ", "
        f"scanned {report.started_at}. {applicable} of {len(framework.requirements)} controls "
        "applicable. Implementation is what the scan and the recorded attestations show; "
        "a control marked not covered needs the organisation's own statement.",
        "",
        "| " + " | ".join(c.capitalize() for c in COLUMNS) + " |",
        "|" + "---|" * len(COLUMNS),
    ]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows(report, framework)]
    return "\n".join(lines) + "\n"


def _row(
    framework: FrameworkResult, item: RequirementResult, results: dict[str, ControlResult]
) -> list[str]:
    requirement = item.requirement
    excluded = item.status is RequirementStatus.EXCLUDED
    return [
        framework.framework.qualified(requirement.id),
        requirement.title,
        requirement.section,
        "no" if excluded else "yes",
        item.justification or "",
        IMPLEMENTATION[item.status],
        requirement.coverage.value,
        "; ".join(
            _evidence(c.mapping.control, c.status, c.mapping.evidence.value, results)
            for c in item.controls
        ),
        "" if excluded else item.reason,
    ]


def _evidence(control: str, status: str, kind: str, results: dict[str, ControlResult]) -> str:
    parts = [f"{control} {status} ({kind})"]
    result = results.get(control)
    if result is not None:
        for evidence in result.evidence:
            where = evidence.location.display() if evidence.location else "repository"
            parts.append(f"{evidence.description} at {where}")
        if result.attestation is not None:
            a = result.attestation
            parts.append(f"attested by {a.by} on {a.date} until {a.expires}: {a.evidence}")
        if result.active_findings:
            parts.append(f"{len(result.active_findings)} finding(s)")
    return parts[0] + (" — " + ", ".join(parts[1:]) if len(parts) > 1 else "")


def _cell(value: str) -> str:
    return _SPECIAL.sub(r"\\\1", " ".join(value.split()))
