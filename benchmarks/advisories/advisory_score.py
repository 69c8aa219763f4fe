"""Score scan reports against the advisory list and render the tables.

A vulnerable release is *found at the sink* when a finding of an accepted control lies in
the sink's file and overlaps the sink's line range, *found in the file* when such a finding
is elsewhere in that file, and *missed* otherwise; a scan error on that file or control makes
it an *error* instead, never a miss or a find. A fixed release is *still flagged* when an
accepted control reports the same sink again at the grade the vulnerable release's finding
had, and *downgraded* when it reports it only at a lower grade (the scanner saw an opt-in guard
in front of it and says so in the finding); both counts are shown.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from advisory_entries import CLASSES, Entry, Release

VULN_OUTCOMES = ("sink", "file", "missed", "error")
FIXED_OUTCOMES = ("flagged", "downgraded", "clean", "removed", "error", "none")
GRADES = {"low": 1, "medium": 2, "high": 3, "critical": 4}
"""Finding severities in order, to compare a fixed release's grade with the vulnerable one's."""


@dataclass(frozen=True)
class Hit:
    """One finding of a scan report, reduced to what scoring needs."""

    control: str
    check: str
    path: str
    start: int | None
    end: int | None
    severity: str = ""


@dataclass(frozen=True)
class ScanResult:
    """Findings and errors of one scanned tree."""

    hits: tuple[Hit, ...]
    errors: tuple[tuple[str | None, tuple[str, ...], str], ...]
    """(path, control ids, message) of every scan error the report lists."""
    tool: str
    policy_digest: str


@dataclass(frozen=True)
class Score:
    """The outcome of one entry: vulnerable release and fixed release."""

    entry: Entry
    vulnerable: str
    fixed: str
    at_sink: tuple[Hit, ...]
    in_file: tuple[Hit, ...]
    other_at_sink: tuple[Hit, ...]
    fixed_hits: tuple[Hit, ...]
    note: str


def read_report(report: dict[str, Any]) -> ScanResult:
    """Reduce a JSON scan report to its findings and errors."""
    hits: list[Hit] = []
    for result in report["results"]:
        for finding in result["findings"]:
            loc = finding["location"]
            hits.append(
                Hit(
                    control=finding["control_id"],
                    check=finding["check_id"],
                    path=loc["path"],
                    start=loc["start_line"],
                    end=loc["end_line"],
                    severity=finding.get("severity", ""),
                )
            )
    errors = tuple(
        (e["path"], tuple(e["control_ids"]), e["message"])
        for e in report["errors"]
        if e["level"] == "error"
    )
    return ScanResult(
        hits=tuple(hits),
        errors=errors,
        tool=f"{report['tool']['name']} {report['tool']['version']}",
        policy_digest=report["policy"]["digest"],
    )


def _overlaps(hit: Hit, lines: tuple[int, int]) -> bool:
    if hit.start is None:
        return False
    end = hit.end if hit.end is not None and hit.end >= hit.start else hit.start
    return hit.start <= lines[1] and end >= lines[0]


def _errored(scan: ScanResult, release: Release, controls: Sequence[str]) -> bool:
    for path, ids, _ in scan.errors:
        if path == release.file or (path is None and set(ids) & set(controls)):
            return True
    return False


def score_entry(entry: Entry, vuln: ScanResult, fixed: ScanResult | None) -> Score:
    """Score one entry from the reports of its vulnerable and fixed trees."""
    release = entry.vulnerable
    assert release.lines is not None
    in_path = [h for h in vuln.hits if h.path == release.file]
    accepted = [h for h in in_path if h.control in entry.controls]
    at_sink = tuple(h for h in accepted if _overlaps(h, release.lines))
    in_file = tuple(h for h in accepted if h not in at_sink)
    other = tuple(
        h for h in in_path if h.control not in entry.controls and _overlaps(h, release.lines)
    )
    if at_sink:
        outcome = "sink"
    elif _errored(vuln, release, entry.controls):
        outcome = "error"
    else:
        outcome = "file" if in_file else "missed"
    fixed_outcome, fixed_hits, note = _score_fixed(entry, fixed, _grade(at_sink))
    return Score(entry, outcome, fixed_outcome, at_sink, in_file, other, fixed_hits, note)


def _grade(hits: Iterable[Hit]) -> int:
    return max((GRADES.get(h.severity, 0) for h in hits), default=0)


def _score_fixed(
    entry: Entry, scan: ScanResult | None, vulnerable_grade: int
) -> tuple[str, tuple[Hit, ...], str]:
    release = entry.fixed
    if release is None:
        return "none", (), ""
    if release.file is None or release.lines is None:
        return "removed", (), "the fix removed the sink"
    if scan is None:
        return "error", (), "the fixed release was not scanned"
    hits = tuple(
        h
        for h in scan.hits
        if h.path == release.file and h.control in entry.controls and _overlaps(h, release.lines)
    )
    if hits and 0 < _grade(hits) < vulnerable_grade:
        return "downgraded", hits, "reported at a lower grade than in the vulnerable release"
    if hits:
        return "flagged", hits, ""
    if _errored(scan, release, entry.controls):
        return "error", (), "scan error on the fixed file"
    return "clean", (), ""


def _pct(part: int, whole: int) -> str:
    return "–" if whole == 0 else f"{100 * part / whole:.0f}%"


@dataclass(frozen=True)
class Totals:
    """Counts over a group of scores."""

    entries: int
    sink: int
    file: int
    missed: int
    error: int
    negatives: int
    flagged: int
    downgraded: int
    negatives_changed: int
    flagged_changed: int

    @property
    def cells(self) -> list[str]:
        """Render the counts as table cells."""
        found_file = self.sink + self.file
        return [
            str(self.entries),
            f"{self.sink} ({_pct(self.sink, self.entries)})",
            f"{found_file} ({_pct(found_file, self.entries)})",
            str(self.missed),
            str(self.error),
            f"{self.flagged}/{self.negatives} ({_pct(self.flagged, self.negatives)})",
            f"{self.flagged + self.downgraded}/{self.negatives}"
            f" ({_pct(self.flagged + self.downgraded, self.negatives)})",
            f"{self.flagged_changed}/{self.negatives_changed}"
            f" ({_pct(self.flagged_changed, self.negatives_changed)})",
        ]


def totals(scores: Iterable[Score]) -> Totals:
    """Add up outcomes; negatives count only fixed releases that exist."""
    items = list(scores)
    count = Counter(s.vulnerable for s in items)
    negatives = [
        s for s in items if s.fixed in ("flagged", "downgraded", "clean", "removed", "error")
    ]
    changed = [s for s in negatives if s.entry.fix_touches_sink]
    return Totals(
        entries=len(items),
        sink=count["sink"],
        file=count["file"],
        missed=count["missed"],
        error=count["error"],
        negatives=len(negatives),
        flagged=sum(s.fixed == "flagged" for s in negatives),
        downgraded=sum(s.fixed == "downgraded" for s in negatives),
        negatives_changed=len(changed),
        flagged_changed=sum(s.fixed == "flagged" for s in changed),
    )


HEADER = [
    "group",
    "entries",
    "found at sink",
    "found at sink or elsewhere in file",
    "missed",
    "errors",
    "fixed still flagged",
    "… at any grade (with downgraded)",
    "… where the fix changed the sink",
]


def _table(header: Sequence[str], rows: Iterable[Sequence[str]]) -> list[str]:
    def esc(cell: str) -> str:
        return cell.replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(esc(c) for c in row) + " |" for row in rows]
    return lines


def summary_tables(scores: Sequence[Score]) -> list[str]:
    """Totals, then per class and per primary control, as Markdown tables."""
    rows = [["all", *totals(scores).cells]]
    for klass in CLASSES:
        group = [s for s in scores if s.entry.klass == klass]
        if group:
            rows.append([klass, *totals(group).cells])
    controls = sorted({s.entry.controls[0] for s in scores})
    control_rows = [
        [c, *totals(s for s in scores if s.entry.controls[0] == c).cells] for c in controls
    ]
    return [
        *_table(HEADER, rows),
        "",
        *_table(["primary control", *HEADER[1:]], control_rows),
    ]


def _where(hits: Sequence[Hit]) -> str:
    return ", ".join(sorted({f"{h.control}:{h.start}" for h in hits}))


def entry_rows(scores: Sequence[Score]) -> list[str]:
    """One row per entry: release, sink, outcome, what fired, fixed outcome."""
    rows = []
    for s in scores:
        e = s.entry
        v = e.vulnerable
        assert v.lines is not None
        sink = f"{v.file}:{v.lines[0]}" + (f"-{v.lines[1]}" if v.lines[1] != v.lines[0] else "")
        fired = _where(s.at_sink or s.in_file) or "–"
        other = _where(s.other_at_sink)
        fixed = "–" if e.fixed is None else f"{e.fixed.version}: {s.fixed}"
        if e.fixed is not None and not e.fix_touches_sink:
            fixed += " (fix elsewhere)"
        rows.append(
            [
                e.id,
                e.klass,
                f"{v.package} {v.version}",
                sink,
                " / ".join(e.controls),
                s.vulnerable,
                fired + (f"; other controls at sink: {other}" if other else ""),
                fixed,
            ]
        )
    header = ["advisory", "class", "release", "sink", "controls", "outcome", "fired", "fixed"]
    return _table(header, rows)


def miss_lines(scores: Sequence[Score]) -> list[str]:
    """List each entry not found at its sink with what the scanner would need (the work list)."""
    lines = []
    for s in scores:
        if s.vulnerable == "sink":
            continue
        e = s.entry
        lines.append(
            f"- **{e.id}** ({e.vulnerable.package} {e.vulnerable.version}, {s.vulnerable})"
        )
        lines.append(f"  — {e.need or 'no note recorded'}")
    return lines


def flagged_lines(scores: Sequence[Score]) -> list[str]:
    """List the fixed releases still reported at the old sink, and why that happens."""
    lines = []
    for s in scores:
        if s.fixed not in ("flagged", "downgraded") or s.entry.fixed is None:
            continue
        why = "the sink is unchanged" if not s.entry.fix_touches_sink else "the sink changed"
        if s.fixed == "downgraded":
            why += f"; downgraded to {'/'.join(sorted({h.severity for h in s.fixed_hits}))}"
        lines.append(
            f"- **{s.entry.id}** {s.entry.fixed.package} {s.entry.fixed.version} "
            f"({_where(s.fixed_hits)}; {why})"
        )
    return lines
