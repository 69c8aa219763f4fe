"""Counting personal-data matches into findings: one per kind, with counts and masked examples.

The datasets and notebook analyzers both turn many matches into one finding per kind of
personal data. A match below the check's confidence threshold (``min-confidence``, MEDIUM by
default) is not a finding: it is counted as *set aside*, with its reason, and mentioned in the
message of the finding of its kind when there is one. The finding's line is that of the first
match at or above the threshold; its severity follows the most certain match
(:func:`~.pii.severity_for`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field

from mlsec_policy.analyzers.patterns.pii import Confidence, PiiKind, PiiMatch, severity_for
from mlsec_policy.models import Severity

DEFAULT_THRESHOLD = Confidence.MEDIUM
"""Matches below this confidence are set aside unless a check asks for them."""
"""JSON Schema of the ``min-confidence`` parameter."""


@dataclass
class KindTally:
    """What one kind of personal data looks like in a file or an output."""

    count: int = 0
    line: int | None = None
    best: Confidence = Confidence.LOW
    reason: str = ""
    examples: list[str] = field(default_factory=list)
    columns: set[str] = field(default_factory=set)
    set_aside: Counter[str] = field(default_factory=Counter)

    @property
    def reported(self) -> bool:
        """True when at least one match reached the threshold."""
        return self.count > 0


@dataclass
class PiiLedger:
    """The tallies of one file (or one notebook output), kind by kind."""

    threshold: Confidence = DEFAULT_THRESHOLD
    kinds: dict[PiiKind, KindTally] = field(default_factory=dict)

    def add(self, match: PiiMatch, line: int | None, column: str = "") -> None:
        """Count one match found at ``line`` (in ``column`` when known)."""
        tally = self.kinds.setdefault(match.kind, KindTally())
        if match.confidence < self.threshold:
            tally.set_aside[match.reason] += 1
            return
        tally.count += 1
        if tally.line is None:
            tally.line = line
        if match.confidence > tally.best or not tally.reason:
            tally.best, tally.reason = max(match.confidence, tally.best), match.reason
        if column:
            tally.columns.add(column)
        if len(tally.examples) < 2 and match.redacted not in tally.examples:
            tally.examples.append(match.redacted)

    def findings(self) -> Iterator[tuple[PiiKind, KindTally]]:
        """Yield the kinds with a reported match, in a stable order."""
        for kind, tally in sorted(self.kinds.items(), key=lambda item: item[0].name):
            if tally.reported:
                yield kind, tally


def severity(kind: PiiKind, tally: KindTally) -> Severity:
    """Return the severity of the finding of one kind."""
    return severity_for(kind, tally.best)


def describe(kind: PiiKind, tally: KindTally) -> str:
    """Return ``N × kind (confidence …: reason) (e.g. masked…)`` and what was set aside."""
    columns = f" in column(s) {', '.join(sorted(tally.columns)[:4])}" if tally.columns else ""
    text = (
        f"{tally.count} × {kind.value} (confidence {tally.best.label}: {tally.reason})"
        f"{columns} (e.g. {', '.join(tally.examples)})"
    )
    aside = sum(tally.set_aside.values())
    if aside:
        why = ", ".join(reason for reason, _ in tally.set_aside.most_common(3))
        text += f"; {aside} more set aside as not personal ({why})"
    return text
