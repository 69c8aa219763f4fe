"""Whether a scan used the offline advisory snapshot, for the report to name its date.

A scan used it when a control with a check that reads it (:func:`reads_snapshot`) was evaluated:
any status but not-applicable (nothing it reads was there) or not-evaluated (a diff-limited
scan gave it no file).
"""

from __future__ import annotations

from collections.abc import Sequence

from mlsec_policy.analyzers import reads_snapshot, snapshot_info
from mlsec_policy.models import AdvisorySnapshotInfo, ControlResult, ControlStatus
from mlsec_policy.policy import NativeCheck, Policy

UNUSED = frozenset({ControlStatus.NOT_APPLICABLE, ControlStatus.NOT_EVALUATED})


def advisory_use(policy: Policy, results: Sequence[ControlResult]) -> AdvisorySnapshotInfo | None:
    """Return the snapshot the scan matched versions against; None when no check read it."""
    readers = {
        control.id
        for control in policy.controls
        for check in control.checks
        if isinstance(check, NativeCheck) and reads_snapshot(check.analyzer, check.params)
    }
    used = [r.control.id for r in results if r.control.id in readers and r.status not in UNUSED]
    return snapshot_info(used) if used else None
