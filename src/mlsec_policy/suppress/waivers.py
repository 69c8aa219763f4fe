"""Apply the configuration's waivers to findings and build the waiver register.

A current waiver accepts every unsuppressed finding of its control (in the files its ``paths``
patterns match, when it has any): each such finding carries a ``waiver`` suppression naming the
reason, approver, expiry and ticket. A waiver whose expiry date has passed accepts nothing; the
register lists it as ``expired`` with the findings it would have covered, so they count again.
A current waiver that matched nothing is ``unused``. The first matching waiver wins.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from mlsec_policy.models import Finding, Suppression, Waiver, WaiverState, WaiverUse
from mlsec_policy.pathmatch import build_filter


@dataclass(frozen=True, slots=True)
class WaiverOutcome:
    """Findings after waivers, and the register of what each waiver did."""

    findings: tuple[Finding, ...]
    register: tuple[WaiverUse, ...]


def apply_waivers(
    findings: Sequence[Finding], waivers: Sequence[Waiver], today: date
) -> WaiverOutcome:
    """Suppress findings accepted by current waivers; see the module docstring."""
    current = [w for w in waivers if not expired(w, today)]
    matched: dict[int, list[str]] = {index: [] for index in range(len(waivers))}
    result: list[Finding] = []
    for finding in findings:
        if finding.suppression is not None:
            result.append(finding)
            continue
        chosen: Waiver | None = None
        for index, waiver in enumerate(waivers):
            if not matches(waiver, finding):
                continue
            matched[index].append(finding.fingerprint)
            if chosen is None and waiver in current:
                chosen = waiver
        if chosen is None:
            result.append(finding)
            continue
        suppression = Suppression(
            kind="waiver",
            reason=chosen.reason,
            approver=chosen.approver,
            expires=chosen.expires,
            reference=chosen.ticket,
        )
        result.append(replace(finding, suppression=suppression))
    register = tuple(
        WaiverUse(waiver, _state(waiver, today, matched[index]), tuple(matched[index]))
        for index, waiver in enumerate(waivers)
    )
    return WaiverOutcome(tuple(result), register)


def expired(waiver: Waiver, today: date) -> bool:
    """Return True when the waiver's expiry date is before ``today``."""
    return date.fromisoformat(waiver.expires) < today


def matches(waiver: Waiver, finding: Finding) -> bool:
    """Return True when the waiver is about this finding's control and file."""
    if waiver.control_id != finding.control_id:
        return False
    if not waiver.paths:
        return True
    return build_filter(waiver.paths, ()).allows(finding.location.path)


def _state(waiver: Waiver, today: date, matched: Sequence[str]) -> WaiverState:
    if expired(waiver, today):
        return WaiverState.EXPIRED
    return WaiverState.USED if matched else WaiverState.UNUSED


def register_notes(register: Sequence[WaiverUse]) -> list[str]:
    """Return one report note per expired or unused waiver, and one for those in use."""
    notes: list[str] = []
    used = [use for use in register if use.state is WaiverState.USED]
    if used:
        accepted = sum(len(use.matched) for use in used)
        notes.append(f"{len(used)} waiver(s) in use accept {accepted} finding(s)")
    for use in register:
        waiver = use.waiver
        name = f"waiver {waiver.id or waiver.source} for {waiver.control_id}"
        if use.state is WaiverState.EXPIRED:
            count = len(use.matched)
            notes.append(
                f"{name} expired on {waiver.expires} and no longer applies"
                + (f": {count} finding(s) count again" if count else "")
            )
        elif use.state is WaiverState.UNUSED:
            notes.append(f"{name} matched no finding (unused): remove it or correct its paths")
    return notes
