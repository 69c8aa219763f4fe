"""The frozen values and enums that flow between the stages of a scan.

Nothing here imports from the rest of the package. Stages build these values; renderers only
read them. Update a value with :func:`dataclasses.replace`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import IntEnum, StrEnum
from typing import TypeAlias

JsonValue: TypeAlias = str | int | float | bool | list["JsonValue"] | dict[str, "JsonValue"] | None
"""A value that JSON can hold: what policy files may put in analyzer parameters."""


class Severity(IntEnum):
    """How bad a failing control is; ordered so that thresholds compare."""

    LOW = 1
    MEDIUM = 2
    HIGH = 3
    CRITICAL = 4

    @property
    def label(self) -> str:
        """Return the lower-case name used in policy files and reports."""
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        """Return the severity named ``text`` (case-insensitive); raise ValueError otherwise."""
        try:
            return cls[text.strip().upper()]
        except KeyError:
            names = ", ".join(s.label for s in cls)
            raise ValueError(f"unknown severity {text!r}; expected one of {names}") from None


class ControlStatus(StrEnum):
    """The outcome of one control (DESIGN.md §3)."""

    PASS = "pass"
    FAIL = "fail"
    WAIVED = "waived"
    ATTESTED = "attested"
    NEEDS_ATTESTATION = "needs-attestation"
    NOT_APPLICABLE = "not-applicable"
    ERROR = "error"


STATUS_ORDER: tuple[ControlStatus, ...] = (
    ControlStatus.FAIL,
    ControlStatus.ERROR,
    ControlStatus.NEEDS_ATTESTATION,
    ControlStatus.WAIVED,
    ControlStatus.ATTESTED,
    ControlStatus.PASS,
    ControlStatus.NOT_APPLICABLE,
)
"""Statuses in the order reports list them: what needs action first."""


class ArtifactKind(StrEnum):
    """What a file in the target is, decided by name and content."""

    PYTHON = "python"
    NOTEBOOK = "notebook"
    DOCKERFILE = "dockerfile"
    KUBERNETES = "kubernetes"
    COMPOSE = "compose"
    CI_WORKFLOW = "ci-workflow"
    DEPENDENCY_MANIFEST = "dependency-manifest"
    CONFIG = "config"
    SHELL = "shell"
    MODEL_ARTIFACT = "model-artifact"
    DATA_FILE = "data-file"
    DOCS = "docs"
    OTHER = "other"


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


class ErrorLevel(StrEnum):
    """Whether a scan problem stops a check from giving a verdict."""

    ERROR = "error"
    """The check could not run on something it should have seen: its control is ``error``."""
    WARNING = "warning"
    """Coverage was reduced (for example a partial parse) but the check ran; shown, not fatal."""


@dataclass(frozen=True, slots=True)
class NotebookCell:
    """Where a notebook finding sits, in the terms a person uses."""

    index: int
    """1-based cell number, counting every cell (code and markdown)."""
    line: int
    """1-based line inside the cell."""


@dataclass(frozen=True, slots=True)
class Location:
    """A place in the target, relative to the scanned root."""

    path: str
    """POSIX path relative to the scanned root ('.' for the repository as a whole)."""
    start_line: int | None = None
    """1-based first line, when the finding is about a line."""
    start_column: int | None = None
    """1-based first column."""
    end_line: int | None = None
    """1-based last line."""
    end_column: int | None = None
    """1-based column just after the match."""
    cell: NotebookCell | None = None
    """For notebooks: the cell and the line inside it; ``start_line`` is then the raw file line."""

    def display(self) -> str:
        """Return ``path:line`` (and the notebook cell when there is one)."""
        text = self.path if self.start_line is None else f"{self.path}:{self.start_line}"
        if self.cell is not None:
            text += f" (cell {self.cell.index}, line {self.cell.line})"
        return text


@dataclass(frozen=True, slots=True)
class GitFacts:
    """What git says about the scanned tree."""

    commit: str | None
    """Full SHA of HEAD, or None for a repository without commits."""
    branch: str | None
    """Checked-out branch, or None when HEAD is detached."""
    dirty: bool
    """True when tracked files differ from HEAD."""
    remote_url: str | None
    """URL of the ``origin`` remote (or the first remote) with any credentials removed."""
    root: str
    """Path of the scanned root relative to the repository's top level ('.' if the same)."""


