"""The verdicts: each control's result, attestations and waivers, and the report of a scan."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from mlsec_policy.models.controls import ControlMeta, PolicyInfo, Taxonomy
from mlsec_policy.models.findings import Evidence, Finding, NonProduct, ScanError, Severity
from mlsec_policy.models.frameworks import FrameworkResult
from mlsec_policy.models.inventory import GitFacts, SkippedFile


class ControlStatus(StrEnum):
    """The outcome of one control (DESIGN.md §3)."""

    PASS = "pass"
    FAIL = "fail"
    WAIVED = "waived"
    BASELINED = "baselined"
    """Every finding is one a baseline records (known before; not accepted by a waiver)."""
    ATTESTED = "attested"
    NEEDS_ATTESTATION = "needs-attestation"
    NOT_APPLICABLE = "not-applicable"
    NOT_EVALUATED = "not-evaluated"
    """A diff-limited scan gave the control no file to read: no verdict either way."""
    ERROR = "error"


STATUS_ORDER: tuple[ControlStatus, ...] = (
    ControlStatus.FAIL,
    ControlStatus.ERROR,
    ControlStatus.NEEDS_ATTESTATION,
    ControlStatus.WAIVED,
    ControlStatus.BASELINED,
    ControlStatus.ATTESTED,
    ControlStatus.PASS,
    ControlStatus.NOT_EVALUATED,
    ControlStatus.NOT_APPLICABLE,
)
"""Statuses in the order reports list them: what needs action first."""


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
    evaluated_on: str | None = None
    """``changed-files`` when a diff-limited scan ran the control on the changed files only;
    None when it looked at the whole repository."""

    @property
    def active_findings(self) -> tuple[Finding, ...]:
        """Return the findings that are not suppressed."""
        return tuple(f for f in self.findings if f.suppression is None)

    @property
    def baselined_findings(self) -> tuple[Finding, ...]:
        """Return the findings a baseline accepted (known before; not accepted by a waiver)."""
        return tuple(f for f in self.findings if f.suppression and f.suppression.kind == "baseline")

    def gating_findings(self, non_product: NonProduct) -> tuple[Finding, ...]:
        """Return the active findings that count toward ``--fail-on`` under ``non_product``.

        Findings in test, example and docs paths count only with ``gate``, or when their
        control says they count wherever they are (a leaked credential is live in tests too).
        """
        if non_product is NonProduct.GATE or self.control.gate_everywhere:
            return self.active_findings
        return tuple(f for f in self.active_findings if f.path_class is None)


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
    non_product: NonProduct = NonProduct.MARK
    """What the scan did with findings in test, example and docs paths: ``mark`` (kept, not
    counted toward ``fail_on``), ``gate`` (kept and counted) or ``hide`` (left out)."""


@dataclass(frozen=True, slots=True)
class DiffScope:
    """What a ``--diff-base`` scan ran where (absent from other scans)."""

    changed_files: tuple[str, ...]
    """Files added, modified or renamed since the base that the scan inventoried."""
    deleted_files: tuple[str, ...]
    """Files the change removed (or renamed away)."""
    dependent_files: tuple[str, ...]
    """Unchanged files examined again because their findings depend on a changed file."""
    examined_files: tuple[str, ...]
    """Every file the per-file engines (semgrep rules and file analyzers of per-file
    controls) were given: the changed files and their dependents."""
    semgrep_files: tuple[str, ...]
    """The files semgrep scanned with the rules of those controls (as semgrep was given them)."""
    native_files: tuple[str, ...]
    """The files the native file analyzers of those controls read."""
    changed_file_controls: tuple[str, ...]
    """Controls evaluated on the examined files only; the others saw the whole repository."""
    not_evaluated: tuple[str, ...]
    """Controls among them that no examined file fed (status ``not-evaluated``)."""


@dataclass(frozen=True, slots=True)
class AdvisorySnapshotInfo:
    """The offline advisory snapshot a scan matched package versions against."""

    date: str
    """The day the snapshot was taken (``YYYY-MM-DD``): no advisory published later is known."""
    source: str
    """The database it was built from (``PyPA advisory database``)."""
    url: str = ""
    commit: str | None = None
    """The database commit the snapshot was built from, when recorded."""
    controls: tuple[str, ...] = ()
    """The controls whose checks read it in this scan."""


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
    diff_scope: DiffScope | None = None
    """For a ``--diff-base`` scan: which controls ran on which files."""
    frameworks: tuple[FrameworkResult, ...] = ()
    """The frameworks asked for with ``--framework``: every requirement and its status."""
    advisory_snapshot: AdvisorySnapshotInfo | None = None
    """The advisory snapshot, when a control that reads it was evaluated (schema 1.4)."""
