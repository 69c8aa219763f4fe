"""Benchmark: where a cold scan's native-engine CPU goes, analyzer by analyzer.

Loads the bundled pack, inventories a target and runs every native check in one engine run
with no result store (what a ``--no-cache`` scan's main thread does beside semgrep), timing
each analyzer's calls with the CPU clock (``time.process_time``). Analyzers of one file share
what was read and parsed, so the first analyzer to read a file pays for the reading: the
figures say where the time goes, not what removing an analyzer would save. It prints the
inventory's and the whole engine run's CPU seconds and the analyzers by CPU.

    python benchmarks/native_cost.py TREE [--top 25]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from repo_analyzers import loaded

from mlsec_policy.analyzers import ANALYZERS
from mlsec_policy.analyzers.base import AnalyzerSpec, Observation
from mlsec_policy.engines.base import Workspace
from mlsec_policy.engines.native import NativeEngine
from mlsec_policy.policy import NativeCheck

Analyzer = Callable[[Any, Any], Iterable[Observation]]


def timed(name: str, function: Analyzer, spent: dict[str, float], calls: Counter[str]) -> Analyzer:
    """Return ``function`` consumed at once, its CPU seconds added to ``spent[name]``."""

    def run(context: Any, params: Any) -> list[Observation]:
        start = time.process_time()
        try:
            return list(function(context, params))
        finally:
            spent[name] = spent.get(name, 0.0) + time.process_time() - start
            calls[name] += 1

    return run


def instrumented(spent: dict[str, float], calls: Counter[str]) -> dict[str, AnalyzerSpec[Any]]:
    """Return the registry with every analyzer function timed."""
    specs: dict[str, AnalyzerSpec[Any]] = {}
    for name, spec in ANALYZERS.items():
        file_fn = None if spec.file is None else timed(name, spec.file, spent, calls)
        repo_fn = None if spec.repo is None else timed(name, spec.repo, spent, calls)
        specs[name] = replace(spec, file=file_fn, repo=repo_fn)
    return specs


def main() -> int:
    """Run the native checks once over the target and print the CPU per analyzer."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("target", type=Path)
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    policy, inventory = loaded(args.target)
    spent: dict[str, float] = {}
    calls: Counter[str] = Counter()
    engine = NativeEngine(instrumented(spent, calls), policy.known_ids(), None, None)
    with tempfile.TemporaryDirectory() as scratch:
        start = time.process_time()
        output = engine.run(
            policy.checks(NativeCheck), inventory, Workspace(Path(inventory.root), Path(scratch))
        )
        total = time.process_time() - start
    print(
        f"native engine: {total:.2f} CPU-s, {len(output.hits)} hits, {len(output.errors)} errors;"
        f" in analyzers {sum(spent.values()):.2f}"
    )
    print(f"{'analyzer':36} {'calls':>6} {'CPU s':>7} {'share':>6}")
    for name, seconds in sorted(spent.items(), key=lambda item: -item[1])[: args.top]:
        print(f"{name:36} {calls[name]:>6} {seconds:>7.2f} {seconds / total:>6.1%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