@dataclass(frozen=True, slots=True)
class Artifact:
    """One file of the target that the scan looks at."""

    path: str
    """POSIX path relative to the scanned root."""
    kind: ArtifactKind
    """What the file is."""
    size: int
    """Size in bytes."""
    format: str | None = None
    """A finer label inside the kind (``github-actions``, ``helm-template``, ``requirements``)."""


@dataclass(frozen=True, slots=True)
class SkippedFile:
    """A file the scan saw but did not inspect, and why. A skipped file is not a passed file."""

    path: str
    reason: str
    kind: ArtifactKind | None = None
    blocks_checks: bool = False
    """True when checks should have read it (too large, unreadable): their controls error."""


@dataclass(frozen=True, slots=True)
class Inventory:
    """Everything discovered in the target."""

    root: str
    """Absolute path of the scanned root."""
    artifacts: tuple[Artifact, ...]
    """Files to inspect, sorted by path."""
    skipped: tuple[SkippedFile, ...]
    """Files seen but not inspected, sorted by path."""
    git: GitFacts | None
    """Git facts when the root is inside a git work tree."""

    def of_kind(self, *kinds: ArtifactKind) -> tuple[Artifact, ...]:
        """Return the artifacts whose kind is one of ``kinds``."""
        wanted = set(kinds)
        return tuple(a for a in self.artifacts if a.kind in wanted)

    def kind_counts(self) -> dict[str, int]:
        """Return how many artifacts there are of each kind, keyed by kind name, sorted."""
        counts: dict[str, int] = {}
        for artifact in self.artifacts:
            counts[artifact.kind.value] = counts.get(artifact.kind.value, 0) + 1
        return dict(sorted(counts.items()))


@dataclass(frozen=True, slots=True)
class Hit:
    """One raw match produced by an engine for one check, before evaluation."""

    control_id: str
    check_id: str
    location: Location
    message: str | None = None
    """A message specific to this match; the check's message is used when None."""
    severity: Severity | None = None
    """A severity specific to this match (an analyzer grading what it saw)."""
    snippet: str | None = None
    """The matched source text, already redacted when it may hold a secret."""
    key: str | None = None
    """A stable discriminator for whole-file findings (a pickle global, a missing shard)."""


@dataclass(frozen=True, slots=True)
class ScanError:
    """A check that could not run on something, carried as data into every report."""

    engine: str
    """The engine or analyzer that hit the problem (``semgrep``, ``native:pickle``...)."""
    kind: str
    """A short machine label: ``timeout``, ``parse-error``, ``oversized``, ``crash``..."""
    message: str
    """What went wrong, for a person."""
    path: str | None = None
    """The file concerned, relative to the root, when there is one."""
    line: int | None = None
    control_ids: tuple[str, ...] = ()
    """The controls whose verdict this problem affects."""
    level: ErrorLevel = ErrorLevel.ERROR
    hint: str | None = None
    """How to fix or avoid it."""


@dataclass(frozen=True, slots=True)
class Suppression:
    """Why a finding does not count against its control."""

    kind: str
    """``inline``, ``waiver`` or ``baseline``."""
    reason: str
    approver: str | None = None
    expires: str | None = None
    """ISO date after which the suppression no longer applies."""
    reference: str | None = None
    """A ticket link, the waiver's id or the baseline file."""


@dataclass(frozen=True, slots=True)
class Finding:
    """A failing observation attached to a control."""

    control_id: str
    check_id: str
    severity: Severity
    message: str
    location: Location
    fingerprint: str
    """Our stable identity for the finding: survives unrelated edits and line moves."""
    line_hash: str | None = None
    """GitHub's ``primaryLocationLineHash`` for the start line, when the file is text."""
    snippet: str | None = None
    suppression: Suppression | None = None
    """Set when a waiver, inline comment or baseline accepts this finding."""


@dataclass(frozen=True, slots=True)
class Evidence:
    """Something found that supports a passing verdict."""

    check_id: str
    description: str
    location: Location | None = None


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


