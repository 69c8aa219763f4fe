"""Copies of a control under tagged ids, scanned beside it in the same run.

Scope checks leave no trace in a report (they only decide whether a control applies), so a
case learns what they matched from a *probe*: a copy of the control's scope checks turned into
violation checks, whose findings are the scope matches, scanned in the same run as the control.
Every copied id carries a tag after ``__``, which check ids never contain, so results map back
to the original ids.
"""

from __future__ import annotations

from dataclasses import replace

from mlsec_policy.models import CheckMode, ControlResult, ControlStatus
from mlsec_policy.policy.model import Check, Control
from mlsec_policy.policytest.oracles import Marks, marks_of

SEPARATOR = "__"
PROBE_TAG = "scope"


def tagged(identifier: str, tag: str) -> str:
    """Return ``identifier`` with a tag that :func:`untagged` removes."""
    return f"{identifier}{SEPARATOR}{tag}"


def untagged(identifier: str) -> str:
    """Return the original id of a tagged copy (or the id itself)."""
    return identifier.split(SEPARATOR, 1)[0]


def rename(check: Check, control_id: str, tag: str) -> Check:
    """Return ``check`` under a tagged id, attached to the control ``control_id``."""
    return replace(check, id=tagged(check.id, tag), control_id=control_id)


def probe(control: Control) -> Control | None:
    """Return the scope probe of ``control``, or None when it has no scope checks."""
    scope = [check for check in control.checks if check.mode is CheckMode.SCOPE]
    if not scope:
        return None
    control_id = tagged(control.id, PROBE_TAG)
    return replace(
        control,
        meta=replace(control.meta, id=control_id),
        checks=tuple(
            replace(rename(check, control_id, PROBE_TAG), mode=CheckMode.VIOLATION)
            for check in scope
        ),
    )


def with_probe(control: Control) -> tuple[Control, ...]:
    """Return the control followed by its scope probe, when it has one."""
    found = probe(control)
    return (control,) if found is None else (control, found)


def scope_marks(result: ControlResult | None) -> Marks:
    """Return what a probe's result says the scope checks matched, under their own ids."""
    if result is None or result.status is ControlStatus.NOT_APPLICABLE:
        return frozenset()
    return marks_of((untagged(f.check_id), f.location) for f in result.findings)
