"""Decide each control's status from findings, evidence, scope, errors and attestations.

The rules, in order:

1. An attestation control is ``attested`` with a current attestation, else ``needs-attestation``.
2. A control is ``not-applicable`` when the target holds none of the artifacts it looks at, or
   when it has scope checks and none matched — unless a file it needed could not be read.
3. Active (unsuppressed) violation findings make it ``fail``, even if other files errored.
4. Otherwise any error-level problem makes it ``error``: an error is never a pass.
5. Findings that are all suppressed make it ``waived`` — or ``baselined`` when a baseline,
   not a waiver or an inline comment, accepted every one of them.
6. In a diff-limited scan, a control that ran on the changed files only and was given none
   of them is ``not-evaluated``; one that ran on them says so in its result.
7. Evidence controls ``fail`` when no evidence was found, else ``pass``.

:func:`partition` reads each hit by its check's mode first: violations (and the gap of an
evidence control without evidence) become findings, evidence and scope hits stay signals.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date

from mlsec_policy.findings import MISSING_EVIDENCE
from mlsec_policy.models import (
    Artifact,
    Attestation,
    CheckMode,
    ControlResult,
    ControlStatus,
    ErrorLevel,
    Evidence,
    Finding,
    Hit,
    Inventory,
    Location,
    Observation,
    ScanError,
)
from mlsec_policy.policy.model import Control, Policy

ANCHOR_FILES = ("README.md", "README.rst", "README", "pyproject.toml", "setup.py", "setup.cfg")
"""Files a repository-wide finding is attached to, in order of preference."""
SECONDARY_PATH = re.compile(
    r"(?i)(?:^|/)(?:tests?|testing|examples?|samples?|demos?|docs?|tutorials?|benchmarks?|bench"
    r"|scripts?)(?:/|$)|(?:^|/)(?:test_|bench)[^/]*$|_test\.py$"
)
"""Paths that show how the project is used or checked rather than what it does."""


def not_applicable_reason(
    control: Control, inventory: Inventory, scope_hits: Sequence[Hit]
) -> str | None:
    """Return why the control does not apply to this target, or None when it does."""
    kinds = control.applicable_kinds()
    if kinds:
        present = inventory.of_kind(*kinds)
        blocked = [s for s in inventory.skipped if s.blocks_checks and s.kind in kinds]
        if not present and not blocked:
            names = ", ".join(kind.value for kind in kinds)
            return f"the target has no files of the kinds this control examines ({names})"
    scope_checks = [c for c in control.checks if c.mode is CheckMode.SCOPE]
    if scope_checks and not scope_hits:
        return "; ".join(c.message for c in scope_checks)
    return None


@dataclass(frozen=True, slots=True)
class Partition:
    """The hits of a scan, split by what their check's mode makes of them."""

    failing: tuple[Hit, ...]
    """Violations, and one gap per applicable evidence control that found no evidence: each
    becomes a finding."""
    signals: Mapping[str, Mapping[CheckMode, Sequence[Hit]]]
    """Evidence and scope hits, by control and mode: they decide applicability and evidence."""


def partition(
    policy: Policy, inventory: Inventory, hits: Iterable[Hit], errors: Sequence[ScanError]
) -> Partition:
    """Split hits by their check's mode, adding the gaps of evidence controls without evidence.

    Controls whose checks errored get no gap: their status is ``error``, not ``fail``.
    """
    violations: list[Hit] = []
    signals: dict[str, dict[CheckMode, list[Hit]]] = defaultdict(lambda: defaultdict(list))
    for hit in hits:
        mode = policy.check(hit.check_id).mode
        if mode is CheckMode.VIOLATION:
            violations.append(hit)
        else:
            signals[hit.control_id][mode].append(hit)
    errored = {cid for e in errors if e.level is ErrorLevel.ERROR for cid in e.control_ids}
    for control in policy.controls:
        evidence_checks = [c for c in control.checks if c.mode is CheckMode.EVIDENCE]
        if not evidence_checks or control.id in errored:
            continue
        control_hits = signals.get(control.id, {})
        scope = control_hits.get(CheckMode.SCOPE, [])
        if not_applicable_reason(control, inventory, scope):
            continue
        if control_hits.get(CheckMode.EVIDENCE):
            continue
        check = evidence_checks[0]
        violations.extend(
            Hit(control.id, check.id, Observation(location, check.message, key=MISSING_EVIDENCE))
            for location in _anchors(control, inventory, scope)
        )
    return Partition(tuple(given_way(violations, policy)), signals)


