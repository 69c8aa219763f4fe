"""Markdown for a CI job summary or a merge-request comment: compact, linked, within limits.

The verdict, a table per lifecycle phase, the failing controls with their findings (linked
to the file line at the scanned commit when the remote is on GitHub or GitLab), scan errors,
controls needing an attestation, waived and baselined controls, and (for a ``--diff-base``
scan) the controls not evaluated on the change, then a section per framework asked for with
``--framework`` (:mod:`.framework_text`). GitHub accepts at most 65,536 characters
in a comment and 1 MiB in a job summary: the text is built from whole blocks, and when the
next block would not fit it stops with a note — a table is never cut.
"""

from __future__ import annotations

import re
from collections import Counter

from mlsec_policy.models import (
    ControlResult,
    ControlStatus,
    ErrorLevel,
    Finding,
    Report,
)
from mlsec_policy.outcome import exit_code, gating_failures, verdict
from mlsec_policy.report import framework_text, integrity, json_report, summary, trail
from mlsec_policy.report.advisory_snapshot import describe as describe_snapshot
from mlsec_policy.report.links import SourceLinks, source_links

DEFAULT_MAX_CHARS = 65_536
"""GitHub's limit for an issue or pull-request comment (a job summary allows 1 MiB)."""
MAX_BYTES = 1024 * 1024
"""GitHub's limit for a job summary; never exceeded whatever ``max_chars`` says."""
MIN_CHARS = 2_000
"""Below this not even the verdict and the phase table fit."""
NOTE_ROOM = 400
"""Characters kept free for the truncation note."""
FINDINGS_PER_CONTROL = 10
ITEMS_PER_LIST = 50

STATUS_LABEL = {
    ControlStatus.FAIL: "Fail",
    ControlStatus.ERROR: "Error",
    ControlStatus.NEEDS_ATTESTATION: "Needs attestation",
    ControlStatus.WAIVED: "Waived",
    ControlStatus.BASELINED: "Baselined",
    ControlStatus.ATTESTED: "Attested",
    ControlStatus.PASS: "Pass",
    ControlStatus.NOT_EVALUATED: "Not evaluated",
    ControlStatus.NOT_APPLICABLE: "N/A",
}
VERDICT_MARK = {"pass": "✅", "fail": "❌", "incomplete": "⚠️"}
_SPECIAL = re.compile(r"([\\`*_\[\]<>|~&])")


def render(report: Report, *, max_chars: int = DEFAULT_MAX_CHARS) -> str:
    """Return the Markdown summary, at most ``max_chars`` characters and 1 MiB of UTF-8."""
    if max_chars < MIN_CHARS:
        raise ValueError(f"the Markdown limit must be at least {MIN_CHARS} characters")
    links = source_links(report.git)
    blocks = [
        ("verdict", _header(report, links)),
        ("phase table", _phase_table(report)),
        *(("scan errors", b) for b in _errors(report)),
        *(("failing control", b) for b in _failures(report, links)),
        *(
            ("controls needing an attestation", b)
            for b in _list_block(report, ControlStatus.NEEDS_ATTESTATION, "Needing an attestation")
        ),
        *(("waived controls", b) for b in _waived(report)),
        *(("baselined controls", b) for b in _baselined(report)),
        *(("controls not evaluated", b) for b in _not_evaluated(report)),
        *(
            ("framework section", b)
            for b in framework_text.markdown_blocks(report.frameworks, _failing_ids(report))
        ),
        *(("notes", b) for b in _notes(report)),
    ]
    return _fit(blocks, max_chars)


def _fit(blocks: list[tuple[str, str]], max_chars: int) -> str:
    text = ""
    for index, (_label, block) in enumerate(blocks):
        candidate = text + block + "\n"
        room = 0 if index == len(blocks) - 1 else NOTE_ROOM
        if len(candidate) + room > max_chars or len(candidate.encode()) + room > MAX_BYTES:
            return text + _truncation_note([label for label, _ in blocks[index:]], max_chars)
        text = candidate
    return text


def _truncation_note(left_out: list[str], max_chars: int) -> str:
    counts = Counter(left_out)
    parts = [
        f"{n} {label}{_s(n)}" if label in ("failing control", "framework section") else label
        for label, n in counts.items()
    ]
    return (
        f"> [!NOTE]\n> Truncated to stay within {max_chars:,} characters; not shown: "
        f"{', '.join(parts)}. The JSON and HTML reports have everything.\n"
    )


