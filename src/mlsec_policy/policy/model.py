"""The policy as loaded: packs, controls and checks, built only from validated data."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, ClassVar, Protocol, TypeAlias, TypeVar

from mlsec_policy.models import (
    ArtifactKind,
    CheckMode,
    ControlMeta,
    Engine,
    GuardContext,
    JsonValue,
    PackInfo,
    PolicyInfo,
    Severity,
    Taxonomy,
    VersionContext,
)

CONTEXTS = ("data", "model", "request")
"""What matched code can be recognised as handling (see :mod:`analyzers.patterns.context`)."""


@dataclass(frozen=True, slots=True)
class CheckContext:
    """The risk codes (and phase) a check's finding gets when its code handles one context."""

    risks: tuple[str, ...]
    phase: str | None = None
    """None: the control's phase."""


@dataclass(frozen=True, slots=True)
class CheckBase:
    """What every check has, whichever engine decides it."""

    id: str
    """Unique across all packs; also the semgrep rule id."""
    control_id: str
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
    line: int
    """Line of the check in its control file."""
    file: str
    """The control file that defines the check."""
    version_context: VersionContext | None
    """How a match is graded by the package versions the repository declares, if it is."""
    guard_context: GuardContext | None
    """How a match is graded when an opt-in guard in its function dominates it, if it is."""
    yields_to: tuple[str, ...]
    """More certain checks of the same control whose finding on the same line replaces this
    check's finding there."""
    contexts: Mapping[str, CheckContext]
    """Risk codes and phase by what the matched code handles (``data``, ``model``,
    ``request``); a finding whose context is not named keeps the control's."""


@dataclass(frozen=True, slots=True)
class SemgrepCheck(CheckBase):
    """A check decided by a semgrep rule."""

    engine: ClassVar[Engine] = Engine.SEMGREP
    rule: Mapping[str, JsonValue]
    """The semgrep rule body (without id, message, severity, paths)."""
    rule_line: int
    """Line of the rule in the control file, for semgrep's complaints about it."""


@dataclass(frozen=True, slots=True)
class NativeCheck(CheckBase):
    """A check decided by one of the native analyzers."""

    engine: ClassVar[Engine] = Engine.NATIVE
    analyzer: str
    """The analyzer's registered name."""
    raw_params: Mapping[str, JsonValue]
    """The parameters as the control file writes them."""
    params: object = None
    """The parameters read into the analyzer's own type, once they are valid (at load time)."""
    autofix: str | None = None
    """The native fixer that mends this check's findings (``mlsec-policy fix``), if any."""


class ParamsReader(Protocol):
    """What the loader needs to know of an analyzer: its parameters' schema and type."""

    @property
    def params_schema(self) -> Mapping[str, Any]:
        """Return the JSON Schema a check's ``params`` must fit."""
        ...

    def parse_params(self, raw: Mapping[str, JsonValue]) -> object:
        """Return valid ``params`` read into the analyzer's parameter type."""
        ...


@dataclass(frozen=True, slots=True)
class AttestationCheck(CheckBase):
    """A check only a person's recorded attestation can decide."""

    engine: ClassVar[Engine] = Engine.ATTESTATION
    evidence: str
    """What the attestation must point to."""


Check: TypeAlias = SemgrepCheck | NativeCheck | AttestationCheck
"""One way of deciding a control; ``engine`` tells which, ``isinstance`` narrows."""

AnyCheck = TypeVar("AnyCheck", SemgrepCheck, NativeCheck, AttestationCheck)


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
        return all(isinstance(check, AttestationCheck) for check in self.checks)

    def needed_evidence(self) -> str:
        """Return what an attestation of this control must point to, check by check."""
        return "; ".join(
            check.evidence if isinstance(check, AttestationCheck) else check.message
            for check in self.checks
        )

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
    _controls: Mapping[str, Control] = field(init=False, repr=False, compare=False)
    _checks: Mapping[str, Check] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_controls", {control.id: control for control in self.controls})
        checks = {check.id: check for control in self.controls for check in control.checks}
        object.__setattr__(self, "_checks", checks)

    def known_ids(self) -> frozenset[str]:
        """Return every control id this policy knows, whether enabled or disabled."""
        return self.defined | {c.id for c in self.controls} | set(self.disabled)

    def info(self) -> PolicyInfo:
        """Return what a report records about this policy."""
        return PolicyInfo(tuple(p.info() for p in self.packs), self.digest, self.disabled)

    def control(self, control_id: str) -> Control:
        """Return the enabled control with this id; raise KeyError when there is none."""
        return self._controls[control_id]

    def check(self, check_id: str) -> Check:
        """Return the check of an enabled control with this id (KeyError when there is none)."""
        return self._checks[check_id]

    def checks(self, engine: type[AnyCheck]) -> tuple[AnyCheck, ...]:
        """Return every check of enabled controls of one engine's type, in control order."""
        return tuple(
            c for control in self.controls for c in control.checks if isinstance(c, engine)
        )

    def severities(self) -> dict[str, Severity]:
        """Return the severity of every enabled control by id."""
        return {control.id: control.meta.severity for control in self.controls}
