"""The auditor's report: one self-contained HTML file, readable without JavaScript or network.

The page is drawn by a Jinja template (autoescaped) from the Report and figures derived from
it. CSS and the small filter script are inlined, the chart is inline SVG drawn from
:mod:`mlsec_policy.report.chart`, and a Content-Security-Policy allows nothing but those two
inline blocks (by hash) and no network at all, so the file can be archived as evidence and
opened years later exactly as it was written.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from functools import cache
from importlib.resources import files

import jinja2
from markupsafe import Markup

from mlsec_policy.models import (
    STATUS_ORDER,
    ErrorLevel,
    Finding,
    Location,
    References,
    Report,
    Severity,
    Suppression,
)
from mlsec_policy.outcome import exit_code, gating_failures, verdict
from mlsec_policy.report import advisory_snapshot, chart, integrity, json_report, summary, trail
from mlsec_policy.report.links import source_links

TEMPLATE = "report.html.j2"
MAX_FINDINGS_SHOWN = 200
"""Findings listed per control; the rest are counted and left to the JSON report."""
EXCERPT_LINES = 8
EXCERPT_LINE_CHARS = 160


@dataclass(frozen=True, slots=True)
class ExcerptLine:
    """One line of a finding's code excerpt."""

    number: int | None
    text: str


@dataclass(frozen=True, slots=True)
class AcceptedFindings:
    """One suppression as applied: which control, and where the findings it accepted are."""

    control_id: str
    suppression: Suppression
    paths: tuple[str, ...]


def render(report: Report) -> str:
    """Return the HTML report."""
    css = _asset("report.css")
    script = _asset("report.js")
    rank = {status: index for index, status in enumerate(STATUS_ORDER)}
    phases = summary.phases(report)
    ordered = {
        phase.id: sorted(phase.results, key=lambda r: (rank[r.status], -r.severity, r.control.id))
        for phase in phases
    }
    links = source_links(report.git)
    totals = summary.status_counts(report.results)
    accepted = _accepted(report)
    page = (
        _environment()
        .get_template(TEMPLATE)
        .render(
            report=report,
            # mlsec-policy: ignore[MLSEC-LLM-02] our own packaged stylesheet, not user text
            css=Markup(css),
            # mlsec-policy: ignore[MLSEC-LLM-02] our own packaged script, not user text
            script=Markup(script),
            csp=_csp(css, script),
            verdict=verdict(report),
            exit_code=int(exit_code(report)),
            gating=gating_failures(report),
            hard_errors=[e for e in report.errors if e.level is ErrorLevel.ERROR],
            totals=totals,
            statuses=[s.value for s in summary.shown_statuses(report.results)],
            severities=[s.label for s in sorted(Severity, reverse=True)],
            phases=phases,
            ordered=ordered,
            layers=report.taxonomy.layers,
            risks=summary.risks(report),
            chart=chart.phase_chart(phases, report.taxonomy.layers),
            content_digest=json_report.to_document(report)["integrity"]["content_digest"],
            commit_url=links.commit_url() if links else None,
            accepted=[a for a in accepted if a.suppression.kind != "baseline"],
            baselined=[a for a in accepted if a.suppression.kind == "baseline"],
            meaning=integrity.MEANING,
            advisory_snapshot=advisory_snapshot.describe(report.advisory_snapshot)
            if report.advisory_snapshot
            else None,
            attested=[r for r in report.results if r.attestation is not None],
            max_findings=MAX_FINDINGS_SHOWN,
            control_ids={r.control.id for r in report.results},
        )
    )
    return page if page.endswith("\n") else page + "\n"


def page_environment(package: str) -> jinja2.Environment:
    """Return the Jinja environment every HTML page of ours uses: escaping on, strict names.

    ``package`` holds the page's ``templates/`` folder.
    """
    return jinja2.Environment(
        loader=jinja2.PackageLoader(package, "templates"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


@cache
def _environment() -> jinja2.Environment:
    env = page_environment("mlsec_policy.report")
    env.filters.update(
        paragraphs=paragraphs,
        excerpt=excerpt,
        where=where,
        label=label,
        seconds=seconds,
        frameworks=frameworks,
        via=trail.via,
        context_note=trail.context_note,
    )
    return env


@cache
def _asset(name: str) -> str:
    return files("mlsec_policy.report").joinpath("templates", name).read_text("utf-8")


def _csp(css: str, script: str) -> str:
    def digest(text: str) -> str:
        return base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")

    return (
        "default-src 'none'; "
        f"style-src 'sha256-{digest(css)}'; "
        f"script-src 'sha256-{digest(script)}'; "
        "img-src data:; form-action 'none'; base-uri 'none'"
    )


def paragraphs(text: str) -> list[str]:
    """Split policy prose into paragraphs at blank lines, joining wrapped lines."""
    blocks = [" ".join(block.split()) for block in text.strip().split("\n\n")]
    return [block for block in blocks if block]


def excerpt(finding: Finding) -> list[ExcerptLine]:
    """Return the first lines of a finding's (already redacted) snippet, numbered."""
    if not finding.snippet:
        return []
    lines = finding.snippet.rstrip("\n").splitlines()
    cell = finding.location.cell
    start = finding.location.start_line if cell is None else cell.line
    shown = [
        ExcerptLine(
            start + offset if start is not None else None,
            line if len(line) <= EXCERPT_LINE_CHARS else line[: EXCERPT_LINE_CHARS - 1] + "…",
        )
        for offset, line in enumerate(lines[:EXCERPT_LINES])
    ]
    if len(lines) > EXCERPT_LINES:
        shown.append(ExcerptLine(None, f"… {len(lines) - EXCERPT_LINES} more lines"))
    return shown


def where(location: Location | None) -> str:
    """Return ``path:line`` (with the notebook cell), or ``repository`` for whole-repo facts."""
    if location is None:
        return "repository"
    return location.display()


def label(status: str) -> str:
    """Return a status as words (``needs-attestation`` → ``needs attestation``)."""
    return status.replace("-", " ")


def seconds(value: float) -> str:
    """Return a duration for people: ``0.8 s``, ``12 s``, ``3 min 5 s``."""
    if value < 10:
        return f"{value:.1f} s"
    minutes, rest = divmod(round(value), 60)
    return f"{minutes} min {rest} s" if minutes else f"{rest} s"


def _accepted(report: Report) -> list[AcceptedFindings]:
    grouped: dict[tuple[str, Suppression], list[str]] = {}
    for result in report.results:
        for finding in result.findings:
            if finding.suppression is not None:
                key = (result.control.id, finding.suppression)
                grouped.setdefault(key, []).append(finding.location.display())
    return [
        AcceptedFindings(control_id, suppression, tuple(paths))
        for (control_id, suppression), paths in grouped.items()
    ]


def frameworks(references: References) -> str:
    """Return the framework ids a control maps to, named by framework, or ``none``."""
    parts = [
        f"{name} {', '.join(ids)}"
        for name, ids in (
            ("OWASP ML Top 10", references.owasp_ml),
            ("OWASP LLM Top 10", references.owasp_llm),
            ("MITRE ATLAS", references.atlas),
        )
        if ids
    ]
    parts += [", ".join(ids) for ids in (references.cwe, references.other) if ids]
    return "; ".join(parts) or "none"
