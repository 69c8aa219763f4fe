"""The console summary: counts per lifecycle phase, then what fails and how to fix it.

Colour is an argument, not a guess: the command line decides (a TTY, and no ``NO_COLOR``).
``verbosity`` 0 prints the verdict line only, 1 the normal summary, 2 adds passing controls,
their evidence and the skipped files.
"""

from __future__ import annotations

from collections.abc import Iterable

from mlsec_policy.models import (
    ControlResult,
    ControlStatus,
    ErrorLevel,
    Finding,
    Report,
    Severity,
)
from mlsec_policy.outcome import exit_code, gating_failures, verdict
from mlsec_policy.report import framework_text, integrity, json_report, summary, trail
from mlsec_policy.report.advisory_snapshot import describe as describe_snapshot

COLUMNS = (
    (ControlStatus.PASS, "pass"),
    (ControlStatus.FAIL, "fail"),
    (ControlStatus.ERROR, "error"),
    (ControlStatus.WAIVED, "waived"),
    (ControlStatus.BASELINED, "baselined"),
    (ControlStatus.ATTESTED, "attested"),
    (ControlStatus.NEEDS_ATTESTATION, "needs-att"),
    (ControlStatus.NOT_EVALUATED, "not-eval"),
    (ControlStatus.NOT_APPLICABLE, "n/a"),
)
MAX_FINDINGS_SHOWN = 10
CELL = 10

_STYLES = {
    "red": "\033[31m",
    "green": "\033[32m",
    "yellow": "\033[33m",
    "blue": "\033[34m",
    "magenta": "\033[35m",
    "bold": "\033[1m",
    "dim": "\033[2m",
}
_SEVERITY_STYLE = {
    Severity.CRITICAL: "magenta",
    Severity.HIGH: "red",
    Severity.MEDIUM: "yellow",
    Severity.LOW: "blue",
}


def render(report: Report, *, color: bool = False, verbosity: int = 1, may_fix: int = 0) -> str:
    """Return the console text for ``report``.

    ``may_fix`` counts the active findings whose check declares a fix, for a scan that did not
    work out the exact fixes (the console then says "up to").
    """
    paint = _Painter(color)
    lines: list[str] = []
    if verbosity >= 1:
        lines += _header(report)
        lines += _phase_table(report, paint)
        lines += _failures(report, paint)
        lines += _attestations(report, paint)
        lines += _accepted(report, paint)
        lines += _not_evaluated(report, paint)
        lines += _errors(report, paint)
        lines += framework_text.console_lines(report.frameworks, paint, verbosity)
        lines += _fixable(report, paint, may_fix)
    if verbosity >= 2:
        lines += _passes(report, paint)
        lines += _skipped(report)
    if verbosity >= 1:
        digest = json_report.to_document(report)[integrity.KEY]["content_digest"]
        lines += ["", paint(integrity.explained(integrity.CONTENT_DIGEST, digest), "dim")]
    lines.append(_verdict_line(report, paint))
    return "\n".join(lines) + "\n"


class _Painter:
    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def __call__(self, text: str, *styles: str) -> str:
        if not self.enabled or not styles:
            return text
        return "".join(_STYLES[s] for s in styles) + text + "\033[0m"


def _header(report: Report) -> list[str]:
    packs = ", ".join(f"{p.name} {p.version}" for p in report.policy.packs)
    where = report.target
    if report.git is not None and report.git.commit:
        where += f" @ {report.git.commit[:12]}"
        if report.git.branch:
            where += f" ({report.git.branch})"
        if report.git.dirty:
            where += " with uncommitted changes"
    inspected = sum(report.inventory_counts.values())
    kinds = ", ".join(f"{kind} {count}" for kind, count in report.inventory_counts.items())
    lines = [
        f"mlsec-policy {report.tool.version} scanned {where}",
        f"policy: {packs} ({len(report.results)} controls)",
        "  " + integrity.explained(integrity.POLICY_DIGEST, report.policy.digest),
        f"files: {inspected} inspected"
        + (f" ({kinds})" if kinds else "")
        + (f", {len(report.skipped)} skipped" if report.skipped else ""),
    ]
    if report.advisory_snapshot is not None:
        lines.append(f"advisories: {describe_snapshot(report.advisory_snapshot)}")
    lines += [f"note: {note}" for note in report.notes]
    lines += _scope_lines(report)
    return [*lines, ""]


