"""Benchmark: the CPU cost of each repository analyzer, cold and warm.

Loads the bundled pack and inventories a target, then runs the native checks of each
repository analyzer (and of ``security-tool-use``, the file analyzer behind the tool-evidence
controls, which reads every Python file) on their own, twice, in one process: once with an
empty result store (cold) and once with the store the first run filled (warm); then all of
them together in one engine run, as a scan runs them (they share per-file facts). It prints the
CPU seconds of each run, the hits and errors of each, and fails when a warm run disagrees with
its cold run. With ``--profile NAME`` it prints the twenty costliest functions of the cold and
warm runs of that analyzer (cProfile, CPU clock). CPU time, not wall time: the machine is shared.

    python benchmarks/repo_analyzers.py TREE [--only NAME ...] [--profile NAME]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import tempfile
import time
from pathlib import Path

from mlsec_policy.analyzers import ANALYZERS
from mlsec_policy.cache import ResultStore
from mlsec_policy.discover import discover
from mlsec_policy.engines.base import Workspace
from mlsec_policy.engines.native import NativeEngine
from mlsec_policy.models import Inventory
from mlsec_policy.options import ScanOptions
from mlsec_policy.policy import NativeCheck, Policy
from mlsec_policy.scan import load

EXTRA = ("security-tool-use",)
"""File analyzers timed with the repository analyzers (they read the whole tree)."""


def run_once(
    checks: list[NativeCheck],
    inventory: Inventory,
    known: frozenset[str],
    store: ResultStore,
    profile: bool,
) -> tuple[float, list[str], str]:
    """Return the CPU seconds of one engine run, its hits and errors, and its profile."""
    engine = NativeEngine(ANALYZERS, known, None, store, inventory.artifacts)
    profiler = cProfile.Profile(time.process_time) if profile else None
    with tempfile.TemporaryDirectory() as scratch:
        workspace = Workspace(Path(inventory.root), Path(scratch))
        start = time.process_time()
        if profiler is not None:
            profiler.enable()
        output = engine.run(checks, inventory, workspace)
        if profiler is not None:
            profiler.disable()
        spent = time.process_time() - start
    store.close()
    shown = ""
    if profiler is not None:
        text = io.StringIO()
        pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(20)
        shown = text.getvalue()
    rows = [repr(h) for h in output.hits] + [repr(e) for e in output.errors]
    return spent, rows, shown


def loaded(target: Path) -> tuple[Policy, Inventory]:
    """Return the bundled pack and the target's inventory (its CPU time printed)."""
    options = ScanOptions(target=target)
    policy = load(options)
    start = time.process_time()
    inventory = discover(options.target, options.excludes)
    print(f"inventory: {len(inventory.artifacts)} files, {time.process_time() - start:.2f} s CPU")
    return policy, inventory


def main() -> int:
    """Time each repository analyzer cold and warm on the target and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("target", type=Path)
    parser.add_argument("--only", action="append", default=[], help="analyzer name (repeat)")
    parser.add_argument("--profile", default=None, help="print cProfile of this analyzer")
    args = parser.parse_args()
    policy, inventory = loaded(args.target)
    names = args.only or sorted(
        {n for n, s in ANALYZERS.items() if s.repo is not None} | set(EXTRA)
    )
    checks = policy.checks(NativeCheck)
    failed = False
    print(f"{'analyzer':28} {'checks':>6} {'cold s':>8} {'warm s':>8} {'hits+errors':>11}")
    runs = [(name, [c for c in checks if c.analyzer == name]) for name in names]
    runs.append(("(all of them, one run)", [c for c in checks if c.analyzer in names]))
    for name, mine in runs:
        if not mine:
            continue
        profile = args.profile == name
        with tempfile.TemporaryDirectory() as cache:
            store = ResultStore(Path(cache), 1 << 30)
            cold, cold_rows, cold_profile = run_once(
                mine, inventory, policy.known_ids(), store, profile
            )
            store = ResultStore(Path(cache), 1 << 30)
            warm, warm_rows, warm_profile = run_once(
                mine, inventory, policy.known_ids(), store, profile
            )
        same = cold_rows == warm_rows
        failed = failed or not same
        flag = "" if same else "  WARM DIFFERS FROM COLD"
        print(f"{name:28} {len(mine):>6} {cold:>8.2f} {warm:>8.2f} {len(cold_rows):>11}{flag}")
        if profile:
            print("--- cold ---\n" + cold_profile + "--- warm ---\n" + warm_profile)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
