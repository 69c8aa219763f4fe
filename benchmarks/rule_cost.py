"""Where plain semgrep's time goes with our rules: CPU seconds, and the split by rule and file.

It runs semgrep once, the way our scan does (osemgrep, the scan's flags, ``--jobs 1`` by
default), with ``--time``, over the files our inventory hands to semgrep as they are, and
prints:

- CPU seconds (user + system of the semgrep process tree, ``getrusage`` of the children: the
  honest figure on a shared machine), wall seconds, peak memory, load average at start and end;
- semgrep's own split: parsing, matching, taint analysis, and the share of rule-file pairs its
  literal prefilter let through;
- the rules that took the most matching time and the files that took the longest, as semgrep
  measured them (wall clock, so only their proportions mean anything under load);
- the raw matches (rule, path, start and end line) by rule and a digest of all of them, so two
  runs — before and after a rule rewrite — can be compared for identical matches.

    python benchmarks/rule_cost.py TREE [--rules FILE | --pack DIR] [--only ID,..] [--drop ID,..]
        [--every N] [--jobs 1] [--top 15] [--raw OUT.json] [--matches OUT.txt]
    python benchmarks/rule_cost.py --from-json OUT.json [--top 15]
    python benchmarks/rule_cost.py TREE --compare BEFORE AFTER --only ID,.. [--every N]
        [--repeat 3]

``--rules`` takes a rule file written by ``write_rules`` (any commit's); without it the rules
are those of the bundled pack (or ``--pack``).

``--compare`` measures a rule rewrite: the selected rules of two rule files run alternately,
``--repeat`` times each, over the same files, together with a rule that only makes semgrep
parse every file (it has no word for semgrep's prefilter and matches nothing), alone and in
each side's run — so every run parses every file, as in a scan with the whole pack, and a
side's CPU seconds minus the parse-only run's are what its rules add to parsing. It prints the
CPU seconds of every run, that difference from the lowest run of each, and whether the raw
matches of the two sides are identical.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from procmem import measure
from scan_speed import commit_of, load, semgrep_inputs

from mlsec_policy.engines.semgrep.process import (
    ARG_BUDGET,
    environment,
    find_binary,
    scan_command,
)
from mlsec_policy.options import SemgrepSettings


def select_rules(source: Path, target: Path, only: set[str], drop: set[str]) -> int:
    """Copy the rules of ``source`` to ``target``, keeping ``only`` (when given) minus ``drop``."""
    rules = json.loads(source.read_text(encoding="utf-8"))["rules"]
    kept = [r for r in rules if (not only or r["id"] in only) and r["id"] not in drop]
    missing = (only | drop) - {r["id"] for r in rules}
    if missing:
        raise SystemExit(f"no such rule in {source}: {', '.join(sorted(missing))}")
    target.write_text(json.dumps({"rules": kept}, indent=1), encoding="utf-8")
    return len(kept)


def matches(output: dict[str, Any]) -> list[str]:
    """Return every raw match as ``rule path:start-end``, sorted."""
    found = []
    for hit in output.get("results", []):
        rule = str(hit["check_id"]).rsplit(".", 1)[-1]
        found.append(f"{rule} {hit['path']}:{hit['start']['line']}-{hit['end']['line']}")
    return sorted(found)


def summary(output: dict[str, Any], top: int) -> None:
    """Print semgrep's time split, the costliest rules and files, and the matches' digest."""
    timing = output.get("time") or {}
    rules: list[str] = list(timing.get("rules", []))
    per_rule: dict[str, float] = defaultdict(float)
    per_file: dict[str, float] = defaultdict(float)
    parse_total = 0.0
    for target in timing.get("targets", []):
        per_file[target["path"]] += target.get("run_time", 0.0)
        for rule, seconds in zip(rules, target.get("match_times", []), strict=False):
            per_rule[rule] += seconds
        parse_total += sum(target.get("parse_times", []))
    match_total = sum(per_rule.values())
    taint = (timing.get("tainting_time") or {}).get("total_time", 0.0)
    prefilter = timing.get("prefiltering") or {}
    print(
        f"semgrep's own figures (wall s): parsing {parse_total:.1f}, matching {match_total:.1f}"
        f" (taint analysis {taint:.1f}); rule-file pairs its prefilter let through:"
        f" {100 * prefilter.get('rules_selected_ratio', 0.0):.1f} %"
    )
    print(f"\nrules by matching time (top {top} of {len(rules)}):")
    for rule, seconds in sorted(per_rule.items(), key=lambda item: -item[1])[:top]:
        share = 100 * seconds / match_total if match_total else 0.0
        print(f"  {seconds:8.2f} s  {share:5.1f} %  {rule}")
    print(f"\nfiles by time (top {top} of {len(per_file)}):")
    for path, seconds in sorted(per_file.items(), key=lambda item: -item[1])[:top]:
        print(f"  {seconds:8.2f} s  {path}")
    found = matches(output)
    by_rule = Counter(line.split(" ", 1)[0] for line in found)
    digest = hashlib.sha256("\n".join(found).encode()).hexdigest()[:16]
    print(f"\nraw matches: {len(found)} (digest {digest}); errors: {len(output.get('errors', []))}")
    print("  " + ", ".join(f"{rule} {count}" for rule, count in sorted(by_rule.items())))


PARSE_ONLY = {
    "id": "parse-only",
    "languages": ["python"],
    "severity": "INFO",
    "message": "parses every file and matches nothing",
    "pattern": '"mlsec-policy: a string no file holds"',
}
"""A rule semgrep derives no prefilter from (a string literal), so it parses every file."""


def compare(
    tree: Path,
    targets: list[str],
    scratch: Path,
    sides: dict[str, Path],
    repeat: int,
    jobs: int,
) -> bool:
    """Run each side's rule file ``repeat`` times, alternately; return whether matches agree."""
    settings = SemgrepSettings(jobs=jobs)
    binary = find_binary(settings)
    parse = scratch / "parse-only.json"
    parse.write_text(json.dumps({"rules": [PARSE_ONLY]}), encoding="utf-8")
    for rules in sides.values():
        selected = json.loads(rules.read_text(encoding="utf-8"))["rules"]
        rules.write_text(json.dumps({"rules": [*selected, PARSE_ONLY]}), encoding="utf-8")
    runs = {**sides, "parse-only": parse}
    cpu: dict[str, list[float]] = defaultdict(list)
    digests: dict[str, set[str]] = defaultdict(set)
    for round_number in range(1, repeat + 1):
        for label, rules in runs.items():
            run = measure(
                scan_command(binary, rules, targets, settings, True),
                cwd=tree,
                env=environment(scratch),
            )
            output = json.loads(run.stdout.decode("utf-8", errors="replace"))
            found = matches(output)
            digest = hashlib.sha256("\n".join(found).encode()).hexdigest()[:16]
            digests[label].add(digest)
            cpu[label].append(run.cpu_seconds)
            print(
                f"round {round_number} {label:>10}: CPU {run.cpu_seconds:6.2f} s,"
                f" wall {run.seconds:6.2f} s, {len(found)} matches ({digest}),"
                f" {len(output.get('errors', []))} errors, load {load()}"
            )
    floor = min(cpu["parse-only"])
    for label in sides:
        lowest = min(cpu[label])
        print(
            f"{label:>10}: lowest CPU {lowest:.2f} s, above parsing {lowest - floor:.2f} s"
            f" (all: {', '.join(f'{c:.2f}' for c in cpu[label])})"
        )
    same = len({digest for label in sides for digest in digests[label]}) == 1
    print(f"parse-only lowest CPU {floor:.2f} s; raw matches identical: {same}")
    return same


