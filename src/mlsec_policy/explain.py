"""``explain``: everything about one finding of a JSON report, in one place.

The finding (where, what, how severe, its state), the control's rationale and remediation,
the check that produced it (semgrep rule or native analyzer, and where the check is written),
related places and the finding's data flow when the report carries one, the waiver or other
suppression that applies, its automatic fix, and the exact inline comment that would
suppress it (or why none can).
"""

from __future__ import annotations

import re
import textwrap
from pathlib import Path, PurePosixPath

from mlsec_policy.analyzers import ANALYZERS
from mlsec_policy.classify import classify
from mlsec_policy.errors import MlsecPolicyError
from mlsec_policy.models import Artifact, ControlResult, Finding, Report
from mlsec_policy.policy import NativeCheck, Policy, SemgrepCheck, load_policy
from mlsec_policy.suppress.comments import comment_style

FINGERPRINT = re.compile(r"^[0-9a-f]{6,32}$")
PLACE = re.compile(r"^(?P<path>.+):(?P<line>[0-9]+)$")
WIDTH = 96


def select(report: Report, wanted: str) -> list[tuple[ControlResult, Finding]]:
    """Return the findings ``wanted`` names.

    A fingerprint (or a prefix of at least 6 characters), else ``path:line`` (every finding
    there), else a path (every finding in that file).
    """
    every = [(r, f) for r in report.results for f in r.findings]
    text = wanted.strip()
    if FINGERPRINT.match(text.lower()):
        found = [(r, f) for r, f in every if f.fingerprint.startswith(text.lower())]
        if found:
            return found
    place = PLACE.match(text)
    if place:
        path, line = place["path"].removeprefix("./"), int(place["line"])
        return [(r, f) for r, f in every if f.location.path == path and _covers(f, line)]
    return [(r, f) for r, f in every if f.location.path == text.removeprefix("./")]


def _covers(finding: Finding, line: int) -> bool:
    start = finding.location.start_line
    end = finding.location.end_line or start
    return start is not None and end is not None and start <= line <= end


def load_checks(report: Report) -> tuple[Policy | None, str | None]:
    """Load the packs the scan used, to describe checks; return the problem when that fails."""
    try:
        return load_policy(report.settings.policies or ("builtin",), ANALYZERS), None
    except (MlsecPolicyError, OSError) as exc:
        return None, str(exc).splitlines()[0]


def render(
    report: Report,
    result: ControlResult,
    finding: Finding,
    policy: Policy | None,
    problem: str | None = None,
) -> str:
    """Return the explanation of one finding."""
    control = result.control
    lines = [
        f"{finding.location.display()}  [{control.id}] {control.title}",
        f"  {finding.message}",
        f"  severity {finding.severity.label} · control status {result.status.value}"
        f" · fingerprint {finding.fingerprint}",
    ]
    if finding.snippet:
        lines += ["", "Code", *(f"  {line}" for line in finding.snippet.splitlines())]
    lines += _section("Why it matters", control.rationale)
    lines += _section("How to fix it", control.remediation)
    if finding.fix is not None:
        lines += ["", "Automatic fix", f"  {finding.fix.description}"]
        lines.append(f"  apply it with: mlsec-policy fix {report.target} --control {control.id}")
    lines += ["", "Found by", f"  {_origin(finding, policy, problem)}"]
    lines += _places(finding)
    lines += _state(report, finding)
    lines += ["", "Inline suppression", *_inline(finding, policy)]
    return "\n".join(lines) + "\n"


def _section(title: str, text: str) -> list[str]:
    if not text.strip():
        return []
    body = textwrap.wrap(" ".join(text.split()), WIDTH - 2)
    return ["", title, *(f"  {line}" for line in body)]


