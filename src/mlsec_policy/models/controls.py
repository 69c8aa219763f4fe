"""The policy's vocabulary as reports show it: controls, checks' modes, the taxonomy, packs."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TypeAlias

from mlsec_policy.models.findings import Severity

JsonValue: TypeAlias = str | int | float | bool | list["JsonValue"] | dict[str, "JsonValue"] | None
"""A value that JSON can hold: what policy files may put in analyzer parameters."""


class Engine(StrEnum):
    """Which engine decides a check: the ``engine`` of a check in a control file."""

    SEMGREP = "semgrep"
    """A semgrep rule over source and configuration files."""
    NATIVE = "native"
    """One of mlsec-policy's own analyzers."""
    ATTESTATION = "attestation"
    """No file can decide it: a person records an attestation."""


class CheckMode(StrEnum):
    """What a match of a check means for its control."""

    VIOLATION = "violation"
    """Every match is a failing finding."""
    EVIDENCE = "evidence"
    """The control passes only if at least one evidence check matches."""
    SCOPE = "scope"
    """Matches say the control applies; with no match anywhere the control is not applicable."""
    ATTESTATION = "attestation"
    """No file can prove it: a recorded attestation is needed."""


@dataclass(frozen=True, slots=True)
class GuardContext:
    """How a check's match is graded when an opt-in guard in its function dominates it."""

    severity: Severity | None
    """What a guarded match becomes; None: a guarded match is no finding at all."""


@dataclass(frozen=True, slots=True)
class VersionContext:
    """A check whose danger depends on the version of a package the repository declares."""

    packages: tuple[str, ...]
    """Names the package goes by in manifests (``torch``, ``pytorch``)."""
    safe_from: str
    """The first release where the danger is gone (``2.6``)."""
    severity: Severity | None
    """What a match becomes where every declared requirement admits only safe releases.

    None: those releases refuse what the check looks for, so a match is no finding at all.
    """
    message: str = ""
    """The message it then carries; ``{requirement}`` names the manifest line relied on."""


@dataclass(frozen=True, slots=True)
class References:
    """Framework identifiers a control maps to."""

    owasp_ml: tuple[str, ...] = ()
    owasp_llm: tuple[str, ...] = ()
    atlas: tuple[str, ...] = ()
    cwe: tuple[str, ...] = ()
    other: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ControlMeta:
    """What a report needs to say about a control; the policy model holds the checks."""

    id: str
    title: str
    severity: Severity
    phase: str
    risks: tuple[str, ...]
    requirements: tuple[str, ...]
    references: References
    rationale: str
    remediation: str
    fix: str
    """A one-line fix for consoles and summaries."""
    help_uri: str | None
    pack: str
    """Name of the policy pack that defines the control."""
    source: str
    """The control file, relative to its pack."""
    gate_everywhere: bool = False
    """Its findings count toward ``--fail-on`` in test, example and docs paths too."""


@dataclass(frozen=True, slots=True)
class PhaseInfo:
    """A lifecycle phase as the taxonomy defines it."""

    id: str
    title: str
    layer: str
    order: int
    description: str


@dataclass(frozen=True, slots=True)
class RiskInfo:
    """A risk code as the taxonomy defines it."""

    id: str
    title: str
    phase: str
    description: str


@dataclass(frozen=True, slots=True)
class LayerInfo:
    """A layer grouping phases (data, model, application)."""

    id: str
    title: str


@dataclass(frozen=True, slots=True)
class Taxonomy:
    """The layers, phases and risk codes controls are mapped to."""

    layers: tuple[LayerInfo, ...]
    phases: tuple[PhaseInfo, ...]
    risks: tuple[RiskInfo, ...]

    def phase(self, phase_id: str) -> PhaseInfo:
        """Return the phase with this id; raise KeyError when unknown."""
        for phase in self.phases:
            if phase.id == phase_id:
                return phase
        raise KeyError(phase_id)

    def risk(self, risk_id: str) -> RiskInfo:
        """Return the risk with this id; raise KeyError when unknown."""
        for risk in self.risks:
            if risk.id == risk_id:
                return risk
        raise KeyError(risk_id)


@dataclass(frozen=True, slots=True)
class PackInfo:
    """One policy pack that took part in the scan."""

    name: str
    version: str
    digest: str
    """``sha256:`` of the pack's files, so a report names exactly the policy used."""
    source: str
    """``builtin`` or the pack directory as given."""


@dataclass(frozen=True, slots=True)
class PolicyInfo:
    """The policy the scan evaluated."""

    packs: tuple[PackInfo, ...]
    digest: str
    """``sha256:`` over all packs, in order."""
    disabled: tuple[str, ...] = ()
    """Controls switched off by a pack or the configuration."""