def given_way(violations: Sequence[Hit], policy: Policy) -> list[Hit]:
    """Drop each hit whose check yields to a check that reported the same line of the file.

    A heuristic check (a value of unknown origin) and a certain one (a value known to come from
    outside) of one control can see the same statement; the finding that names the source is
    the one kept.
    """
    places = {(h.check_id, h.observation.location.path, h.observation.location.start_line)
              for h in violations}  # fmt: skip
    kept: list[Hit] = []
    for hit in violations:
        location = hit.observation.location
        stronger = policy.check(hit.check_id).yields_to
        if location.start_line is None or not any(
            (other, location.path, location.start_line) in places for other in stronger
        ):
            kept.append(hit)
    return kept


def evaluate(
    policy: Policy,
    inventory: Inventory,
    findings: Sequence[Finding],
    hits: Partition,
    errors: Sequence[ScanError],
    attestations: Mapping[str, Attestation],
    today: date,
    limited: Mapping[str, str] | None = None,
) -> tuple[ControlResult, ...]:
    """Return one result per enabled control, in control-id order.

    ``limited`` names the controls a diff-limited scan ran on the changed files only: "" when
    they ran on at least one, else why they were not evaluated.
    """
    limits = limited or {}
    findings_by_control: dict[str, list[Finding]] = defaultdict(list)
    for finding in findings:
        findings_by_control[finding.control_id].append(finding)
    errors_by_control: dict[str, list[ScanError]] = defaultdict(list)
    for error in errors:
        for control_id in error.control_ids:
            errors_by_control[control_id].append(error)
    results: list[ControlResult] = []
    for control in policy.controls:
        result = _evaluate_one(
            policy,
            control,
            inventory,
            tuple(findings_by_control.get(control.id, ())),
            hits.signals.get(control.id, {}),
            tuple(errors_by_control.get(control.id, ())),
            attestations.get(control.id),
            today,
        )
        results.append(result if control.id not in limits else _limited(result, limits[control.id]))
    return tuple(results)


def _evaluate_one(
    policy: Policy,
    control: Control,
    inventory: Inventory,
    findings: tuple[Finding, ...],
    hits: Mapping[CheckMode, Sequence[Hit]],
    errors: tuple[ScanError, ...],
    attestation: Attestation | None,
    today: date,
) -> ControlResult:
    meta = control.meta
    base = ControlResult(meta, ControlStatus.PASS, meta.severity, findings, (), errors)
    if control.is_attestation:
        return _attestation_result(control, base, attestation, today)
    hard_errors = [e for e in errors if e.level is ErrorLevel.ERROR]
    reason = not_applicable_reason(control, inventory, hits.get(CheckMode.SCOPE, []))
    if reason and not hard_errors:
        return replace(base, status=ControlStatus.NOT_APPLICABLE, findings=(), reason=reason)
    evidence = tuple(_evidence(policy, hits.get(CheckMode.EVIDENCE, [])))
    base = replace(base, evidence=evidence)
    active = [f for f in findings if f.suppression is None]
    if active:
        severity = max(f.severity for f in active)
        count = len(active)
        marked = sum(1 for f in active if f.path_class is not None)
        where = ""
        if marked:
            where = " (all" if marked == count else f" ({marked}"
            where += " in test, example or docs paths)"
        return replace(
            base,
            status=ControlStatus.FAIL,
            severity=severity,
            reason=f"{count} finding{'s' if count != 1 else ''}{where}",
        )
    if hard_errors:
        return replace(
            base,
            status=ControlStatus.ERROR,
            reason=f"{len(hard_errors)} check problem(s) prevented a verdict",
        )
    if findings:
        kinds = Counter(f.suppression.kind for f in findings if f.suppression is not None)
        by_kind = ", ".join(f"{count} by {kind}" for kind, count in sorted(kinds.items()))
        if set(kinds) == {"baseline"}:
            return replace(
                base,
                status=ControlStatus.BASELINED,
                reason=f"all {len(findings)} finding(s) are recorded in the baseline",
            )
        return replace(
            base,
            status=ControlStatus.WAIVED,
            reason=f"all {len(findings)} finding(s) are accepted ({by_kind})",
        )
    if evidence:
        return replace(base, reason="evidence found")
    return replace(base, reason="no violation found")


