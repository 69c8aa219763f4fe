"""Compare a benchmark run with the committed judgements; write judging packets.

Usage:
  python benchmarks/realworld/compare.py [--findings FILE] [--judgements FILE]
                                         [--markdown FILE] [--packets DIR] [--all]

Matches findings.jsonl (from run.py) with judgements.csv on (repo, path, line, control_id,
check_id), for the commit the manifest pins. Prints the findings no one has judged, the
judged findings the scan no longer reports (lost), and the precision per control and per
severity: TP / (TP + FP), debatable counted apart. --markdown writes the tables for
docs/precision-realworld.md; --packets writes one packet per repository (at most 60 findings
each) of the unjudged findings for the judges. Exit status: 1 when a finding is unjudged,
2 when an input is malformed, else 0.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rw_judgements import Judgement, JudgementError, read_judgements
from rw_manifest import (
    DEFAULT_CORPUS,
    DEFAULT_RESULTS,
    JUDGEMENTS,
    MANIFEST,
    ManifestError,
    Repo,
    load_manifest,
)
from rw_packets import PACKET_SIZE, Item, write_packets
from rw_rows import FindingRow, Key, read_rows, sort_key

SEVERITIES = ("critical", "high", "medium", "low")
SHOWN = 40


@dataclass
class Tally:
    """Verdict counts over the distinct findings (keys) of one control or severity."""

    tp: int = 0
    fp: int = 0
    debatable: int = 0
    unjudged: int = 0
    severities: set[str] = field(default_factory=set)

    def add(self, verdict: str | None) -> None:
        """Count one key with its verdict (None when unjudged)."""
        if verdict == "TP":
            self.tp += 1
        elif verdict == "FP":
            self.fp += 1
        elif verdict == "debatable":
            self.debatable += 1
        else:
            self.unjudged += 1

    @property
    def precision(self) -> str:
        """TP / (TP + FP) as a percentage, or a dash when nothing is judged TP or FP."""
        judged = self.tp + self.fp
        return "—" if judged == 0 else f"{100 * self.tp / judged:.1f}%"

    def cells(self) -> list[str]:
        """Table cells: keys, TP, FP, debatable, unjudged, precision."""
        total = self.tp + self.fp + self.debatable + self.unjudged
        counts = [total, self.tp, self.fp, self.debatable, self.unjudged]
        return [*map(str, counts), self.precision]


@dataclass(frozen=True)
class Comparison:
    """Findings grouped by key and matched with the judgements."""

    items: dict[Key, tuple[FindingRow, ...]]
    verdicts: dict[Key, str]
    lost: list[Judgement]
    stale: list[Judgement]

    @property
    def unjudged(self) -> list[Key]:
        """Keys reported now and judged by no one, in order."""
        return [key for key in self.items if key not in self.verdicts]


def scanned_repos(findings: Path) -> set[str]:
    """Repositories the run scanned completely, from the scan-summary.json beside FINDINGS."""
    summary_path = findings.parent / "scan-summary.json"
    if not summary_path.is_file():
        return set()
    summary = json.loads(summary_path.read_text(encoding="utf-8"))
    return {entry["repo"] for entry in summary.get("repos", []) if entry["status"] == "scanned"}


def compare(
    rows: Iterable[FindingRow], judgements: list[Judgement], repos: list[Repo], scanned: set[str]
) -> Comparison:
    """Group ROWS by key and match them with the judgements of the pinned commits."""
    pinned = {repo.name: repo.commit for repo in repos}
    grouped: dict[Key, list[FindingRow]] = defaultdict(list)
    for row in sorted(rows, key=sort_key):
        grouped[row.key].append(row)
    current = [j for j in judgements if pinned.get(j.repo) == j.commit]
    stale = [j for j in judgements if pinned.get(j.repo) != j.commit]
    verdicts = {j.key: j.verdict for j in current if j.key in grouped}
    lost = [j for j in current if j.key not in grouped and j.repo in scanned | _repos(grouped)]
    items = {key: tuple(found) for key, found in grouped.items()}
    return Comparison(items=items, verdicts=verdicts, lost=lost, stale=stale)


def _repos(grouped: dict[Key, list[FindingRow]]) -> set[str]:
    return {key[0] for key in grouped}


def tallies(comparison: Comparison) -> tuple[dict[str, Tally], dict[str, Tally]]:
    """Verdict counts per control and per finding severity."""
    per_control: dict[str, Tally] = defaultdict(Tally)
    per_severity: dict[str, Tally] = defaultdict(Tally)
    for key, found in comparison.items.items():
        verdict = comparison.verdicts.get(key)
        severity = found[0].severity
        per_control[key[3]].add(verdict)
        per_control[key[3]].severities.add(severity)
        per_severity[severity].add(verdict)
    return dict(sorted(per_control.items())), per_severity


HEAD = ["findings", "TP", "FP", "debatable", "unjudged", "precision"]


def markdown_tables(per_control: dict[str, Tally], per_severity: dict[str, Tally]) -> str:
    """Render the two precision tables as Markdown."""
    order = {name: index for index, name in enumerate(SEVERITIES)}
    out = ["| control | severity | " + " | ".join(HEAD) + " |"]
    out.append("|---|---|" + "---:|" * len(HEAD))
    for control, tally in per_control.items():
        severity = "/".join(sorted(tally.severities, key=lambda s: order.get(s, 9)))
        out.append(f"| {control} | {severity} | " + " | ".join(tally.cells()) + " |")
    out.extend(["", "| severity | " + " | ".join(HEAD) + " |"])
    out.append("|---|" + "---:|" * len(HEAD))
    out.extend(
        f"| {severity} | " + " | ".join(per_severity[severity].cells()) + " |"
        for severity in SEVERITIES
        if severity in per_severity
    )
    return "\n".join(out) + "\n"


def markdown_document(repos: list[Repo], scanned: set[str], tables: str) -> str:
    """Prefix the tables with the repositories and commits they come from."""
    out = ["Repositories and pinned commits of this run:", ""]
    out.extend(
        f"- {repo.name} `{repo.commit[:12]}` ({repo.kind})"
        for repo in repos
        if repo.name in scanned
    )
    out.extend(["", "Counts are distinct findings (repo, path, line, control, check).", ""])
    return "\n".join(out) + "\n" + tables


def _describe(key: Key, found: tuple[FindingRow, ...]) -> str:
    repo, path, line, control, check = key
    where = f"{path}:{line}" if line else path
    message = found[0].message
    message = message if len(message) <= 100 else message[:99] + "…"
    return f"  {repo} {where} {control} {check} [{found[0].severity}] {message}"


def report(comparison: Comparison, show_all: bool) -> None:
    """Print unjudged, lost and stale judgements, then the precision tables."""
    unjudged = comparison.unjudged
    print(f"unjudged findings: {len(unjudged)}")
    for key in unjudged if show_all else unjudged[:SHOWN]:
        print(_describe(key, comparison.items[key]))
    if not show_all and len(unjudged) > SHOWN:
        print(f"  … {len(unjudged) - SHOWN} more (--all shows every one)")
    print(f"judged findings no longer reported (lost): {len(comparison.lost)}")
    for judgement in comparison.lost:
        print(
            f"  {judgement.repo} {judgement.path}:{judgement.line} {judgement.control_id} "
            f"{judgement.check_id} was {judgement.verdict}: {judgement.reason}"
        )
    if comparison.stale:
        print(
            f"judgements of a commit the manifest no longer pins (ignored): {len(comparison.stale)}"
        )
    print()
    print(markdown_tables(*tallies(comparison)))


def packets(comparison: Comparison, repos: list[Repo], corpus: Path, directory: Path) -> None:
    """Write the judging packets of every repository with unjudged findings."""
    by_repo: dict[str, list[Item]] = defaultdict(list)
    for key in comparison.unjudged:
        by_repo[key[0]].append(Item(key, comparison.items[key]))
    index = ["# Judging packets", "", "| packet | verdicts | findings |", "|---|---:|---:|"]
    directory.mkdir(parents=True, exist_ok=True)  # an index even when nothing is unjudged
    for repo in repos:
        items = by_repo.get(repo.name, [])
        if not items:
            continue
        written = write_packets(directory, repo, items, corpus / repo.name, PACKET_SIZE)
        index.extend(f"| [{p.name}]({p.name}) | {groups} | {keys} |" for p, groups, keys in written)
    (directory / "INDEX.md").write_text("\n".join(index) + "\n", encoding="utf-8")
    print(f"packets written to {directory} ({len(comparison.unjudged)} findings)")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--findings", type=Path, default=DEFAULT_RESULTS / "findings.jsonl")
    parser.add_argument("--judgements", type=Path, default=JUDGEMENTS)
    parser.add_argument("--manifest", type=Path, default=MANIFEST)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--markdown", type=Path, metavar="FILE")
    parser.add_argument("--packets", type=Path, metavar="DIR")
    parser.add_argument("--all", action="store_true", help="list every unjudged finding")
    args = parser.parse_args(argv)
    try:
        repos = load_manifest(args.manifest)
        judgements = read_judgements(args.judgements)
    except (ManifestError, JudgementError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if not args.findings.is_file():
        print(f"error: {args.findings} does not exist; run run.py first", file=sys.stderr)
        return 2
    scanned = scanned_repos(args.findings)
    comparison = compare(read_rows(args.findings), judgements, repos, scanned)
    report(comparison, args.all)
    if args.markdown is not None:
        tables = markdown_tables(*tallies(comparison))
        args.markdown.write_text(markdown_document(repos, scanned, tables), encoding="utf-8")
    if args.packets is not None:
        packets(comparison, repos, args.corpus, args.packets)
    return 1 if comparison.unjudged else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
