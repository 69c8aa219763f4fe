"""Attach to each active finding of a report the fix its check declares, where one applies."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from mlsec_policy.fix.edits import EditConflict, apply
from mlsec_policy.fix.files import FixRefused, check_still_parses, read_text
from mlsec_policy.fix.native_fixes import native_fix
from mlsec_policy.fix.semgrep_fixes import declares_fix, semgrep_fixes
from mlsec_policy.models import Finding, FixProposal, Report
from mlsec_policy.options import SemgrepSettings
from mlsec_policy.policy.model import NativeCheck, Policy, SemgrepCheck
from mlsec_policy.redact import redact


def propose(report: Report, policy: Policy, root: Path, settings: SemgrepSettings) -> Report:
    """Return the report with a ``fix`` on every active finding that can be fixed."""
    findings = [f for result in report.results for f in result.findings]
    semgrep_checks = {check.id: check for check in policy.checks(SemgrepCheck)}
    fixes = semgrep_fixes(findings, semgrep_checks, policy.severities(), root, settings)
    natives = {check.id: check for check in policy.checks(NativeCheck) if check.autofix}
    for finding in findings:
        check = natives.get(finding.check_id)
        if check is None or check.autofix is None or finding.suppression is not None:
            continue
        proposal = native_fix(check.autofix, finding, root)
        if proposal is not None:
            fixes[finding.fingerprint] = proposal
    fixes = {key: proposal for key, proposal in fixes.items() if _sound(proposal, root)}
    if not fixes:
        return report
    return replace(
        report,
        results=tuple(
            replace(
                result, findings=tuple(_with(f, fixes.get(f.fingerprint)) for f in result.findings)
            )
            for result in report.results
        ),
    )


def _sound(proposal: FixProposal, root: Path) -> bool:
    """Return whether each change of a fix applies to its file and leaves it parseable.

    A fix whose text would show a secret is not offered: reports mask secrets, and a fix must
    carry its exact text (the finding stays for a person; the secret is a finding of its own).
    """
    texts = [proposal.description, *(e.text for c in proposal.changes for e in c.edits)]
    if any(redact(text) != text for text in texts):
        return False
    for change in proposal.changes:
        try:
            before = read_text(root, change.path)
            check_still_parses(change.path, before, apply(before, change.edits))
        except (FixRefused, EditConflict):
            return False
    return True


def _with(finding: Finding, proposal: FixProposal | None) -> Finding:
    if proposal is None or finding.suppression is not None:
        return finding
    return replace(finding, fix=proposal)


def fixable(report: Report) -> list[Finding]:
    """Return the active findings of a report that carry a fix."""
    return [
        f for r in report.results for f in r.findings if f.fix is not None and f.suppression is None
    ]


def declared_fixable(report: Report, policy: Policy) -> list[Finding]:
    """Return the active findings whose check declares a fix (no file read, no semgrep run).

    An upper bound of :func:`fixable` after :func:`propose`: a declared fix is not offered
    where it does not apply to the exact code (a loader of unknown name, a notebook line that
    is a shell command), would overlap another, or would leave the file unparseable.
    """
    declaring = {c.id for c in policy.checks(SemgrepCheck) if declares_fix(c)}
    declaring |= {c.id for c in policy.checks(NativeCheck) if c.autofix}
    return [
        f
        for r in report.results
        for f in r.findings
        if f.check_id in declaring and f.suppression is None
    ]
