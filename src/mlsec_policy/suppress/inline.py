"""Apply inline suppression comments to findings.

A finding is suppressed when a *valid* comment (it names the finding's control and gives a
reason) sits at the end of the finding's first line or alone on the line directly above it;
in a notebook, the same within the finding's cell. A malformed comment, one without a reason or
one naming an unknown control suppresses nothing (the suppression-comments analyzer reports it).
Findings about suppression comments themselves can never be suppressed inline.

Only files holding unsuppressed, line-located findings are read.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from mlsec_policy.fingerprint import decode_source
from mlsec_policy.models import Artifact, Finding, Suppression
from mlsec_policy.suppress.comments import SuppressionComment, comment_style, find_comments
from mlsec_policy.views.base import ViewError

_Key = tuple[int, int]
"""(cell index or 0, line): the position a comment covers."""


@dataclass(frozen=True, slots=True)
class InlineOutcome:
    """Findings after inline suppressions, and how many comments took effect."""

    findings: tuple[Finding, ...]
    suppressed: int
    """Findings suppressed by a comment (or, when disabled, that a comment would suppress)."""


def apply_inline(
    findings: Sequence[Finding],
    root: Path,
    artifacts: Sequence[Artifact],
    *,
    enabled: bool,
    exempt_checks: Collection[str] = (),
) -> InlineOutcome:
    """Suppress findings covered by valid comments; with ``enabled`` False, only count them."""
    by_path = {artifact.path: artifact for artifact in artifacts}
    candidates = {
        f.location.path
        for f in findings
        if f.suppression is None
        and f.location.start_line is not None
        and f.check_id not in exempt_checks
    }
    coverage = {path: _coverage(root, by_path[path]) for path in candidates if path in by_path}
    result: list[Finding] = []
    count = 0
    for finding in findings:
        comment = _covering(finding, coverage.get(finding.location.path, {}))
        if comment is None or finding.check_id in exempt_checks or finding.suppression:
            result.append(finding)
            continue
        count += 1
        if not enabled:
            result.append(finding)
            continue
        suppression = Suppression(
            kind="inline", reason=comment.reason, reference=f"{comment.path}:{comment.line}"
        )
        result.append(replace(finding, suppression=suppression))
    return InlineOutcome(tuple(result), count)


def _coverage(root: Path, artifact: Artifact) -> dict[_Key, list[SuppressionComment]]:
    style = comment_style(artifact)
    if style is None:
        return {}
    try:
        text = decode_source((root / artifact.path).read_bytes())
        comments = find_comments(text, artifact.path, style)
    except (OSError, ViewError):
        return {}  # the engines already report a file they could not read or parse
    coverage: dict[_Key, list[SuppressionComment]] = {}
    for comment in comments:
        if comment.problem is not None:
            continue
        cell = comment.covered_cell
        key = (cell.index, cell.line) if cell is not None else (0, comment.covered_line)
        coverage.setdefault(key, []).append(comment)
    return coverage


def _covering(
    finding: Finding, coverage: dict[_Key, list[SuppressionComment]]
) -> SuppressionComment | None:
    location = finding.location
    if location.start_line is None:
        return None
    key = (
        (location.cell.index, location.cell.line)
        if location.cell is not None
        else (0, location.start_line)
    )
    for comment in coverage.get(key, []):
        if finding.control_id in comment.control_ids:
            return comment
    return None
