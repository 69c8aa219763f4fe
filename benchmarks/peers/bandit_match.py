"""Match bandit hits to our findings, join them with verdicts, and render the judged table."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

TESTS: dict[str, tuple[str, tuple[str, ...]]] = {
    "B301": ("pickle and its wrappers load data", ("MLSEC-LOAD-02", "MLSEC-LOAD-03")),
    "B506": ("yaml.load with a loader that builds objects", ("MLSEC-CODE-04",)),
    "B614": ("torch.load without weights_only", ("MLSEC-LOAD-01",)),
    "B615": ("Hugging Face hub download without a revision", ("MLSEC-HUB-02", "MLSEC-HUB-03")),
    "B102": ("exec", ("MLSEC-CODE-01",)),
    "B307": ("eval", ("MLSEC-CODE-01",)),
}
"""bandit test id -> (what it looks for, the controls of ours that cover it)."""

VERDICTS = ("TP", "FP")
FIELDS = ["package", "test_id", "path", "line", "verdict", "reason"]

JudgementKey = tuple[str, str, str, int]
"""(package with version, test id, path, line)."""


class JudgementError(ValueError):
    """The verdict file is malformed."""


@dataclass(frozen=True)
class BanditHit:
    """One bandit result: where it points and the statement's first and last line."""

    package: str
    test_id: str
    path: str
    line: int
    first: int
    last: int
    code: str

    @property
    def key(self) -> JudgementKey:
        """The identity a verdict is recorded under."""
        return (self.package, self.test_id, self.path, self.line)


@dataclass(frozen=True)
class OurFinding:
    """A finding of our scan, reduced to what matching needs."""

    control_id: str
    check_id: str
    path: str
    line: int | None


@dataclass(frozen=True)
class Outcome:
    """A bandit hit, its verdict and reason, and our findings of its controls at its statement."""

    hit: BanditHit
    verdict: str | None
    reason: str
    ours: tuple[OurFinding, ...]
    others: tuple[OurFinding, ...]
    """Our findings of other controls on the same statement (for the reader, not counted)."""


def our_findings(report: Mapping[str, Any]) -> list[OurFinding]:
    """Every unsuppressed finding with a line, from a JSON report of ``mlsec-policy scan``."""
    found: list[OurFinding] = []
    for result in report.get("results", []):
        for finding in result.get("findings", []):
            if finding.get("suppression"):
                continue
            location = finding["location"]
            found.append(
                OurFinding(
                    control_id=finding["control_id"],
                    check_id=finding["check_id"],
                    path=location["path"],
                    line=location.get("start_line"),
                )
            )
    return found


def read_judgements(path: Path) -> dict[JudgementKey, tuple[str, str]]:
    """Read the verdicts by hit; a malformed row or duplicate key is an error, not a skip."""
    verdicts: dict[JudgementKey, tuple[str, str]] = {}
    with path.open(encoding="utf-8", newline="") as stream:
        reader = csv.DictReader(stream)
        if reader.fieldnames != FIELDS:
            raise JudgementError(f"{path}: columns must be {','.join(FIELDS)}")
        for number, row in enumerate(reader, start=2):
            if row["verdict"] not in VERDICTS or not row["reason"].strip():
                raise JudgementError(f"{path}:{number}: verdict must be TP or FP, with a reason")
            if row["test_id"] not in TESTS or not row["line"].isdigit():
                raise JudgementError(f"{path}:{number}: unknown test or bad line")
            key = (row["package"], row["test_id"], row["path"], int(row["line"]))
            if key in verdicts:
                raise JudgementError(f"{path}:{number}: duplicate verdict for {key}")
            verdicts[key] = (row["verdict"], row["reason"].strip())
    return verdicts


def match(
    hit: BanditHit,
    ours: Iterable[OurFinding],
    judgements: Mapping[JudgementKey, tuple[str, str]],
) -> Outcome:
    """Our findings on the hit's statement, split into the covering controls and the rest."""
    controls = TESTS[hit.test_id][1]
    same: list[OurFinding] = []
    other: list[OurFinding] = []
    for finding in ours:
        if finding.path != hit.path or finding.line is None:
            continue
        if not hit.first <= finding.line <= hit.last:
            continue
        (same if finding.control_id in controls else other).append(finding)
    verdict, reason = judgements.get(hit.key, (None, ""))
    return Outcome(hit, verdict, reason, tuple(same), tuple(other))


def _row(cells: Iterable[object]) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def summary_rows(outcomes: list[Outcome]) -> list[str]:
    """Per package and test: hits, TP, FP, TP we report, TP we miss, FP we report anyway."""
    rows = [
        _row(["package", "test", "hits", "TP", "FP", "TP found", "TP missed", "FP also ours"]),
        _row(["---", "---", "---:", "---:", "---:", "---:", "---:", "---:"]),
    ]
    groups: dict[tuple[str, str], list[Outcome]] = {}
    for outcome in outcomes:
        groups.setdefault((outcome.hit.package, outcome.hit.test_id), []).append(outcome)
    total = [0, 0, 0, 0, 0, 0]
    for (package, test), group in sorted(groups.items()):
        tp = [o for o in group if o.verdict == "TP"]
        fp = [o for o in group if o.verdict == "FP"]
        counts = [
            len(group),
            len(tp),
            len(fp),
            sum(1 for o in tp if o.ours),
            sum(1 for o in tp if not o.ours),
            sum(1 for o in fp if o.ours),
        ]
        total = [a + b for a, b in zip(total, counts, strict=True)]
        rows.append(_row([package, test, *counts]))
    rows.append(_row(["**all**", "", *(f"**{n}**" for n in total)]))
    return rows


def _ours_cell(outcome: Outcome) -> str:
    if outcome.ours:
        return ", ".join(sorted({f"{f.control_id} {f.check_id}" for f in outcome.ours}))
    if outcome.others:
        return "— (other: " + ", ".join(sorted({f.control_id for f in outcome.others})) + ")"
    return "—"


def render_markdown(
    outcomes: list[Outcome], packages: Mapping[str, str], modes: Mapping[str, str]
) -> str:
    """Render the summary table, then every hit with its verdict, reason and our finding."""
    versions = ", ".join(f"{name} {version}" for name, version in packages.items())
    read = "; ".join(f"{package}: {mode}" for package, mode in sorted(modes.items()))
    lines = [f"Packages: {versions}. Tests: {', '.join(sorted(TESTS))}.", ""]
    lines += [f"Our scan read — {read}.", ""]
    lines += summary_rows(outcomes)
    lines += ["", _row(["package", "test", "place", "verdict", "ours", "reason"])]
    lines.append(_row(["---"] * 6))
    for o in outcomes:
        place = f"`{o.hit.path}:{o.hit.line}`"
        verdict = o.verdict or "**unjudged**"
        if o.verdict == "TP" and not o.ours:
            verdict = "TP, **missed**"
        name = o.hit.package.rsplit("-", 1)[0]
        lines.append(_row([name, o.hit.test_id, place, verdict, _ours_cell(o), o.reason]))
    return "\n".join(lines) + "\n"