def main() -> int:
    """Run semgrep with ``--time`` over a tree (or read a saved run) and print the summary."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tree", nargs="?", type=Path)
    parser.add_argument("--rules", type=Path, help="a rule file written by write_rules")
    parser.add_argument("--pack", default="builtin", help="policy pack whose rules to write")
    parser.add_argument("--only", default="", help="comma-separated rule ids to keep")
    parser.add_argument("--drop", default="", help="comma-separated rule ids to leave out")
    parser.add_argument("--every", type=int, default=1, help="take every Nth target only")
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--top", type=int, default=15)
    parser.add_argument("--raw", type=Path, help="write semgrep's JSON here")
    parser.add_argument("--matches", type=Path, help="write the raw matches here, one a line")
    parser.add_argument("--from-json", type=Path, help="summarise a saved --raw file instead")
    parser.add_argument(
        "--compare", nargs=2, type=Path, metavar=("BEFORE", "AFTER"), help="two rule files"
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs of each side (--compare)")
    args = parser.parse_args()
    if args.from_json:
        summary(json.loads(args.from_json.read_text(encoding="utf-8")), args.top)
        return 0
    if args.tree is None:
        parser.error("a TREE is needed unless --from-json is given")
    only = {r for r in args.only.split(",") if r}
    drop = {r for r in args.drop.split(",") if r}
    with tempfile.TemporaryDirectory(prefix="mlsec-rule-cost-") as scratch_name:
        scratch = Path(scratch_name)
        written, targets = semgrep_inputs(args.tree, scratch, args.pack)
        rules = scratch / "selected.json"
        count = select_rules(args.rules or written, rules, only, drop)
        targets = targets[:: args.every]
        if sum(len(t) + 1 for t in targets) > ARG_BUDGET:
            raise SystemExit("too many targets for one semgrep command line; use --every")
        if args.compare:
            sides = {"before": scratch / "before.json", "after": scratch / "after.json"}
            for source, (label, target) in zip(args.compare, sides.items(), strict=True):
                print(f"{label}: {select_rules(source, target, only, drop)} rules of {source}")
            print(f"tree: {args.tree}; {len(targets)} files; --jobs {args.jobs}")
            same = compare(args.tree, targets, scratch, sides, args.repeat, args.jobs)
            return 0 if same else 1
        settings = SemgrepSettings(jobs=args.jobs)
        command = scan_command(find_binary(settings), rules, targets, settings, True, ("--time",))
        started = load()
        run = measure(command, cwd=args.tree, env=environment(scratch))
        ended = load()
    output = json.loads(run.stdout.decode("utf-8", errors="replace"))
    if args.raw:
        args.raw.write_text(json.dumps(output), encoding="utf-8")
    if args.matches:
        args.matches.write_text("".join(m + "\n" for m in matches(output)), encoding="utf-8")
    print(f"tree: {args.tree} (commit {commit_of(args.tree)}); {len(targets)} files")
    print(f"rules: {count} from {args.rules or args.pack}; --jobs {args.jobs}")
    print(f"load average at start: {started}; at end: {ended} (2 cores)")
    print(
        f"CPU {run.cpu_seconds:.1f} s, wall {run.seconds:.1f} s, peak {run.peak_mib:.0f} MiB,"
        f" exit {run.returncode}"
    )
    summary(output, args.top)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
