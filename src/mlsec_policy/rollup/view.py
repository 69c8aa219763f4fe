"""What both renderers of the merged document show, computed once: rows, columns, limits."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from mlsec_policy.rollup.record import STATUS_ORDER

MAX_ROWS = 500
"""Repositories shown in the heatmap and tables, worst first; the rest are counted."""


@dataclass(frozen=True, slots=True)
class OrgView:
    """The merged document arranged for a person to read."""

    document: Mapping[str, Any]
    phases: tuple[str, ...]
    rows: tuple[Mapping[str, Any], ...]
    hidden: int

    @property
    def summary(self) -> Mapping[str, Any]:
        """The reference policy group's summary."""
        summary: Mapping[str, Any] = self.document["summary"]
        return summary


def badness(record: Mapping[str, Any]) -> tuple[int, int, int, str]:
    """Sort key putting the repositories in the worst state first."""
    verdict_rank = {"incomplete": 0, "fail": 1, "pass": 2}.get(record["verdict"], 3)
    counts = record["status_counts"]
    return (verdict_rank, -counts.get("fail", 0), -counts.get("error", 0), record["name"])


def build(document: Mapping[str, Any], max_rows: int = MAX_ROWS) -> OrgView:
    """Return the view of ``document``: phase columns in the taxonomy's order."""
    records = sorted(document["repositories"], key=badness)
    order = [phase["id"] for phase in document["summary"]["phases"]]
    seen = {p for record in records for p in record["phases"]}
    phases = [p for p in order if p in seen] + sorted(seen - set(order))
    return OrgView(
        document=document,
        phases=tuple(phases),
        rows=tuple(records[:max_rows]),
        hidden=max(0, len(records) - max_rows),
    )


def status_columns(counts: Mapping[str, int]) -> list[tuple[str, int]]:
    """Return the non-zero status counts, worst first."""
    return [(s, counts[s]) for s in STATUS_ORDER if counts.get(s)]
