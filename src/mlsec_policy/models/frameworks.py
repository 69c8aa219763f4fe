"""Compliance frameworks as data, and where a scan leaves each of their requirements."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class EvidenceKind(StrEnum):
    """What a control contributes to a requirement."""

    AUTOMATED = "automated"
    """A scan decides it from the repository's files."""
    DOCUMENT = "document"
    """The scan checks that a document (model card, SECURITY.md) exists and declares it."""
    ATTESTATION = "attestation"
    """A person signs it off (an attestation control)."""


class Coverage(StrEnum):
    """How much of a requirement the mapped controls can show."""

    FULL = "full"
    PARTIAL = "partial"
    NOT_COVERED = "not-covered"


@dataclass(frozen=True, slots=True)
class ControlMapping:
    """One control that speaks to a requirement, and the kind of evidence it gives."""

    control: str
    evidence: EvidenceKind
    note: str = ""


@dataclass(frozen=True, slots=True)
class FrameworkSection:
    """A parent in a framework's structure (function, category, clause, article)."""

    id: str
    title: str
    parent: str | None = None


@dataclass(frozen=True, slots=True)
class Requirement:
    """One requirement of a framework, with its official id and its mappings."""

    id: str
    """The id exactly as the framework publishes it."""
    title: str
    """Our own words, never the framework's text."""
    section: str
    coverage: Coverage
    mappings: tuple[ControlMapping, ...] = ()
    reason: str = ""
    """Why nothing (or not everything) covers it; required when not covered."""
    applies_from: str | None = None
    """ISO date from which the requirement applies, where that matters."""


@dataclass(frozen=True, slots=True)
class Framework:
    """A framework and version as loaded from the packs (extensions merged in)."""

    id: str
    title: str
    version: str
    publisher: str
    source: str
    sections: tuple[FrameworkSection, ...]
    requirements: tuple[Requirement, ...]
    aliases: tuple[str, ...] = ()
    effective_from: str | None = None
    effective_until: str | None = None
    notes: str = ""
    files: tuple[str, ...] = ()
    """The files that define it, relative to their pack, base first then extensions."""

    def qualified(self, requirement_id: str) -> str:
        """Return ``<requirement id>@<version>``, the id reports and attestations use."""
        return f"{requirement_id}@{self.version}"


class RequirementStatus(StrEnum):
    """Where a scan leaves one requirement (the roll-up rules: docs/frameworks.md)."""

    FAIL = "fail"
    ERROR = "error"
    NEEDS_ATTESTATION = "needs-attestation"
    WAIVED = "waived"
    NOT_EVALUATED = "not-evaluated"
    PARTIAL_PASS = "partial-pass"
    PASS = "pass"
    NOT_APPLICABLE = "not-applicable"
    NOT_COVERED = "not-covered"
    EXCLUDED = "excluded"


REQUIREMENT_STATUS_ORDER: tuple[RequirementStatus, ...] = tuple(RequirementStatus)
"""Requirement statuses in the order reports list them: what needs action first."""


@dataclass(frozen=True, slots=True)
class MappedControl:
    """One mapping of a requirement with the status its control had in the scan."""

    mapping: ControlMapping
    status: str
    """The control's status (a ``ControlStatus`` value), or ``not-evaluated`` when the scan
    did not run it (disabled, filtered out, or unknown to the scanned policy)."""


@dataclass(frozen=True, slots=True)
class RequirementResult:
    """A requirement, its status and the controls that led to it."""

    requirement: Requirement
    status: RequirementStatus
    reason: str
    """One sentence on why the status is what it is."""
    controls: tuple[MappedControl, ...] = ()
    justification: str | None = None
    """For an excluded requirement: why the configuration says it does not apply."""


@dataclass(frozen=True, slots=True)
class FrameworkResult:
    """A framework and the status of every one of its requirements, in file order."""

    framework: Framework
    requirements: tuple[RequirementResult, ...]

    def counts(self) -> dict[str, int]:
        """Return how many requirements have each status (every status, zeros included)."""
        counts = dict.fromkeys((s.value for s in REQUIREMENT_STATUS_ORDER), 0)
        for result in self.requirements:
            counts[result.status.value] += 1
        return counts

    def section_counts(self) -> dict[str, dict[str, int]]:
        """Return, per section id in file order, the non-zero counts of each status."""
        sections: dict[str, dict[str, int]] = {s.id: {} for s in self.framework.sections}
        for result in self.requirements:
            counts = sections.setdefault(result.requirement.section, {})
            counts[result.status.value] = counts.get(result.status.value, 0) + 1
        order = {s.value: i for i, s in enumerate(REQUIREMENT_STATUS_ORDER)}
        return {
            section: dict(sorted(counts.items(), key=lambda item: order[item[0]]))
            for section, counts in sections.items()
        }
