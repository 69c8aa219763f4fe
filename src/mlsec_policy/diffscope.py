"""Diff-limited scans: which controls look only at the changed files, and at which files.

With ``--diff-base REF`` a control is **per-file** when every one of its checks is a violation
check that reads one file at a time (a semgrep rule, or a native file analyzer). Per-file
controls run only on the files changed since REF, plus the unchanged files whose findings
depend on a changed one (:data:`DEPENDENCIES`). Every other control — one with a repository
analyzer, an evidence or scope check, or an attestation — is evaluated on the whole
repository, as in a full scan, because its verdict is about the repository as a whole.

A per-file control none of whose checks selects a changed file ran on nothing: its status is
``not-evaluated``, never ``pass``. The findings of every control are still filtered to the
changed lines afterwards (:mod:`mlsec_policy.suppress.diff`), so narrowing the files changes
what runs, never what a diff scan reports.

:func:`narrow` is the one place that decides which files per-file engines see;
:mod:`mlsec_policy.diffrun` runs the engines on them.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from mlsec_policy.analyzers.base import AnalyzerSpec
from mlsec_policy.analyzers.integrity.manifest import manifest_kind
from mlsec_policy.analyzers.listing import listing_of
from mlsec_policy.firstmatch import SearchOrder, early_checks
from mlsec_policy.models import (
    Artifact,
    CheckMode,
    ControlResult,
    ControlStatus,
    Inventory,
    ScanError,
)
from mlsec_policy.pathmatch import PathFilter
from mlsec_policy.policy import NativeCheck, Policy, SemgrepCheck
from mlsec_policy.policy.model import CheckBase, Control
from mlsec_policy.suppress.diff import ChangeSet

MAX_RECORD_READ = 16 * 1024 * 1024
"""Bytes of a record (a checksum manifest) read to see whether it names a changed file."""


@dataclass(frozen=True, slots=True)
class Dependency:
    """Files that record other files in their folder and below (by relative path).

    When a recorded file changes or is deleted, the record is examined again and its findings
    are reported with the change: a stale digest is the change's doing.
    """

    analyzers: frozenset[str]
    why: str
    subject: Callable[[str], bool] = lambda _path: True
    """Which of the files the analyzer's checks select it really reads (a checksum-manifest
    check selects every text file; only manifests by name are read)."""


DEPENDENCIES: tuple[Dependency, ...] = (
    Dependency(
        frozenset({"checksum-manifest"}),
        "a manifest records digests of the files in its folder and below",
        subject=lambda path: manifest_kind(path) is not None,
    ),
    Dependency(
        frozenset({"dvc-outputs", "shard-index"}),
        "a .dvc file or a shard index records the files in its folder and below",
    ),
)
"""Files that record other files: when a recorded file changes or goes, the record is read
again and its findings are reported with the change (docs/ci.md, "What runs where").

