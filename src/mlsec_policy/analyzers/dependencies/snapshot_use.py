"""Which native checks read the offline advisory snapshot, and what a report records of it.

``known-vulnerable-packages`` (MLSEC-DEP-04) matches every pinned version against the snapshot;
``dependency-pins`` reads it when a check names advisories in ``held-inside`` (MLSEC-DEP-02's
torch rule). A report names the snapshot's date and source whenever such a check was evaluated,
so that an empty result reads as "nothing known on that date".
"""

from __future__ import annotations

from collections.abc import Iterable

from mlsec_policy.analyzers.dependencies.advisories import SPEC as ADVISORIES_SPEC
from mlsec_policy.analyzers.dependencies.manifests import Pins
from mlsec_policy.analyzers.read.advisories import load_snapshot
from mlsec_policy.models import AdvisorySnapshotInfo


def reads_snapshot(analyzer: str, params: object) -> bool:
    """Return True when a native check of ``analyzer`` with ``params`` reads the snapshot."""
    if analyzer == ADVISORIES_SPEC.name:
        return True
    return isinstance(params, Pins) and bool(params.held_inside)


def snapshot_info(controls: Iterable[str]) -> AdvisorySnapshotInfo:
    """Return what a report records about the bundled snapshot, read by ``controls``."""
    snapshot = load_snapshot()
    return AdvisorySnapshotInfo(
        date=snapshot.date,
        source=snapshot.source.get("name", ""),
        url=snapshot.source.get("url", ""),
        commit=snapshot.source.get("commit") or None,
        controls=tuple(sorted(set(controls))),
    )