def _origin(finding: Finding, policy: Policy | None, problem: str | None) -> str:
    """Say which check produced the finding, and with which engine."""
    if policy is None:
        return f"check {finding.check_id} (the policy could not be loaded: {problem})"
    try:
        check = policy.check(finding.check_id)
    except KeyError:
        return f"check {finding.check_id} (not in the policy loaded now)"
    where = f"{_pack_path(policy, check.file)}:{check.line}"
    if isinstance(check, SemgrepCheck):
        return f"semgrep rule {check.id}, written in {where}"
    if isinstance(check, NativeCheck):
        return f"native analyzer {check.analyzer} (check {check.id}), written in {where}"
    return f"attestation check {check.id}, written in {where}"


def _pack_path(policy: Policy, file: str) -> str:
    """Return a control file as its pack names it, never as this machine's absolute path.

    ``policies/controls/...`` for the bundled pack, under the pack folder as the user gave it
    otherwise.
    """
    path = Path(file)
    for pack in policy.packs:
        if path.is_relative_to(pack.root):
            folder = "policies" if pack.source == "builtin" else pack.source.rstrip("/")
            return (PurePosixPath(folder) / path.relative_to(pack.root).as_posix()).as_posix()
    return path.name


def _places(finding: Finding) -> list[str]:
    """List related places and, when the report carries one, the finding's data flow."""
    lines: list[str] = []
    if finding.related:
        lines += ["", "Also found at", *(f"  {p.display()}" for p in finding.related)]
    if finding.flow:
        steps = (f"  via {s.location.display()} ({s.message})" for s in finding.flow)
        lines += ["", "Data flow", *steps]
    return lines


def _state(report: Report, finding: Finding) -> list[str]:
    """Say whether a waiver, an inline comment or a baseline accepts the finding."""
    lines = ["", "Waivers and suppression"]
    suppression = finding.suppression
    if suppression is None:
        lines.append("  active: no waiver, inline comment or baseline accepts it")
    else:
        lines.append(f"  accepted by {suppression.kind}: {suppression.reason}")
        details = [
            f"approved by {suppression.approver}" if suppression.approver else "",
            f"expires {suppression.expires}" if suppression.expires else "",
            f"see {suppression.reference}" if suppression.reference else "",
        ]
        if any(details):
            lines.append("  " + "; ".join(d for d in details if d))
    for use in report.waivers:
        if finding.fingerprint in use.matched:
            waiver = use.waiver
            name = waiver.id or waiver.control_id
            lines.append(
                f"  waiver {name} ({use.state.value}): {waiver.reason} — approved by "
                f"{waiver.approver}, expires {waiver.expires}, {waiver.ticket}"
                + (f", written in {waiver.source}" if waiver.source else "")
            )
    return lines


def _inline(finding: Finding, policy: Policy | None) -> list[str]:
    """Return the exact comment that suppresses the finding, and where it goes."""
    location = finding.location
    comment = f"# mlsec-policy: ignore[{finding.control_id}] <why this is acceptable>"
    if policy is not None:
        try:
            check = policy.check(finding.check_id)
        except KeyError:
            check = None
        if isinstance(check, NativeCheck) and not ANALYZERS[check.analyzer].inline_suppressible:
            return [
                f"  none: findings of {check.analyzer} cannot be suppressed by a comment;",
                "  record a waiver in .mlsec-policy.yml (reason, approver, ticket, expiry)",
            ]
    kind = classify(location.path, b"").kind
    style = comment_style(Artifact(location.path, kind, 0))
    if style is None or location.start_line is None:
        what = "this kind of file" if style is None else "a finding about a whole file"
        return [
            f"  none: {what} holds no comment that covers it;",
            "  record a waiver in .mlsec-policy.yml (reason, approver, ticket, expiry)",
        ]
    if location.cell is not None:
        where = f"cell {location.cell.index}, line {location.cell.line}"
    else:
        where = f"line {location.start_line} of {PurePosixPath(location.path).as_posix()}"
    return [
        f"  at the end of {where}:",
        f"    {comment}",
        "  or alone on the line above it (a comment on its own line covers the next line);",
        "  comments are ignored with --no-inline-suppressions, where a waiver is needed",
    ]