def _scope_lines(report: Report) -> list[str]:
    """Say what a --diff-base scan ran where (nothing for other scans)."""
    scope = report.diff_scope
    if scope is None:
        return []
    examined = len(scope.examined_files)
    limited = len(scope.changed_file_controls)
    return [
        f"diff scope: {limited} per-file controls ran on {examined} changed or dependent "
        f"file{'s' if examined != 1 else ''} only ({len(scope.not_evaluated)} had none of "
        "their kind: not evaluated); the other controls saw the whole repository"
    ]


def _phase_table(report: Report, paint: _Painter) -> list[str]:
    phases = summary.phases(report)
    totals = summary.status_counts(report.results)
    columns = [
        (status, label)
        for status, label in COLUMNS
        if totals.get(status.value) or status in (ControlStatus.PASS, ControlStatus.FAIL)
    ]
    width = max((len(p.title) for p in phases), default=10) + 2
    header = "Lifecycle phase".ljust(width) + "".join(label.rjust(CELL) for _, label in columns)
    lines = [paint(header, "bold")]
    layer = None
    for phase in phases:
        if phase.layer != layer:
            layer = phase.layer
            title = next((lay.title for lay in report.taxonomy.layers if lay.id == layer), layer)
            lines.append(paint(f"{title}", "dim"))
        cells = []
        for status, _label in columns:
            count = phase.counts.get(status.value, 0)
            cell = str(count).rjust(CELL)
            if count and status is ControlStatus.FAIL:
                cell = paint(cell, "red", "bold")
            elif count and status is ControlStatus.ERROR:
                cell = paint(cell, "magenta", "bold")
            elif count and status is ControlStatus.PASS:
                cell = paint(cell, "green")
            cells.append(cell)
        lines.append("  " + phase.title.ljust(width - 2) + "".join(cells))
    lines.append(
        "Total".ljust(width) + "".join(str(totals[s.value]).rjust(CELL) for s, _ in columns)
    )
    return [*lines, ""]


def _failures(report: Report, paint: _Painter) -> list[str]:
    failing = [r for r in report.results if r.status is ControlStatus.FAIL]
    if not failing:
        return []
    failing.sort(key=lambda r: (-r.severity, r.control.phase, r.control.id))
    lines = [paint(f"Failing controls ({len(failing)})", "bold")]
    for result in failing:
        lines += _control_block(result, paint)
    return lines


def _marker(finding: Finding, paint: _Painter) -> str:
    """Return the mark of a finding in test, example or docs code (empty in product code)."""
    if finding.path_class is None:
        return ""
    return "  " + paint(f"[{finding.path_class.label}]", "dim")


def _control_block(result: ControlResult, paint: _Painter) -> list[str]:
    control = result.control
    severity = paint(f"[{result.severity.label.upper()}]", _SEVERITY_STYLE[result.severity], "bold")
    lines = [
        f"  {severity} {paint(control.id, 'bold')} {control.title}",
        paint(f"      phase {control.phase}; risks {', '.join(control.risks)}", "dim"),
    ]
    active = result.active_findings
    for finding in active[:MAX_FINDINGS_SHOWN]:
        lines.append(
            f"      {finding.location.display()}  {finding.message}{_marker(finding, paint)}"
        )
        lines.extend(
            paint(f"        {note}", "dim")
            for note in (trail.context_note(finding), trail.via(finding))
            if note
        )
    if len(active) > MAX_FINDINGS_SHOWN:
        lines.append(
            f"      … and {len(active) - MAX_FINDINGS_SHOWN} more (see the JSON or HTML report)"
        )
    lines.append(f"      fix: {control.fix}")
    return lines


def _attestations(report: Report, paint: _Painter) -> list[str]:
    needed = [r for r in report.results if r.status is ControlStatus.NEEDS_ATTESTATION]
    if not needed:
        return []
    lines = ["", paint(f"Needing an attestation ({len(needed)})", "bold")]
    lines += [f"  {r.control.id} {r.control.title}" for r in needed]
    return lines


