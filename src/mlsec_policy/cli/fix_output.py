"""What ``fix`` and ``scan --fix`` print about the fixes they applied or would apply."""

from __future__ import annotations

from pathlib import Path

import click

from mlsec_policy.fix import Outcome, apply_fixes, fixable
from mlsec_policy.models import Report


def describe(outcome: Outcome, *, written: bool) -> str:
    """Return one line per fixed finding and per refused fix."""
    lines: list[str] = []
    verb = "fixed" if written else "would fix"
    seen: set[str] = set()
    for file in outcome.files:
        for finding in file.findings:
            if finding.fingerprint in seen:
                continue  # a fix that changes several files is listed once
            seen.add(finding.fingerprint)
            text = finding.fix.description if finding.fix else finding.check_id
            lines.append(f"{verb} {finding.location.display()} [{finding.control_id}]: {text}")
    for refusal in outcome.refused:
        where = refusal.finding.location.display()
        lines.append(f"not fixed {where} [{refusal.finding.control_id}]: {refusal.reason}")
    return "".join(line + "\n" for line in lines)


def summary(outcome: Outcome, report: Report, *, written: bool) -> str:
    """Return the closing line: how many findings were fixed, and how many are left."""
    active = sum(len(r.active_findings) for r in report.results)
    left = active - outcome.fixed
    verb = "fixed" if written else "would fix"
    files = len(outcome.files)
    text = f"{verb} {outcome.fixed} finding(s) in {files} file(s); {left} finding(s) need a person"
    if outcome.refused:
        text += f"; {len(outcome.refused)} fix(es) refused (see above)"
    return text


def apply_and_report(report: Report, root: Path) -> int:
    """Apply the fixes of a finished scan (``scan --fix``); return how many files changed."""
    outcome = apply_fixes(fixable(report), root, write=True)
    click.echo(describe(outcome, written=True) + summary(outcome, report, written=True), err=True)
    return len(outcome.files)
