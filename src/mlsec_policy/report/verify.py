"""``report verify``: decide whether a JSON report is still the one the scan wrote.

Four things are checked: the document follows the report schema; its recorded content digest
matches the digest of its canonical content; its policy digest is the one the report names;
and its derived figures (summary, verdict, exit code) are what its results give. With the
policy packs at hand, their digests are compared with the ones the report names too.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from mlsec_policy.models import PolicyInfo
from mlsec_policy.report import integrity, json_report
from mlsec_policy.schema_check import validator_for

MAX_SCHEMA_PROBLEMS = 5


class Verdict(StrEnum):
    """What ``report verify`` concludes; each maps to an exit code."""

    INTACT = "intact"
    ALTERED = "altered"
    UNREADABLE = "unreadable"

    @property
    def exit_code(self) -> int:
        """Return 0 for intact, 1 for altered, 2 for unreadable."""
        return {Verdict.INTACT: 0, Verdict.ALTERED: 1, Verdict.UNREADABLE: 2}[self]


@dataclass(frozen=True, slots=True)
class Verification:
    """The outcome of verifying one report."""

    verdict: Verdict
    checks: tuple[integrity.Check, ...] = ()
    problem: str | None = None
    """Why the report could not be read at all (only for ``unreadable``)."""


def verify(text: str, policy: PolicyInfo | None = None) -> Verification:
    """Verify the JSON report ``text``; compare with ``policy`` when the packs were given."""
    try:
        parsed = json.loads(text)
    except json.JSONDecodeError as exc:
        return Verification(
            Verdict.UNREADABLE, problem=f"not JSON: {exc.msg} at line {exc.lineno}:{exc.colno}"
        )
    return verify_parsed(parsed, policy)


def verify_parsed(parsed: object, policy: PolicyInfo | None = None) -> Verification:
    """Verify a report already parsed from JSON (what :func:`verify` does after parsing)."""
    try:
        document = json_report.as_report(parsed)
    except ValueError as exc:
        return Verification(Verdict.UNREADABLE, problem=str(exc))
    checks = [_schema(document), *integrity.check_digests(document), _derived(document)]
    if policy is not None:
        checks.extend(_policy_files(document, policy))
    ok = all(check.ok for check in checks)
    return Verification(Verdict.INTACT if ok else Verdict.ALTERED, tuple(checks))


def _schema(document: dict[str, Any]) -> integrity.Check:
    errors = sorted(
        validator_for("report.schema.json").iter_errors(document), key=lambda e: e.json_path
    )
    if not errors:
        return integrity.Check("schema", True, "follows schemas/report.schema.json")
    shown = "; ".join(f"{e.json_path}: {e.message}" for e in errors[:MAX_SCHEMA_PROBLEMS])
    more = len(errors) - MAX_SCHEMA_PROBLEMS
    return integrity.Check("schema", False, shown + (f"; and {more} more" if more > 0 else ""))


def _derived(document: dict[str, Any]) -> integrity.Check:
    name = "derived figures"
    try:
        rebuilt = json_report.to_document(json_report.from_document(document))
    except ValueError as exc:
        return integrity.Check(name, False, f"the results cannot be read back: {exc}")
    if rebuilt.get("summary") == document.get("summary"):
        return integrity.Check(name, True, "summary, verdict and exit code agree with the results")
    return integrity.Check(
        name, False, "the summary (verdict, counts, exit code) disagrees with the results"
    )


def _policy_files(document: dict[str, Any], policy: PolicyInfo) -> Sequence[integrity.Check]:
    recorded = document.get("policy", {})
    named = [(p.get("name"), p.get("version"), p.get("digest")) for p in recorded.get("packs", [])]
    given = [(p.name, p.version, p.digest) for p in policy.packs]
    checks = []
    for name, version, digest in given:
        match = (name, version, digest) in named
        detail = (
            f"{name} {version} {digest} is a pack the report names"
            if match
            else f"{name} {version} hashes to {digest}, which the report does not name"
        )
        checks.append(integrity.Check(f"policy pack {name}", match, detail))
    same = recorded.get("digest") == policy.digest
    checks.append(
        integrity.Check(
            "policy packs given",
            same,
            f"together they hash to {policy.digest}"
            + ("" if same else f", the report names {recorded.get('digest')}"),
        )
    )
    return checks
