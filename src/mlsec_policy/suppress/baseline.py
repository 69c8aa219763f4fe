"""Baselines: record today's findings by fingerprint, and later accept exactly those.

A baseline file is JSON (``schemas/baseline.schema.json``): the tool and policy that made it,
when, for which commit, and one entry per active finding — its fingerprint (the identity that
survives unrelated edits and moved lines) plus control, check, path and line for people reading
it. Findings that a waiver or comment already accepted are not recorded, so they come back when
that waiver expires. Applying a baseline suppresses each unsuppressed finding whose fingerprint
is recorded, with a ``baseline`` suppression; entries that match nothing are counted as fixed.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cache
from typing import TYPE_CHECKING, Any

from mlsec_policy.errors import ConfigError, ConfigErrors
from mlsec_policy.models import Finding, Report, Suppression
from mlsec_policy.resources import load_schema

if TYPE_CHECKING:
    import jsonschema

FORMAT = "mlsec-policy-baseline"
VERSION = 1


@dataclass(frozen=True, slots=True)
class BaselineEntry:
    """One recorded finding."""

    fingerprint: str
    control_id: str
    check_id: str
    path: str
    line: int | None


@dataclass(frozen=True, slots=True)
class Baseline:
    """A loaded baseline file."""

    source: str
    """The file as the user named it."""
    created_at: str
    entries: tuple[BaselineEntry, ...]

    def fingerprints(self) -> frozenset[str]:
        """Return the recorded fingerprints."""
        return frozenset(entry.fingerprint for entry in self.entries)


@dataclass(frozen=True, slots=True)
class BaselineOutcome:
    """Findings after the baseline, with the counts a person wants to see."""

    findings: tuple[Finding, ...]
    baselined: int
    """Findings accepted because the baseline records them."""
    new: int
    """Active findings the baseline does not record."""
    fixed: int
    """Baseline entries that matched no finding of this scan."""


def create(report: Report) -> str:
    """Return the text of a baseline recording every active finding of ``report``."""
    entries = sorted(
        {
            (f.fingerprint, f.control_id, f.check_id, f.location.path, f.location.start_line or 0)
            for result in report.results
            for f in result.active_findings
        }
    )
    document: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "created_at": report.started_at,
        "tool_version": report.tool.version,
        "policy_digest": report.policy.digest,
        "commit": report.git.commit if report.git else None,
        "findings": [
            {
                "fingerprint": fingerprint,
                "control_id": control_id,
                "check_id": check_id,
                "path": path,
                "line": line or None,
            }
            for fingerprint, control_id, check_id, path, line in entries
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def parse(text: str, source: str) -> Baseline:
    """Read baseline text; raise :class:`ConfigErrors` (exit 2) when it is not a baseline."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _error(f"not valid JSON: {exc.msg}", source, exc.lineno, exc.colno) from None
    import jsonschema.exceptions  # when a baseline is read: most scans read none

    problem = jsonschema.exceptions.best_match(_validator().iter_errors(data))
    if problem is not None:
        where = "/".join(str(part) for part in problem.absolute_path) or "the top level"
        raise _error(
            f"not an mlsec-policy baseline: {problem.message} (at {where})",
            source,
            hint="create one with: mlsec-policy baseline create --output FILE",
        )
    entries = tuple(
        BaselineEntry(
            item["fingerprint"], item["control_id"], item["check_id"], item["path"], item["line"]
        )
        for item in data["findings"]
    )
    return Baseline(source, data["created_at"], entries)


def apply_baseline(findings: Sequence[Finding], baseline: Baseline) -> BaselineOutcome:
    """Suppress the unsuppressed findings the baseline records."""
    known = baseline.fingerprints()
    seen: set[str] = set()
    result: list[Finding] = []
    baselined = new = 0
    reason = f"recorded in the baseline of {baseline.created_at}"
    for finding in findings:
        if finding.suppression is not None:
            result.append(finding)
            continue
        if finding.fingerprint in known:
            seen.add(finding.fingerprint)
            baselined += 1
            suppression = Suppression(kind="baseline", reason=reason, reference=baseline.source)
            result.append(replace(finding, suppression=suppression))
        else:
            new += 1
            result.append(finding)
    return BaselineOutcome(tuple(result), baselined, new, len(known - seen))


@cache
def _validator() -> jsonschema.protocols.Validator:
    import jsonschema

    schema = load_schema("baseline.schema.json")
    validator: jsonschema.protocols.Validator = jsonschema.Draft202012Validator(schema)
    return validator


def _error(
    message: str,
    source: str,
    line: int | None = None,
    column: int | None = None,
    hint: str | None = None,
) -> ConfigErrors:
    return ConfigErrors([ConfigError(message, path=source, line=line, column=column, hint=hint)])
