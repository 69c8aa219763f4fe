"""Stream JSON scan reports into one organisation record.

Each input is verified as ``report verify`` does; an altered or unreadable report is listed
as rejected (with the reason) and counts nowhere else. Reports scanned under a policy other
than the reference policy (``--policy-digest``, else the policy most inputs were scanned
under) are kept in their own group: their figures never mix with the reference group's.

Memory is bounded by the summary, not by the inputs: a repository's record is spooled to a
temporary file as soon as its report is read, and only counters (per control, per phase, per
policy) stay in memory; the merged document is then written record by record.
"""

from __future__ import annotations

import json
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO, Any

from mlsec_policy.report.verify import Verdict, verify, verify_parsed
from mlsec_policy.rollup.inventory import BomRead, Inventory, is_bom, read_bom
from mlsec_policy.rollup.record import ControlInfo, RepoRecord, phase_titles, read_record

SCHEMA_ID = "https://mlsec-policy.dev/schemas/org-report/v1.json"
SCHEMA_VERSION = "1.0"
TOP_CONTROLS = 25
"""How many of the most widely failing controls the summary lists."""


@dataclass(slots=True)
class PolicyGroup:
    """Counters over the repositories scanned under one policy digest."""

    repositories: int = 0
    verdicts: Counter[str] = field(default_factory=Counter)
    control_status: dict[str, Counter[str]] = field(default_factory=dict)
    phase_status: dict[str, Counter[str]] = field(default_factory=dict)
    controls: dict[str, ControlInfo] = field(default_factory=dict)
    phase_titles: dict[str, str] = field(default_factory=dict)
    errors: int = 0
    expiring_waivers: int = 0
    frameworks: dict[str, Counter[str]] = field(default_factory=dict)
    framework_repositories: Counter[str] = field(default_factory=Counter)

    def add(self, record: RepoRecord, info: dict[str, ControlInfo], phases: dict[str, str]) -> None:
        """Count one repository's record (``phases``: the report's taxonomy, id -> title)."""
        self.repositories += 1
        for phase_id, title in phases.items():
            self.phase_titles.setdefault(phase_id, title)
        self.verdicts[record.verdict] += 1
        for control_id, status in record.controls.items():
            self.control_status.setdefault(control_id, Counter())[status] += 1
        for phase_id, status in record.phases.items():
            self.phase_status.setdefault(phase_id, Counter())[status] += 1
        for control_id, meta in info.items():
            self.controls.setdefault(control_id, meta)
        self.errors += record.errors
        self.expiring_waivers += len(record.expiring_waivers)
        for framework, counts in record.frameworks.items():
            self.frameworks.setdefault(framework, Counter()).update(counts)
            self.framework_repositories[framework] += 1

    def to_json(self, digest: str) -> dict[str, Any]:
        """Return the group's summary for the merged document."""
        widest = sorted(
            (c for c, counts in self.control_status.items() if counts["fail"]),
            key=lambda c: (-self.control_status[c]["fail"], c),
        )[:TOP_CONTROLS]
        return {
            "policy_digest": digest,
            "repositories": self.repositories,
            "verdicts": dict(sorted(self.verdicts.items())),
            "errors": self.errors,
            "expiring_waivers": self.expiring_waivers,
            "phases": [
                {
                    "id": phase_id,
                    "title": title,
                    "status_counts": dict(sorted(self.phase_status.get(phase_id, {}).items())),
                }
                for phase_id, title in self.phase_titles.items()
            ],
            "controls": [
                {
                    "id": control_id,
                    "title": self.controls[control_id].title,
                    "severity": self.controls[control_id].severity,
                    "phase": self.controls[control_id].phase,
                    "status_counts": dict(sorted(self.control_status[control_id].items())),
                }
                for control_id in sorted(self.control_status)
            ],
            "frameworks": [
                {
                    "id": framework,
                    "repositories": self.framework_repositories[framework],
                    "status_counts": dict(sorted(counts.items())),
                }
                for framework, counts in sorted(self.frameworks.items())
            ],
            "most_failed": [
                {"id": c, "failing_repositories": self.control_status[c]["fail"]} for c in widest
            ],
        }


@dataclass(frozen=True, slots=True)
class Rejected:
    """An input that was not merged, and why."""

    source: str
    verdict: str
    reason: str


@dataclass(frozen=True, slots=True)
class Read:
    """A verified report reduced to what the merge keeps."""

    record: RepoRecord
    controls: dict[str, ControlInfo]
    phases: dict[str, str]