@dataclass(frozen=True, slots=True)
class Attestation:
    """A person's recorded statement that a control no file can prove is met."""

    control_id: str
    by: str
    date: str
    evidence: str
    expires: str
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Waiver:
    """A recorded acceptance of a control's findings (the policy's exceptions process)."""

    control_id: str
    reason: str
    """Why the risk is accepted, and what compensates for it."""
    approver: str
    """Who accepted the risk."""
    ticket: str
    """A link to the exception request or risk-register entry."""
    expires: str
    """ISO date; from the day after, the waiver no longer applies."""
    paths: tuple[str, ...] = ()
    """gitignore-style patterns limiting the waiver to some files; empty = every file."""
    id: str | None = None
    """The waiver's own identifier, when the configuration gives one."""
    source: str = ""
    """Where the waiver is written, as ``file:line``."""


class WaiverState(StrEnum):
    """What a waiver did in one scan."""

    USED = "used"
    """It is current and accepted at least one finding."""
    UNUSED = "unused"
    """It is current but matched no finding: the risk is gone, or the waiver is mistyped."""
    EXPIRED = "expired"
    """Its expiry date has passed: it accepts nothing, and its findings count again."""


@dataclass(frozen=True, slots=True)
class WaiverUse:
    """One entry of a report's waiver register: a waiver and what it matched."""

    waiver: Waiver
    state: WaiverState
    matched: tuple[str, ...] = ()
    """Fingerprints of the findings it accepted (or, when expired, would have accepted)."""


@dataclass(frozen=True, slots=True)
class ControlResult:
    """The verdict on one control, with everything that led to it."""

    control: ControlMeta
    status: ControlStatus
    severity: Severity
    """Effective severity: the highest of the active findings, else the control's own."""
    findings: tuple[Finding, ...] = ()
    """Failing findings, including suppressed ones (which carry their suppression)."""
    evidence: tuple[Evidence, ...] = ()
    errors: tuple[ScanError, ...] = ()
    reason: str = ""
    """One sentence on why the status is what it is."""
    attestation: Attestation | None = None

    @property
    def active_findings(self) -> tuple[Finding, ...]:
        """Return the findings that are not suppressed."""
        return tuple(f for f in self.findings if f.suppression is None)


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


@dataclass(frozen=True, slots=True)
class ToolInfo:
    """The scanner that produced a report."""

    name: str
    version: str
    semgrep_version: str | None
    uri: str


@dataclass(frozen=True, slots=True)
class ScanSettings:
    """The options a scan ran with, recorded for the auditor."""

    fail_on: Severity
    excludes: tuple[str, ...] = ()
    policies: tuple[str, ...] = ()
    mode: str = "full"
    """``full``; ``diff`` (only findings on changed lines) or ``files`` (only findings in
    ``only_paths``) when findings are filtered; else ``baseline`` when a baseline accepted known
    findings. A baseline can accompany ``diff`` and ``files``: ``baseline`` then names it."""
    diff_base: str | None = None
    """The git revision a ``diff`` scan compared against, as given."""
    baseline: str | None = None
    """The baseline file of a ``baseline`` scan."""
    config: str | None = None
    """The repository configuration file that was read, if any."""
    inline_suppressions: bool = True
    """False when ``--no-inline-suppressions`` (or the configuration) turned them off."""
    fail_on_attestation: bool = False
    only_paths: tuple[str, ...] = ()
    """For a ``files`` scan: the files whose findings are reported."""


@dataclass(frozen=True, slots=True)
class Report:
    """The complete record of one scan: the single source every rendering comes from."""

    tool: ToolInfo
    policy: PolicyInfo
    taxonomy: Taxonomy
    target: str
    """The target as the user named it (display only)."""
    git: GitFacts | None
    settings: ScanSettings
    started_at: str
    """UTC ISO-8601 start time (pinned by SOURCE_DATE_EPOCH)."""
    duration_seconds: float
    results: tuple[ControlResult, ...]
    errors: tuple[ScanError, ...]
    """Every problem met during the scan, including those attached to controls."""
    inventory_counts: dict[str, int] = field(default_factory=dict)
    """How many files of each kind were inspected."""
    skipped: tuple[SkippedFile, ...] = ()
    notes: tuple[str, ...] = ()
    """Mode-specific facts (for example how many findings a baseline absorbed)."""
    waivers: tuple[WaiverUse, ...] = ()
    """The waiver register: every configured waiver with its state, in configuration order."""
