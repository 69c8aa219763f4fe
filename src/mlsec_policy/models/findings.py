"""What the engines find: places, raw hits, findings with fingerprints, problems, evidence."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum, StrEnum


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


class ErrorLevel(StrEnum):
    """Whether a scan problem stops a check from giving a verdict."""

    ERROR = "error"
    """The check could not run on something it should have seen: its control is ``error``."""
    WARNING = "warning"
    """Coverage was reduced (for example a partial parse) but the check ran; shown, not fatal."""


class PathClass(StrEnum):
    """What kind of non-product code a path holds; product code has no class."""

    TEST = "test"
    EXAMPLE = "example"
    DOCS = "docs"

    @property
    def label(self) -> str:
        """Return the words a report uses for this class."""
        return {"test": "test code", "example": "example code", "docs": "documentation"}[self]


class NonProduct(StrEnum):
    """What a scan does with findings in test, example and docs paths."""

    MARK = "mark"
    """Keep and mark them; they do not count toward ``--fail-on`` (the default)."""
    GATE = "gate"
    """Keep and mark them; they count toward ``--fail-on`` like any other finding."""
    HIDE = "hide"
    """Leave them out of the report (a note says how many)."""


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
class FlowStep:
    """One place a finding's value passes through on its way to the reported call."""

    location: Location
    message: str
    """What happens there, for a person: "URL defined here", "config key read here"."""


@dataclass(frozen=True, slots=True)
class Observation:
    """Something an engine saw, at a place: what an analyzer yields, what a semgrep match is."""

    location: Location
    message: str | None = None
    """Specific text; the check's message is used when None."""
    severity: Severity | None = None
    """A grade specific to this observation (overrides the check's)."""
    snippet: str | None = None
    """Source text, already redacted if it may hold a secret."""
    key: str | None = None
    """A stable discriminator when there is no line (a pickle global, a missing shard)."""
    group: str | None = None
    """Observations of one check that share a group key are one finding, shown at the first
    place (product code before test, example and docs paths), the others as related places:
    the same requirement in 24 near-identical manifests is one thing to fix."""
    related: tuple[Location, ...] = ()
    """Other places the same observation was made (filled in when a group is merged)."""
    context: str | None = None
    """What the matched code handles (``data``, ``model``, ``request``) when an engine could
    tell; a check's ``contexts`` then gives the finding its risk codes and phase."""
    flow: tuple[FlowStep, ...] = ()
    """Where the value the observation depends on came from, source first (not a group)."""


@dataclass(frozen=True, slots=True)
class Hit:
    """An observation attributed to the check (and control) that asked for it, before evaluation."""

    control_id: str
    check_id: str
    observation: Observation


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
class TextEdit:
    """One replacement in a file: a region removed and the text put in its place."""

    start_line: int
    """1-based line where the removed region starts."""
    start_column: int
    """1-based column (in characters) where the removed region starts."""
    end_line: int
    end_column: int
    """1-based column just after the removed region (equal to the start for an insertion)."""
    text: str
    """The text inserted in place of the region."""


@dataclass(frozen=True, slots=True)
class FileChange:
    """The edits a fix makes to one file."""

    path: str
    """The file changed, relative to the scanned root (POSIX)."""
    edits: tuple[TextEdit, ...]


@dataclass(frozen=True, slots=True)
class FixProposal:
    """A mechanical change that makes a finding go away, as ``mlsec-policy fix`` would apply it."""

    description: str
    changes: tuple[FileChange, ...]


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
    related: tuple[Location, ...] = ()
    """Other places where the same thing was found (near-identical manifests, notebooks)."""
    path_class: PathClass | None = None
    """Set when the finding is in test, example or documentation code (not product code)."""
    context: str | None = None
    """What the matched code handles, when its check declares contexts and one was recognised."""
    risks: tuple[str, ...] = ()
    """The risk codes of that context; empty: the control's risk codes apply."""
    phase: str | None = None
    """The lifecycle phase of that context; None: the control's phase applies."""
    flow: tuple[FlowStep, ...] = ()
    """Where the value the finding depends on came from, source first; never fingerprinted."""
    fix: FixProposal | None = None
    """The automatic fix for this finding, when its check declares one that applies here."""


@dataclass(frozen=True, slots=True)
class Evidence:
    """Something found that supports a passing verdict."""

    check_id: str
    description: str
    location: Location | None = None
