"""CPU cost of the second semgrep pass that looks for exact fixes, in the same run.

For each tree it runs ``mlsec-policy scan`` without a cache, alternately without the fix pass
(the default of a plain scan since the pass is gated) and with ``--propose-fixes`` (what every
scan did before), and prints the CPU seconds (user + system, the whole process tree) of each
and their ratio. Runs alternate so that load from other work on the machine falls on both.

    python benchmarks/fix_pass.py TREE [TREE...] [--mlsec-policy BIN] [--runs 2] [--jobs 1]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Run:
    """The CPU and wall seconds of one scan, and how many findings carried a fix."""

    cpu: float
    wall: float
    fixes: int


def scan(binary: str, tree: Path, jobs: int, *, propose: bool) -> Run:
    """Scan ``tree`` once; return its CPU (process tree) and wall seconds."""
    with tempfile.TemporaryDirectory(prefix="mlsec-fix-pass-") as scratch:
        report = Path(scratch) / "r.json"
        command = [binary, "scan", str(tree), "--no-cache", "--no-config", "--quiet"]
        command += ["--jobs", str(jobs), "--json-output", str(report)]
        command += ["--propose-fixes"] if propose else []
        wall = time.perf_counter()
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - wall
        if os.waitstatus_to_exitcode(status) not in (0, 1):
            sys.exit(
                f"scan of {tree} failed: {process.stderr.read().decode() if process.stderr else ''}"
            )
        data = json.loads(report.read_text(encoding="utf-8"))
    fixes = sum(1 for r in data["results"] for f in r["findings"] if f.get("fix"))
    return Run(usage.ru_utime + usage.ru_stime, wall, fixes)


def main() -> None:
    """Measure each tree and print a Markdown table row per tree."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("trees", nargs="+", type=Path)
    parser.add_argument("--mlsec-policy", default="mlsec-policy")
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--jobs", type=int, default=1)
    args = parser.parse_args()
    print("| tree | CPU s without pass | CPU s with pass | ratio | findings with a fix |")
    print("|---|---|---|---|---|")
    for tree in args.trees:
        without: list[Run] = []
        with_pass: list[Run] = []
        for _ in range(args.runs):
            without.append(scan(args.mlsec_policy, tree, args.jobs, propose=False))
            with_pass.append(scan(args.mlsec_policy, tree, args.jobs, propose=True))
        plain = min(r.cpu for r in without)
        full = min(r.cpu for r in with_pass)
        print(
            f"| {tree.name} | {plain:.1f} | {full:.1f} | {full / plain:.2f}× | "
            f"{with_pass[-1].fixes} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
