"""The policy as loaded: packs, controls and checks, built only from validated data."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from mlsec_policy.models import (
    ArtifactKind,
    CheckMode,
    ControlMeta,
    JsonValue,
    PackInfo,
    PolicyInfo,
    Severity,
    Taxonomy,
    VersionContext,
)


@dataclass(frozen=True, slots=True)
class Check:
    """One way of deciding a control: a semgrep rule, a native analyzer or an attestation."""

    id: str
    """Unique across all packs; also the semgrep rule id."""
    control_id: str
    engine: str
    """``semgrep``, ``native`` or ``attestation``."""
    mode: CheckMode
    kinds: tuple[ArtifactKind, ...]
    """Artifact kinds the check looks at (empty for attestations)."""
    message: str
    """Shown for each violation, or when evidence is missing."""
    found: str | None
    """For evidence checks: what a match proves."""
    severity: Severity | None
    """Overrides the control's severity for this check's findings."""
    include: tuple[str, ...]
    exclude: tuple[str, ...]
    rule: Mapping[str, JsonValue] | None
    """The semgrep rule body (without id, message, severity, paths)."""
    analyzer: str | None
    params: Mapping[str, JsonValue]
    evidence: str | None
    """For attestations: what the record must point to."""
    line: int
    """Line of the check in its control file."""
    file: str
    """The control file that defines the check."""
    rule_line: int
    """Line of the semgrep rule (or of the check when it has none), for semgrep's complaints."""
    version_context: VersionContext | None = None
    """How a match is graded by the package versions the repository declares, if it is."""


@dataclass(frozen=True, slots=True)
class Control:
    """A control with its checks; ``meta`` is what reports show."""

    meta: ControlMeta
    applies_to: tuple[ArtifactKind, ...] | None
    """Kinds that make it applicable; None = the kinds of its checks; () = the repository."""
    checks: tuple[Check, ...]
    path: Path
    """Absolute path of the control file."""

    @property
    def id(self) -> str:
        """Return the control id."""
        return self.meta.id

    @property
    def is_attestation(self) -> bool:
        """Return True when only an attestation can decide this control."""
        return all(check.mode is CheckMode.ATTESTATION for check in self.checks)

    def with_severity(self, severity: Severity) -> Control:
        """Return this control with another severity (a pack override or a setting)."""
        return replace(self, meta=replace(self.meta, severity=severity))

    def applicable_kinds(self) -> tuple[ArtifactKind, ...]:
        """Return the kinds whose presence makes the control applicable (() = always)."""
        if self.applies_to is not None:
            return self.applies_to
        kinds: list[ArtifactKind] = []
        for check in self.checks:
            kinds.extend(k for k in check.kinds if k not in kinds)
        return tuple(kinds)


@dataclass(frozen=True, slots=True)
class Pack:
    """A policy pack directory as loaded."""

    name: str
    version: str
    description: str
    root: Path
    source: str
    """``builtin`` or the directory as the user gave it."""
    digest: str
    extends: tuple[str, ...]
    disable: tuple[str, ...]
    severity_overrides: Mapping[str, Severity]

    def info(self) -> PackInfo:
        """Return what a report records about this pack."""
        return PackInfo(self.name, self.version, self.digest, self.source)


@dataclass(frozen=True, slots=True)
class Policy:
    """Everything a scan evaluates: taxonomy, packs in load order, enabled controls."""

    taxonomy: Taxonomy
    packs: tuple[Pack, ...]
    controls: tuple[Control, ...]
    """Enabled controls, sorted by id."""
    disabled: tuple[str, ...]
    digest: str
    defined: frozenset[str] = frozenset()
    """Every control id the packs define, enabled or not (kept when controls are narrowed)."""

    def known_ids(self) -> frozenset[str]:
        """Return every control id this policy knows, whether enabled or disabled."""
        return self.defined | {c.id for c in self.controls} | set(self.disabled)

    def info(self) -> PolicyInfo:
        """Return what a report records about this policy."""
        return PolicyInfo(tuple(p.info() for p in self.packs), self.digest, self.disabled)

    def control(self, control_id: str) -> Control:
        """Return the enabled control with this id; raise KeyError when there is none."""
        for control in self.controls:
            if control.id == control_id:
                return control
        raise KeyError(control_id)

    def checks(self, engine: str) -> tuple[Check, ...]:
        """Return every check of enabled controls run by ``engine``."""
        return tuple(c for control in self.controls for c in control.checks if c.engine == engine)