def _header(report: Report, links: SourceLinks | None) -> str:
    word = verdict(report)
    gate = gating_failures(report)
    lines = [f"## {VERDICT_MARK[word]} mlsec-policy — Verdict: {word.upper()}", ""]
    threshold = report.settings.fail_on.label
    if word == "incomplete":
        hard = sum(1 for e in report.errors if e.level is ErrorLevel.ERROR)
        lines.append(f"{hard} check problem{_s(hard)} left controls unverified; not a pass.")
    elif word == "fail":
        verb = "fails" if len(gate) == 1 else "fail"
        lines.append(f"{len(gate)} control{_s(len(gate))} {verb} at or above **{threshold}**.")
    else:
        lines.append(f"No control fails at or above **{threshold}**.")
    silent = sum(1 for r in report.results if r.status is ControlStatus.NOT_EVALUATED)
    counted = f"{len(report.results)} controls evaluated"
    if silent:
        counted = f"{len(report.results)} controls, {silent} of them not evaluated on this change"
    lines[-1] += f" {counted}; exit code {int(exit_code(report))}."
    lines += ["", _facts(report, links)]
    return "\n".join(lines) + "\n"


def _facts(report: Report, links: SourceLinks | None) -> str:
    facts = [f"**Target** {_code(report.target)}"]
    git = report.git
    if git is not None and git.commit:
        commit = _code(git.commit[:12])
        facts.append(
            f"**Commit** [{commit}]({links.commit_url()})" if links else f"**Commit** {commit}"
        )
        if git.branch:
            facts.append(f"**Branch** {_code(git.branch)}")
        if git.dirty:
            facts.append("**Uncommitted changes** yes (lines may differ from the commit)")
    packs = ", ".join(f"{_text(p.name)} {_text(p.version)}" for p in report.policy.packs)
    facts.append(f"**Policy** {packs} (policy digest {_code(report.policy.digest[:19] + '…')})")
    facts.append(f"**Scanned** {_text(report.started_at)}")
    if report.advisory_snapshot is not None:
        facts.append(f"**Advisories** {_text(describe_snapshot(report.advisory_snapshot))}")
    content = json_report.to_document(report)[integrity.KEY]["content_digest"]
    digests = (
        f"<sub>The {integrity.POLICY_DIGEST} {_code(report.policy.digest)} is the "
        f"{_text(integrity.MEANING[integrity.POLICY_DIGEST])}. The "
        f"{integrity.CONTENT_DIGEST} {_code(content)} is the "
        f"{_text(integrity.MEANING[integrity.CONTENT_DIGEST])}.</sub>"
    )
    return " · ".join(facts) + "\n\n" + digests


def _phase_table(report: Report) -> str:
    totals = summary.status_counts(report.results)
    columns = summary.shown_statuses(report.results)
    header = "| Phase | " + " | ".join(STATUS_LABEL[s] for s in columns) + " |"
    rule = "|---|" + "---:|" * len(columns)
    rows = [header, rule]
    layer = None
    for phase in summary.phases(report):
        if phase.layer != layer:
            layer = phase.layer
            title = next((x.title for x in report.taxonomy.layers if x.id == layer), layer)
            rows.append(f"| **{_text(title)}** |" + " |" * len(columns))
        rows.append(f"| {_text(phase.title)} | " + _counts(phase.counts, columns) + " |")
    rows.append("| **Total** | " + _counts(totals, columns, bold=True) + " |")
    return "### Controls per lifecycle phase\n\n" + "\n".join(rows) + "\n"


def _counts(
    counts: dict[str, int], columns: tuple[ControlStatus, ...], *, bold: bool = False
) -> str:
    cells = []
    for status in columns:
        value = counts.get(status.value, 0)
        cell = str(value)
        cells.append(f"**{cell}**" if bold or (value and status is ControlStatus.FAIL) else cell)
    return " | ".join(cells)


def _failures(report: Report, links: SourceLinks | None) -> list[str]:
    failing = sorted(
        (r for r in report.results if r.status is ControlStatus.FAIL),
        key=lambda r: (-r.severity, r.control.phase, r.control.id),
    )
    if not failing:
        return []
    title = f"### Failing controls ({len(failing)})\n"
    return [title + "\n" + _control(failing[0], links), *(_control(r, links) for r in failing[1:])]


def _failing_ids(report: Report) -> frozenset[str]:
    """Return the controls that get a block (and an anchor) of their own in this summary."""
    return frozenset(r.control.id for r in report.results if r.status is ControlStatus.FAIL)


def _control(result: ControlResult, links: SourceLinks | None) -> str:
    control = result.control
    lines = [
        f'<a id="{framework_text.anchor(control.id)}"></a>',
        "",
        f"**{result.severity.label.upper()}** · **{_text(control.id)}** {_text(control.title)}  ",
        f"Phase {_code(control.phase)} · risks {', '.join(_code(r) for r in control.risks)}"
        + (
            f" · requirements {', '.join(_code(r) for r in control.requirements)}"
            if control.requirements
            else ""
        ),
        "",
    ]
    active = result.active_findings
    lines += [f"- {_finding(f, links)}" for f in active[:FINDINGS_PER_CONTROL]]
    if len(active) > FINDINGS_PER_CONTROL:
        lines.append(f"- … and {len(active) - FINDINGS_PER_CONTROL} more")
    lines += ["", f"**Fix:** {_text(control.fix)}", ""]
    return "\n".join(lines)