Other cross-file reads are deliberately absent. A change to ``.gitattributes`` (notebook
outputs), a requirements file (notebook installs, included manifests), a compose file (a
Dockerfile's user), a called workflow or a kustomization can change the findings of files
that read it; reporting every finding of every such file made a one-line change report dozens
of old findings. Those files are read with the whole repository when they change themselves,
and a full scan sees the rest.
"""


@dataclass(frozen=True, slots=True)
class DiffPlan:
    """What a diff-limited scan runs where."""

    inventory: Inventory
    """The files per-file controls run on: the changed files and their dependents."""
    changed: tuple[str, ...]
    """Changed files (added, modified, renamed) that the inventory holds."""
    dependents: tuple[str, ...]
    """Unchanged files examined again because their findings depend on a changed file."""
    per_file: frozenset[str]
    """Controls evaluated on those files only."""
    not_evaluated: Mapping[str, str]
    """Per-file controls that no changed file fed, with the reason."""
    early: frozenset[str] = frozenset()
    """Whole-repository scope and evidence checks that stop at their first match
    (:mod:`mlsec_policy.firstmatch`)."""
    order: SearchOrder | None = None
    """The order in which they search the repository's files (worked out when first asked)."""

    def widen(self, changes: ChangeSet) -> ChangeSet:
        """Return the change with the dependents added as whole files.

        A change to a file they depend on can have made any of their findings, so all of
        them are reported.
        """
        if not self.dependents:
            return changes
        files = {**changes.files, **dict.fromkeys(self.dependents)}
        count = len(self.dependents)
        extra = f"{count} unchanged file{'s' if count != 1 else ''} whose findings depend on them"
        return replace(changes, files=files, description=f"{changes.description}, and {extra}")

    def unread(self, errors: Sequence[ScanError]) -> list[ScanError]:
        """Return ``errors`` without per-file controls' blocked-file errors on files not given.

        An oversized file nobody changed does not stop a diff scan's per-file verdicts; the
        repository-wide controls that read it still err.
        """
        examined = {a.path for a in self.inventory.artifacts}
        kept: list[ScanError] = []
        for error in errors:
            if error.engine != "inventory" or error.path is None or error.path in examined:
                kept.append(error)
                continue
            owners = tuple(c for c in error.control_ids if c not in self.per_file)
            if owners:
                kept.append(replace(error, control_ids=owners))
        return kept

    def limited(self) -> dict[str, str]:
        """Return per-file control ids: "" when evaluated on the changed files, else why not."""
        return {cid: self.not_evaluated.get(cid, "") for cid in sorted(self.per_file)}


def is_per_file(control: Control, analyzers: Mapping[str, AnalyzerSpec[Any]]) -> bool:
    """Return True when every check of the control reads one file at a time for violations."""
    if not control.checks:
        return False
    for check in control.checks:
        if check.mode is not CheckMode.VIOLATION:
            return False
        if isinstance(check, NativeCheck):
            if listing_of(analyzers, check.analyzer).repo:  # the listing: nothing imported
                return False
        elif not isinstance(check, SemgrepCheck):
            return False
    return True


def plan(
    policy: Policy,
    inventory: Inventory,
    changes: ChangeSet,
    analyzers: Mapping[str, AnalyzerSpec[Any]],
) -> DiffPlan:
    """Return which controls run on which files in a scan limited to ``changes``."""
    per_file = [c for c in policy.controls if is_per_file(c, analyzers)]
    kinds = {a.path: a.kind for a in inventory.artifacts}
    changed = tuple(sorted(p for p in changes.files if p in kinds))
    touched = sorted({*changes.files, *changes.deleted})
    dependents = _dependents(policy.controls, inventory, touched, analyzers) - set(changed)
    narrowed = narrow(inventory, {*changed, *dependents})
    silent = {
        control.id: _not_evaluated_reason(control)
        for control in per_file
        if not any(_examines(check, narrowed, analyzers) for check in control.checks)
    }
    limited = frozenset(c.id for c in per_file)
    early = early_checks(policy.controls, limited, analyzers)
    order = SearchOrder(inventory) if early else None
    return DiffPlan(narrowed, changed, tuple(sorted(dependents)), limited, silent, early, order)


def narrow(inventory: Inventory, paths: set[str]) -> Inventory:
    """Return the inventory with only ``paths`` among its artifacts and skipped files."""
    return Inventory(
        inventory.root,
        tuple(a for a in inventory.artifacts if a.path in paths),
        tuple(s for s in inventory.skipped if s.path in paths),
        inventory.git,
    )


def _examines(
    check: CheckBase, inventory: Inventory, analyzers: Mapping[str, AnalyzerSpec[Any]]
) -> bool:
    """Return True when the check selects at least one artifact of ``inventory``."""
    return any(_selects(check, a, analyzers) for a in inventory.artifacts)


def _selects(
    check: CheckBase, artifact: Artifact, analyzers: Mapping[str, AnalyzerSpec[Any]]
) -> bool:
    if isinstance(check, NativeCheck):
        if artifact.kind not in listing_of(analyzers, check.analyzer).kinds:
            return False
        if check.kinds and artifact.kind not in check.kinds:
            return False
    elif artifact.kind not in check.kinds:
        return False
    return PathFilter.of(check).allows(artifact.path)


def _not_evaluated_reason(control: Control) -> str:
    names = ", ".join(kind.value for kind in control.applicable_kinds())
    return (
        f"no changed file is of a kind this control examines ({names}); "
        "it was not evaluated on this change"
    )


def _dependents(
    controls: Sequence[Control],
    inventory: Inventory,
    touched: Sequence[str],
    analyzers: Mapping[str, AnalyzerSpec[Any]],
) -> set[str]:
    """Return the unchanged records that name a touched (changed or deleted) file.

    Every control counts: a repository-wide control already reads them, but its findings on
    them are reported only when they join the change.
    """
    found: set[str] = set()
    checks = [c for control in controls for c in control.checks if isinstance(c, NativeCheck)]
    for dependency in DEPENDENCIES:
        for check in checks:
            if check.analyzer not in dependency.analyzers:
                continue
            for artifact in inventory.artifacts:
                if artifact.path in found or not dependency.subject(artifact.path):
                    continue
                if not _selects(check, artifact, analyzers):
                    continue
                below = [t for t in touched if _below(artifact.path, t)]
                if below and _names_any(Path(inventory.root), artifact.path, below):
                    found.add(artifact.path)
    return found


def _names_any(root: Path, record: str, paths: Sequence[str]) -> bool:
    """Return True when the record's text names one of ``paths`` relative to its folder."""
    try:
        with (root / record).open("rb") as handle:
            text = handle.read(MAX_RECORD_READ).decode("utf-8", errors="replace")
    except OSError:
        return True  # an unreadable record is examined: its own check reports why
    folder = posixpath.dirname(record)
    return any((p[len(folder) + 1 :] if folder else p) in text for p in paths)


def _below(manifest: str, path: str) -> bool:
    """Return True when ``path`` lies in the folder of ``manifest`` or below it."""
    folder = posixpath.dirname(manifest)
    return folder == "" or path.startswith(folder + "/")


def outside(result: ControlResult, count: int) -> ControlResult:
    """Say so when a passing control has active findings outside the reported change."""
    if not count or result.status is not ControlStatus.PASS:
        return result
    return replace(
        result,
        reason=f"{result.reason} on the change; {count} finding"
        + (" elsewhere lies outside the change and is" if count == 1 else "s elsewhere lie")
        + (" outside the change and are" if count != 1 else "")
        + " not reported",
    )