def _limited(result: ControlResult, limit: str) -> ControlResult:
    """Apply what a diff-limited scan did to a per-file control.

    ``limit`` is "" when the control ran on the changed files, else why it was not evaluated.
    """
    if result.status is ControlStatus.NOT_APPLICABLE:
        return result
    if limit and result.status is not ControlStatus.ERROR and not result.findings:
        return replace(result, status=ControlStatus.NOT_EVALUATED, reason=limit)
    return replace(
        result,
        evaluated_on="changed-files",
        reason=f"{result.reason} (on the changed files only)",
    )


def _attestation_result(
    control: Control, base: ControlResult, attestation: Attestation | None, today: date
) -> ControlResult:
    needed = control.needed_evidence()
    if attestation is None:
        return replace(
            base,
            status=ControlStatus.NEEDS_ATTESTATION,
            reason=f"no attestation recorded; needed: {needed}",
        )
    if date.fromisoformat(attestation.expires) < today:
        return replace(
            base,
            status=ControlStatus.NEEDS_ATTESTATION,
            attestation=attestation,
            reason=f"the attestation by {attestation.by} expired on {attestation.expires}",
        )
    return replace(
        base,
        status=ControlStatus.ATTESTED,
        attestation=attestation,
        reason=(
            f"attested by {attestation.by} on {attestation.date}, valid until {attestation.expires}"
        ),
    )


def _evidence(policy: Policy, hits: Iterable[Hit]) -> Iterable[Evidence]:
    seen: set[tuple[str, Location]] = set()
    for hit in sorted(hits, key=lambda h: _place(h.observation.location)):
        location = hit.observation.location
        if (hit.check_id, location) in seen:
            continue
        seen.add((hit.check_id, location))
        check = policy.check(hit.check_id)
        description = check.found or hit.observation.message or check.message
        yield Evidence(hit.check_id, description, location)


def _anchors(control: Control, inventory: Inventory, scope: Sequence[Hit]) -> list[Location]:
    """Where to attach a missing-evidence finding: a scope match, else one file.

    One finding per control: a missing rate limiter is one gap, however many routes exist. It
    is shown on the first scope match of the project's own code, before tests, examples,
    samples, documentation, benchmarks and scripts (see :func:`_anchor_order`).
    """
    if scope:
        first = min(scope, key=_anchor_order)
        return [first.observation.location]
    kinds = control.applicable_kinds()
    candidates: Sequence[Artifact] = inventory.of_kind(*kinds) if kinds else ()
    if candidates:
        return [Location(candidates[0].path)]
    paths = {artifact.path for artifact in inventory.artifacts}
    for name in ANCHOR_FILES:
        if name in paths:
            return [Location(name)]
    return [Location(inventory.artifacts[0].path)] if inventory.artifacts else [Location(".")]


def _place(location: Location) -> tuple[str, int]:
    return (location.path, location.start_line or 0)


def _anchor_order(hit: Hit) -> tuple[bool, str, int]:
    """Sort key of scope matches as anchors: product code first, then by place."""
    path, line = _place(hit.observation.location)
    return (SECONDARY_PATH.search(path) is not None, path, line)
