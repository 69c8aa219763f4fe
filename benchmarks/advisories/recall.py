"""Recall on published ML advisories: download each release, scan it, score the sink.

For every entry of ``advisories.yaml`` the vulnerable release (and the fixed release, when
the fix was a code change) is downloaded once into ``--corpus``, unpacked without leaving
the destination, reduced to its scan root, and scanned with ``mlsec-policy scan``. Scan
reports are cached per (package, version, scan root) and reused until ``--rescan``.

    python benchmarks/advisories/recall.py [--only ID] [--jobs 1] [--markdown FILE]
        [--corpus DIR] [--mirrors DIR] [--mlsec-policy CMD] [--rescan]

Exit status: 0 when every entry was scored, 1 when an entry could not be fetched or scanned
(it is then listed as an error, never as a miss).
"""

from __future__ import annotations

import argparse
import json
import shlex
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from advisory_entries import Entry, EntryError, Release, load_entries
from advisory_fetch import FetchError, release_tree, scan_tree
from advisory_score import (
    ScanResult,
    Score,
    entry_rows,
    flagged_lines,
    miss_lines,
    read_report,
    score_entry,
    summary_tables,
)

HERE = Path(__file__).resolve().parent
DEFAULT_CORPUS = Path(tempfile.gettempdir()) / "mlsec-policy-advisories"


class ScanFailed(RuntimeError):
    """The scanner could not produce a report for a tree."""


def _scan(release: Release, args: argparse.Namespace, cache: dict[str, ScanResult]) -> ScanResult:
    if release.key in cache:
        return cache[release.key]
    corpus: Path = args.corpus
    report_path = corpus / "reports" / f"{release.key}.json"
    if args.rescan or not report_path.is_file():
        tree = scan_tree(release, release_tree(release, corpus, args.mirrors), corpus)
        report_path.parent.mkdir(parents=True, exist_ok=True)
        partial = report_path.with_suffix(".partial")
        command = [
            *shlex.split(args.mlsec_policy),
            "scan", str(tree), "--no-config", "--no-hash-cache", "--quiet",
            "--jobs", str(args.jobs), "--json-output", str(partial),
        ]  # fmt: skip
        started = time.monotonic()
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        seconds = time.monotonic() - started
        if done.returncode not in (0, 1, 3) or not partial.is_file():
            message = (done.stderr or done.stdout).strip()[-500:]
            raise ScanFailed(f"scan of {release.key} exited {done.returncode}: {message}")
        partial.rename(report_path)
        print(f"  scanned {release.key} in {seconds:.0f} s", file=sys.stderr)
    result = read_report(json.loads(report_path.read_text(encoding="utf-8")))
    cache[release.key] = result
    return result


def _check_sink(release: Release, args: argparse.Namespace) -> str | None:
    """Say what is wrong when the sink's file, lines or text are not in the release."""
    if release.file is None or release.lines is None:
        return None
    path = release_tree(release, args.corpus, args.mirrors) / release.file
    if not path.is_file():
        return f"{release.package} {release.version} has no file {release.file}"
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    first, last = release.lines
    if last > len(lines):
        return f"{release.file} of {release.version} has only {len(lines)} lines"
    if release.reads is not None and release.reads not in "\n".join(lines[first - 1 : last]):
        return f"{release.file}:{first}-{last} of {release.version} does not read {release.reads!r}"
    return None


def _check_removed(entry: Entry, args: argparse.Namespace) -> str | None:
    """Say what is wrong when a fix said to remove the sink did not remove it."""
    fixed, vulnerable = entry.fixed, entry.vulnerable
    if fixed is None or fixed.lines is not None:
        return None
    tree = release_tree(fixed, args.corpus, args.mirrors)
    if fixed.file is None:
        if vulnerable.file is not None and (tree / vulnerable.file).exists():
            return f"{fixed.version} still has {vulnerable.file}, said to be removed"
        return None
    path = tree / fixed.file
    if not path.is_file():
        return f"{fixed.package} {fixed.version} has no file {fixed.file}"
    text = path.read_text(encoding="utf-8", errors="replace")
    if vulnerable.reads is not None and vulnerable.reads in text:
        return f"{fixed.file} of {fixed.version} still reads {vulnerable.reads!r}"
    return None


