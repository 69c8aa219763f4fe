"""What moved since a previous organisation record: per repository and per control.

A control *worsened* in a repository when its status fell to a lower standing (met, accepted,
open, failing or broken — see :data:`~mlsec_policy.rollup.record.STANDING`), and *improved*
when it rose. Repositories present in only one of the two records are listed as new or gone.
The previous record is read whole: its size is the summary's, not the reports'.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from mlsec_policy.rollup.record import STANDING


@dataclass(slots=True)
class Trend:
    """Moves between a previous organisation record and the records being merged."""

    previous: Mapping[str, Mapping[str, Any]]
    previous_merged_at: str
    seen: set[str] = field(default_factory=set)
    improved: Counter[str] = field(default_factory=Counter)
    worsened: Counter[str] = field(default_factory=Counter)
    repositories: dict[str, dict[str, Any]] = field(default_factory=dict)

    def annotate(self, records: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
        """Yield each record with its ``moves`` since the previous record (None when new)."""
        for record in records:
            name = record["name"]
            self.seen.add(name)
            before = self.previous.get(name)
            record["moves"] = None if before is None else self._moves(name, before, record)
            yield record

    def _moves(
        self, name: str, before: Mapping[str, Any], now: Mapping[str, Any]
    ) -> dict[str, Any]:
        better, worse = [], []
        old_controls: Mapping[str, str] = before.get("controls", {})
        for control_id, status in sorted(now["controls"].items()):
            old = old_controls.get(control_id)
            if old is None or STANDING.get(old) == STANDING.get(status):
                continue
            move = {"control": control_id, "from": old, "to": status}
            if STANDING.get(status, 0) > STANDING.get(old, 0):
                better.append(move)
                self.improved[control_id] += 1
            else:
                worse.append(move)
                self.worsened[control_id] += 1
        moves = {
            "verdict_from": before.get("verdict"),
            "improved": better,
            "worsened": worse,
        }
        self.repositories[name] = {"improved": len(better), "worsened": len(worse)}
        return moves

    def summary(self) -> dict[str, Any]:
        """Return the organisation-wide moves; call after every record was annotated."""
        return {
            "previous_merged_at": self.previous_merged_at,
            "new_repositories": sorted(self.seen - set(self.previous)),
            "gone_repositories": sorted(set(self.previous) - self.seen),
            "repositories_improved": sum(1 for r in self.repositories.values() if r["improved"]),
            "repositories_worsened": sum(1 for r in self.repositories.values() if r["worsened"]),
            "controls": [
                {
                    "id": control_id,
                    "improved": self.improved[control_id],
                    "worsened": self.worsened[control_id],
                }
                for control_id in sorted(set(self.improved) | set(self.worsened))
            ],
        }


def load_previous(document: Mapping[str, Any]) -> Trend:
    """Return a trend against the organisation record ``document`` (already schema-checked)."""
    previous = {record["name"]: record for record in document["repositories"]}
    return Trend(previous=previous, previous_merged_at=document["merged_at"])