def read_report(
    source: str, text: str | None, today: date, expiry_days: int
) -> Read | Rejected | BomRead:
    """Verify one report and reduce it to its record; ``text`` None reads the file ``source``.

    A module-level function of plain values, so that ``report merge --jobs`` can run it in
    worker processes: verification (the report schema above all) is the merge's main cost.
    A CycloneDX BOM among the inputs is reduced to its inventory instead.
    """
    if text is None:
        try:
            text = Path(source).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            return Rejected(source, Verdict.UNREADABLE.value, f"cannot read it: {exc}")
    try:
        parsed = json.loads(text)
    except json.JSONDecodeError:
        checked = verify(text)  # it says where the text stops being JSON
    else:
        if is_bom(parsed):
            return read_bom(source, parsed)
        checked = verify_parsed(parsed)
    if checked.verdict is not Verdict.INTACT:
        failed = [f"{c.name}: {c.detail}" for c in checked.checks if not c.ok]
        reason = checked.problem or "; ".join(failed) or checked.verdict.value
        return Rejected(source, checked.verdict.value, reason)
    record, controls = read_record(parsed, source, today, expiry_days)
    return Read(record, controls, phase_titles(parsed))


class Merger:
    """Reads reports one at a time and writes the merged document at the end."""

    def __init__(self, *, today: date, expiry_days: int, policy_digest: str | None) -> None:
        self._today = today
        self._expiry_days = expiry_days
        self._reference = policy_digest
        self._groups: dict[str, PolicyGroup] = {}
        self._rejected: list[Rejected] = []
        self._inventory = Inventory()
        self._spool: IO[str] = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115
        self._index: list[tuple[str, str, int]] = []
        """(repository name, source, spool offset) per merged record."""

    def close(self) -> None:
        """Release the spool file."""
        self._spool.close()

    def accept(self, outcome: Read | Rejected | BomRead) -> None:
        """Count a report read by :func:`read_report` (possibly in another process)."""
        if isinstance(outcome, Rejected):
            self._rejected.append(outcome)
            return
        if isinstance(outcome, BomRead):
            self._inventory.add(outcome)
            return
        record = outcome.record
        group = self._groups.setdefault(record.policy_digest, PolicyGroup())
        group.add(record, outcome.controls, outcome.phases)
        offset = self._spool.tell()
        self._spool.write(json.dumps(record.to_json(), sort_keys=True) + "\n")
        self._index.append((record.name, record.source, offset))

    def reference_digest(self) -> str | None:
        """Return the policy the organisation view is about (given, else the most common)."""
        if self._reference is not None:
            return self._reference
        if not self._groups:
            return None
        return min(self._groups, key=lambda d: (-self._groups[d].repositories, d))

    def records(self) -> Iterator[dict[str, Any]]:
        """Yield the merged records again, sorted by repository name then source."""
        for _name, _source, offset in sorted(self._index):
            self._spool.seek(offset)
            yield json.loads(self._spool.readline())

    def header(self, merged_at: str, tool_version: str) -> dict[str, Any]:
        """Return every part of the merged document except the repository records."""
        reference = self.reference_digest()
        main = self._groups.get(reference or "", PolicyGroup())
        return {
            "$schema": SCHEMA_ID,
            "schema_version": SCHEMA_VERSION,
            "tool": {"name": "mlsec-policy", "version": tool_version},
            "merged_at": merged_at,
            "reference_policy_digest": reference,
            "inputs": len(self._index) + len(self._rejected) + self._inventory.boms,
            "summary": main.to_json(reference or ""),
            "other_policies": [
                self._groups[d].to_json(d) for d in sorted(self._groups) if d != reference
            ],
            "rejected": [
                {"source": r.source, "verdict": r.verdict, "reason": r.reason}
                for r in sorted(self._rejected, key=lambda r: r.source)
            ],
            **({"inventory": self._inventory.to_json()} if self._inventory.boms else {}),
        }


def write_document(
    out: IO[str],
    header: dict[str, Any],
    records: Iterable[dict[str, Any]],
    extra: dict[str, Any | Callable[[], Any]],
) -> None:
    """Write the merged document to ``out``: header keys, then records one at a time.

    The output is the JSON of ``{**header, **extra, "repositories": [...]}`` with sorted keys
    and two-space indentation, written without holding all records in memory.
    """
    top = {**header, **extra, "repositories": None}
    # values after "repositories" (e.g. the trend) may be callables, evaluated once the
    # records were written
    keys = sorted(top)
    out.write("{\n")
    for position, key in enumerate(keys):
        out.write(f"  {json.dumps(key)}: ")
        if key == "repositories":
            _write_records(out, records)
        else:
            value = top[key]() if callable(top[key]) else top[key]
            out.write(_indent(json.dumps(value, indent=2, sort_keys=True)))
        out.write(",\n" if position < len(keys) - 1 else "\n")
    out.write("}\n")


def _write_records(out: IO[str], records: Iterable[dict[str, Any]]) -> None:
    out.write("[")
    first = True
    for record in records:
        out.write("\n    " if first else ",\n    ")
        out.write(_indent(json.dumps(record, indent=2, sort_keys=True), 4))
        first = False
    out.write("]" if first else "\n  ]")


def _indent(text: str, width: int = 2) -> str:
    return text.replace("\n", "\n" + " " * width)


def input_files(arguments: Iterable[Path]) -> list[Path]:
    """Return the report files named: files as given, directories' ``*.json`` recursively."""
    found: list[Path] = []
    for argument in arguments:
        if argument.is_dir():
            found.extend(p for p in sorted(argument.rglob("*.json")) if p.is_file())
        else:
            found.append(argument)
    return found