def run(
    entries: Sequence[Entry], args: argparse.Namespace
) -> tuple[list[Score], list[str], set[tuple[str, str]]]:
    """Fetch, scan and score every entry; return scores, problems and the scanner versions."""
    cache: dict[str, ScanResult] = {}
    scores: list[Score] = []
    problems: list[str] = []
    for entry in entries:
        print(f"{entry.id}: {entry.vulnerable.package} {entry.vulnerable.version}", file=sys.stderr)
        try:
            checks = [_check_sink(r, args) for r in (entry.vulnerable, entry.fixed) if r]
            checks.append(_check_removed(entry, args))
            problems.extend(f"{entry.id}: {bad}" for bad in checks if bad)
            vuln = _scan(entry.vulnerable, args, cache)
            fixed = None
            if entry.fixed is not None and entry.fixed.file is not None:
                fixed = _scan(entry.fixed, args, cache)
        except (FetchError, ScanFailed, OSError) as exc:
            problems.append(f"{entry.id}: {exc}")
            continue
        scores.append(score_entry(entry, vuln, fixed))
    tools = {(r.tool, r.policy_digest) for r in cache.values()}
    if len(tools) > 1:
        problems.append("the cached reports come from different scanners or policies: --rescan")
    return scores, problems, tools


def render(scores: Sequence[Score], problems: Sequence[str], tool: str, digest: str) -> str:
    """Write the Markdown report: method, totals, per class and control, entries, misses."""
    lines = [
        "# Recall on published ML advisories",
        "",
        f"Scanner: {tool}, policy digest `{digest}`. Produced by "
        "`benchmarks/advisories/recall.py` from `benchmarks/advisories/advisories.yaml`; "
        "see `benchmarks/advisories/README.md` for how entries are chosen and verified.",
        "",
        "An advisory is *found at the sink* when a finding of one of its accepted controls "
        "lies in the sink's file and overlaps the sink's lines, and *found in the file* when "
        "such a finding is elsewhere in the same file. A fixed release is *still flagged* when "
        "an accepted control reports the sink's lines again at the grade the vulnerable "
        "release's finding had, and *downgraded* when only at a lower grade (the scanner saw an "
        "opt-in guard in front of the sink and names it); the column after counts both. "
        "The last column counts only fixes "
        "that changed the sink itself (other fixes add a guard or change a default elsewhere "
        "and leave the sink's code as it was).",
        "",
        "## Totals",
        "",
        *summary_tables(scores),
        "",
        "## Entries",
        "",
        *entry_rows(scores),
        "",
        "## Not found at the sink: what the scanner would need",
        "",
        *(miss_lines(scores) or ["None."]),
        "",
        "## Fixed releases still flagged at the old sink",
        "",
        *(flagged_lines(scores) or ["None."]),
    ]
    if problems:
        lines += ["", "## Problems", "", *[f"- {p}" for p in problems]]
    return "\n".join(lines) + "\n"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=Path, default=HERE / "advisories.yaml")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument(
        "--mirrors", type=Path, default=None, help="folder of bare mirrors (owner+name/repo)"
    )
    parser.add_argument("--mlsec-policy", default="mlsec-policy", help="scanner command line")
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--only", action="append", default=[], metavar="ID")
    parser.add_argument("--rescan", action="store_true", help="ignore cached scan reports")
    parser.add_argument("--markdown", type=Path, default=None, metavar="FILE")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        entries = load_entries(args.entries)
    except (EntryError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.only:
        wanted = set(args.only)
        entries = [e for e in entries if e.id in wanted or wanted & set(e.aliases)]
        if not entries:
            print(f"error: no entry matches {', '.join(sorted(wanted))}", file=sys.stderr)
            return 2
    scores, problems, tools = run(entries, args)
    tool, digest = min(tools) if tools else ("mlsec-policy", "unknown")
    text = render(scores, problems, tool, digest)
    print(text)
    if args.markdown is not None:
        args.markdown.parent.mkdir(parents=True, exist_ok=True)
        args.markdown.write_text(text, encoding="utf-8")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