def _accepted(report: Report, paint: _Painter) -> list[str]:
    """List the controls whose findings are all accepted: by waivers, and by the baseline."""
    lines: list[str] = []
    for status, title in (
        (ControlStatus.WAIVED, "Waived (accepted by a waiver or an inline comment)"),
        (ControlStatus.BASELINED, "Baselined (known findings recorded in the baseline)"),
    ):
        chosen = [r for r in report.results if r.status is status]
        if chosen:
            lines += ["", paint(f"{title} ({len(chosen)})", "bold")]
            lines += [f"  {r.control.id} {r.control.title}: {r.reason}" for r in chosen]
    return lines


def _not_evaluated(report: Report, paint: _Painter) -> list[str]:
    chosen = [r for r in report.results if r.status is ControlStatus.NOT_EVALUATED]
    if not chosen:
        return []
    ids = ", ".join(r.control.id for r in chosen)
    return [
        "",
        paint(f"Not evaluated on this change ({len(chosen)}) — neither pass nor fail", "bold"),
        f"  no changed file is of a kind these controls read: {ids}",
    ]


def _errors(report: Report, paint: _Painter) -> list[str]:
    if not report.errors:
        return []
    hard = [e for e in report.errors if e.level is ErrorLevel.ERROR]
    title = "Scan errors — these controls could not be verified" if hard else "Scan warnings"
    lines = ["", paint(f"{title} ({len(report.errors)})", "bold", "magenta" if hard else "yellow")]
    for error in report.errors:
        where = f"{error.path}:{error.line}" if error.path and error.line else (error.path or "-")
        controls = f" [{', '.join(error.control_ids)}]" if error.control_ids else ""
        lines.append(f"  {error.level.value}: {where}: {error.message}{controls}")
        if error.hint:
            lines.append(paint(f"      hint: {error.hint}", "dim"))
    return lines


def _fixable(report: Report, paint: _Painter, may_fix: int) -> list[str]:
    """Say how many active findings ``mlsec-policy fix`` can mend (at most, without the fixes)."""
    count = sum(
        1 for r in report.results for f in r.findings if f.fix is not None and f.suppression is None
    )
    how = f" mlsec-policy fix {report.target} --diff (review), then without --diff (apply)"
    if count:
        what = "finding can" if count == 1 else "findings can"
        return ["", paint(f"{count} {what} be fixed automatically:", "bold") + how]
    if not may_fix:
        return []
    what = "finding" if may_fix == 1 else "findings"
    return [
        "",
        paint(f"Up to {may_fix} {what} may be fixed automatically", "bold")
        + " (their checks declare a fix; --diff lists those it applies to):"
        + how,
    ]


def _passes(report: Report, paint: _Painter) -> list[str]:
    lines = ["", paint("Other controls", "bold")]
    for result in report.results:
        if result.status is ControlStatus.FAIL:
            continue
        lines.append(f"  {result.status.value:<17} {result.control.id} {result.control.title}")
        lines += [f"      {result.reason}"] if result.reason else []
        for evidence in result.evidence[:3]:
            where = evidence.location.display() if evidence.location else ""
            lines.append(f"      evidence: {evidence.description} {where}".rstrip())
    return lines


def _skipped(report: Report) -> list[str]:
    if not report.skipped:
        return []
    return [
        "",
        "Skipped files and parts of files",
        *(f"  {s.path}{f':{s.line}' if s.line else ''}: {s.reason}" for s in report.skipped),
    ]


def _verdict_line(report: Report, paint: _Painter) -> str:
    word = verdict(report)
    gate = gating_failures(report)
    code = int(exit_code(report))
    threshold = report.settings.fail_on.label
    if word == "incomplete":
        detail = "some checks could not run; the result is not a pass"
        style = "magenta"
    elif word == "fail":
        verb = "fails" if len(gate) == 1 else "fail"
        detail = f"{len(gate)} control{_s(gate)} {verb} at or above {threshold}"
        style = "red"
    else:
        detail = f"no control fails at or above {threshold}"
        style = "green"
    return "\n" + paint(f"Verdict: {word.upper()}", style, "bold") + f" — {detail} (exit {code})"


def _s(items: Iterable[object]) -> str:
    return "" if len(list(items)) == 1 else "s"