def _finding(finding: Finding, links: SourceLinks | None) -> str:
    where = _code(finding.location.display())
    if links is not None:
        where = f"[{where}]({links.line_url(finding.location)})"
    mark = f" _({finding.path_class.label})_" if finding.path_class is not None else ""
    notes = "".join(
        f" · {_text(note)}" for note in (trail.context_note(finding), trail.via(finding)) if note
    )
    return f"{where} {_text(finding.message)}{mark}{notes}"


def _errors(report: Report) -> list[str]:
    if not report.errors:
        return []
    hard = any(e.level is ErrorLevel.ERROR for e in report.errors)
    title = "Scan errors: these controls could not be verified" if hard else "Scan warnings"
    lines = [f"### {title} ({len(report.errors)})", ""]
    for error in report.errors[:ITEMS_PER_LIST]:
        where = f"{error.path}:{error.line}" if error.path and error.line else error.path
        affected = ", ".join(error.control_ids)
        lines.append(
            f"- **{error.level.value}** "
            + (f"{_code(where)} " if where else "")
            + _text(error.message)
            + (f" ({_text(affected)})" if affected else "")
        )
    lines += _more(len(report.errors))
    return ["\n".join(lines) + "\n"]


def _list_block(report: Report, status: ControlStatus, title: str) -> list[str]:
    chosen = [r for r in report.results if r.status is status]
    if not chosen:
        return []
    lines = [f"### {title} ({len(chosen)})", ""]
    lines += [
        f"- **{_text(r.control.id)}** {_text(r.control.title)}" for r in chosen[:ITEMS_PER_LIST]
    ]
    return ["\n".join([*lines, *_more(len(chosen))]) + "\n"]


def _waived(report: Report) -> list[str]:
    chosen = [r for r in report.results if r.status is ControlStatus.WAIVED]
    if not chosen:
        return []
    lines = [f"### Waived ({len(chosen)})", ""]
    for result in chosen[:ITEMS_PER_LIST]:
        reasons = sorted(
            {
                _suppression_text(f)
                for f in result.findings
                if f.suppression is not None and f.suppression.kind != "baseline"
            }
        )
        lines.append(f"- **{_text(result.control.id)}** " + "; ".join(reasons))
    return ["\n".join([*lines, *_more(len(chosen))]) + "\n"]


def _baselined(report: Report) -> list[str]:
    """List every control with findings a baseline accepted (known before; not a waiver)."""
    chosen = [
        (result, known)
        for result in report.results
        if (
            known := [
                f for f in result.findings if f.suppression and f.suppression.kind == "baseline"
            ]
        )
    ]
    if not chosen:
        return []
    lines = [f"### Baselined — known findings the baseline records ({len(chosen)})", ""]
    for result, known in chosen[:ITEMS_PER_LIST]:
        source = known[0].suppression.reference if known[0].suppression else None
        where = f" in {_code(source)}" if source else ""
        lines.append(
            f"- **{_text(result.control.id)}** {len(known)} finding{_s(len(known))} "
            f"recorded{where} ({_text(result.status.value)})"
        )
    return ["\n".join([*lines, *_more(len(chosen))]) + "\n"]


def _not_evaluated(report: Report) -> list[str]:
    chosen = [r for r in report.results if r.status is ControlStatus.NOT_EVALUATED]
    if not chosen:
        return []
    lines = [
        f"### Not evaluated on this change ({len(chosen)})",
        "",
        "No changed file is of a kind these controls read: neither pass nor fail.",
        "",
        *(f"- **{_text(r.control.id)}** {_text(r.control.title)}" for r in chosen[:ITEMS_PER_LIST]),
    ]
    return ["\n".join([*lines, *_more(len(chosen))]) + "\n"]


def _notes(report: Report) -> list[str]:
    if not report.notes:
        return []
    lines = ["### Notes", "", *(f"- {_text(note)}" for note in report.notes[:ITEMS_PER_LIST])]
    return ["\n".join([*lines, *_more(len(report.notes))]) + "\n"]


def _suppression_text(finding: Finding) -> str:
    s = finding.suppression
    assert s is not None
    parts = [f"{s.kind}: {s.reason}"]
    if s.approver:
        parts.append(f"approved by {s.approver}")
    if s.expires:
        parts.append(f"until {s.expires}")
    return _text(", ".join(parts))


def _more(count: int) -> list[str]:
    return [f"- … and {count - ITEMS_PER_LIST} more"] if count > ITEMS_PER_LIST else []


def _text(value: str) -> str:
    """Escape text so Markdown shows it as written, on one line."""
    return _SPECIAL.sub(r"\\\1", " ".join(value.split()))


def _code(value: str) -> str:
    """Return ``value`` as an inline code span (safe inside a table cell)."""
    value = " ".join(value.split()).replace("|", "\\|")
    longest = max((len(m) for m in re.findall(r"`+", value)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if value.startswith("`") or value.endswith("`") else ""
    return f"{fence}{pad}{value}{pad}{fence}"


def _s(count: int) -> str:
    return "" if count == 1 else "s"
