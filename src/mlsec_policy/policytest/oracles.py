"""What a fixture case expects, check by check, and how an outcome is compared with it.

An oracle names the check that must produce each finding, so a finding from the wrong check
never satisfies it::

    findings:
      check-id: [path:line, path]

It may also name what evidence and scope checks matched (``evidence:`` and ``scope:``, same
shape): those decide a control's status without being findings, so they are compared exactly
too; ``findings: {}`` says a case expects none. The first form — a bare list of places under
``findings``, or no ``findings`` at all — is still read (cases written before check ids were
recorded) but compared by place only; ``policy test
--write-oracles`` rewrites such cases, and a meta-test fails while any remains.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from mlsec_policy.models import JsonValue, Location

Marks = frozenset[tuple[str, str]]
"""(check id, place) pairs: what an oracle expects, or what a scan produced."""


@dataclass(frozen=True, slots=True)
class Oracle:
    """A case's expected findings and signals."""

    findings: Marks
    """(check id, place) of every expected finding; check id '' in the legacy form."""
    evidence: Marks = frozenset()
    scope: Marks = frozenset()
    legacy: bool = False
    """True for the first form (findings by place only, signals not compared)."""


def place(location: Location) -> str:
    """Return ``path:line``, or ``path`` for a whole-file finding."""
    line = location.start_line
    return location.path if line is None else f"{location.path}:{line}"


def read_oracle(spec: Mapping[str, JsonValue]) -> Oracle:
    """Read a case's ``findings``/``evidence``/``scope`` (already schema-valid)."""
    raw = spec.get("findings")
    if not isinstance(raw, dict):
        # the first form: a list of places, or nothing for a case without findings
        items = raw if isinstance(raw, list) else []
        return Oracle(frozenset(("", str(item)) for item in items), legacy=True)
    return Oracle(_marks(raw), _marks(spec.get("evidence")), _marks(spec.get("scope")))


def _marks(raw: JsonValue) -> Marks:
    if not isinstance(raw, dict):
        return frozenset()
    return frozenset(
        (check_id, str(item))
        for check_id, items in raw.items()
        if isinstance(items, list)
        for item in items
    )


def write_marks(marks: Marks) -> dict[str, list[str]]:
    """Return marks in the oracle's YAML shape: check ids and places, sorted."""
    grouped: dict[str, list[str]] = defaultdict(list)
    for check_id, where in marks:
        grouped[check_id].append(where)
    return {check_id: sorted(grouped[check_id], key=_place_order) for check_id in sorted(grouped)}


def differences(label: str, expected: Marks, found: Marks) -> list[str]:
    """Describe how ``found`` differs from ``expected``, naming the checks involved.

    A place produced by another check than the oracle names is reported as such, so the
    message says "from the wrong check" rather than one missing and one extra finding.
    """
    if expected == found:
        return []
    problems: list[str] = []
    missing, extra = expected - found, found - expected
    wrong: set[tuple[str, str]] = set()
    extra_by_place = _by_place(extra)
    for check_id, where in sorted(missing):
        others = extra_by_place.get(where)
        if others:
            problems.append(
                f"{label} at {where} came from {', '.join(sorted(others))}, expected {check_id}"
            )
            wrong.add((check_id, where))
            wrong.update((other, where) for other in others)
    for title, marks in (("missing", missing), ("unexpected", extra)):
        left = write_marks(frozenset(marks - wrong))
        for check_id, places in left.items():
            problems.append(f"{title} {label} of {check_id}: {', '.join(places)}")
    return problems


def legacy_differences(expected: Marks, found: Marks) -> list[str]:
    """Compare a legacy (place-only) oracle with found marks, as before check ids."""
    want = {where for _, where in expected}
    have = {where for _, where in found}
    problems: list[str] = []
    if want - have:
        problems.append("missing findings: " + ", ".join(sorted(want - have, key=_place_order)))
    if have - want:
        problems.append("unexpected findings: " + ", ".join(sorted(have - want, key=_place_order)))
    return problems


def marks_of(pairs: Iterable[tuple[str, Location | None]]) -> Marks:
    """Return the marks of (check id, location) pairs; no location counts as the repository."""
    return frozenset((check_id, "." if loc is None else place(loc)) for check_id, loc in pairs)


def _by_place(marks: Marks) -> dict[str, set[str]]:
    grouped: dict[str, set[str]] = defaultdict(set)
    for check_id, where in marks:
        grouped[where].add(check_id)
    return grouped


def _place_order(where: str) -> tuple[str, int]:
    path, _, line = where.rpartition(":")
    if path and line.isdigit():
        return (path, int(line))
    return (where, 0)
