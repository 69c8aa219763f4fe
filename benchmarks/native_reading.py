"""Benchmark: the native analyzers with shared reading against one reading per check.

Runs every native check of the bundled pack over a target twice in the same process:

1. the reference: every analyzer reads and parses its file itself, with the pure-Python YAML
   reader (how the engine worked before files were read once per scan), and
2. as shipped: the analyzers of one file share what was read, and YAML is read by libyaml.

Both runs must give the same hits and errors, in the same order (the script fails otherwise);
it prints the CPU seconds of each and their ratio. CPU time, not wall time: the machine is
shared.

    python benchmarks/native_reading.py /path/to/a/repository
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import TypeVar

from mlsec_policy import yamlpos
from mlsec_policy.analyzers import ANALYZERS
from mlsec_policy.analyzers.base import FileContext
from mlsec_policy.discover import discover
from mlsec_policy.engines.base import Workspace
from mlsec_policy.engines.native import NativeEngine
from mlsec_policy.options import ScanOptions
from mlsec_policy.policy import NativeCheck
from mlsec_policy.scan import load

T = TypeVar("T")


def run_native(target: Path) -> tuple[float, list[str]]:
    """Return the CPU seconds of one native-engine run and its hits and errors as text."""
    options = ScanOptions(target=target)
    policy = load(options)
    inventory = discover(options.target, options.excludes)
    engine = NativeEngine(ANALYZERS, policy.known_ids(), None)
    with tempfile.TemporaryDirectory() as scratch:
        workspace = Workspace(Path(inventory.root), Path(scratch))
        start = time.process_time()
        output = engine.run(policy.checks(NativeCheck), inventory, workspace)
        spent = time.process_time() - start
    return spent, [repr(h) for h in output.hits] + [repr(e) for e in output.errors]


def _each_time(_context: FileContext, _key: Hashable, build: Callable[[], T]) -> T:
    return build()


def reference(target: Path) -> tuple[float, list[str]]:
    """Run with nothing shared between analyzers and the pure-Python YAML reader."""
    remember, fast = FileContext.remember, yamlpos.FAST_LOADER
    FileContext.remember = _each_time  # type: ignore[method-assign,assignment]
    yamlpos.FAST_LOADER = None
    try:
        return run_native(target)
    finally:
        FileContext.remember = remember  # type: ignore[method-assign]
        yamlpos.FAST_LOADER = fast


def main() -> int:
    """Run both configurations on the target and print the comparison."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("target", type=Path)
    args = parser.parse_args()
    slow, slow_rows = reference(args.target)
    fast, fast_rows = run_native(args.target)
    if slow_rows != fast_rows:
        print("the two runs disagree: shared reading changed what the analyzers found")
        return 1
    print(f"{args.target.name}: {len(fast_rows)} hits and errors, identical in both runs")
    print(f"one reading per check: {slow:.1f} s CPU")
    print(f"shared reading + libyaml: {fast:.1f} s CPU")
    print(f"ratio: {slow / max(fast, 1e-6):.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
