"""Cold against warm scans with the result cache, on a tree given as argument.

In one run on one copy of the tree: a scan without the cache, a cold scan (empty cache), a warm
scan with nothing changed, a warm scan after one Python file changed, and a scan of an empty
folder (what every scan pays before it reads a file: start-up, policy loading). It prints wall
times, peak memory of the whole process tree, and ratios against the uncached scan, and checks
that the cold and warm JSON reports are byte-identical to the uncached one.

    python benchmarks/cache_speed.py TREE [--mlsec-policy BIN] [--jobs N] [--change PATH]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from procmem import Measured, measure

BYTECODE = Path(tempfile.gettempdir()) / "mlsec-policy-bench" / "bytecode"
"""Where the measured scans keep their compiled modules (``PYTHONPYCACHEPREFIX``)."""


def scan(binary: str, target: Path, out: Path, jobs: int, *options: str) -> Measured:
    """Run one scan writing a JSON report to ``out`` and return what it cost.

    The scan runs as from an installed wheel, whose modules are compiled once: a development
    environment that sets ``PYTHONDONTWRITEBYTECODE`` would otherwise make every scan compile
    our 320 modules again (about 0.5 CPU-seconds). The compiled modules go to
    :data:`BYTECODE`, never into the source tree; the first scan of a run writes them.
    """
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(BYTECODE)
    command = [binary, "scan", str(target), "-q", "--jobs", str(jobs), "--json-output", str(out)]
    return measure([*command, *options], env=env)


def startup(binary: str, work: Path, jobs: int) -> Measured:
    """Return what a warm scan of an empty folder costs: modules compiled, policy known valid.

    The first, unmeasured scan compiles the modules and fills a cache of its own with the
    policy's valid control files, as any earlier scan with a cache does (``--no-cache``
    validates the whole pack every time: about 0.7 CPU-seconds more).
    """
    empty = work / "empty"
    empty.mkdir(exist_ok=True)
    cache = ("--cache-dir", str(work / "empty-cache"))
    scan(binary, empty, work / "empty.json", jobs, *cache)
    return scan(binary, empty, work / "empty.json", jobs, *cache)


def changed_file(tree: Path, wanted: str | None) -> Path:
    """Return the file to change: ``wanted``, else the largest Python file of the tree."""
    if wanted:
        return tree / wanted
    files = [p for p in tree.rglob("*.py") if p.is_file() and not p.is_symlink()]
    return max(files, key=lambda p: (p.stat().st_size, str(p)))


def commit_of(tree: Path) -> str:
    """Return the git commit of the tree, when it is a git work tree."""
    found = subprocess.run(
        ["git", "-C", str(tree), "rev-parse", "--short", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    )
    return found.stdout.strip() or "not a git tree"


def main() -> int:
    """Run the five scans and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tree", type=Path)
    parser.add_argument("--mlsec-policy", default=str(Path(sys.executable).parent / "mlsec-policy"))
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--change", help="file to change, relative to the tree")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="mlsec-cache-bench-") as scratch:
        work = Path(scratch)
        tree = work / "tree"
        shutil.copytree(args.tree, tree, symlinks=True, ignore=shutil.ignore_patterns(".git"))
        cache = ["--cache-dir", str(work / "cache")]
        runs: dict[str, Measured] = {}
        runs["start-up (empty folder)"] = startup(args.mlsec_policy, work, args.jobs)
        runs["no cache"] = scan(
            args.mlsec_policy, tree, work / "plain.json", args.jobs, "--no-cache"
        )
        runs["cold cache"] = scan(args.mlsec_policy, tree, work / "cold.json", args.jobs, *cache)
        runs["warm, nothing changed"] = scan(
            args.mlsec_policy, tree, work / "warm.json", args.jobs, *cache
        )
        target = changed_file(tree, args.change)
        with target.open("a", encoding="utf-8") as handle:
            handle.write("\n# changed for the benchmark\n")
        runs["warm, one file changed"] = scan(
            args.mlsec_policy, tree, work / "changed.json", args.jobs, *cache
        )
        plain = (work / "plain.json").read_bytes()
        same = all((work / f"{n}.json").read_bytes() == plain for n in ("cold", "warm"))
        entries = sum(1 for p in (work / "cache").rglob("*") if p.is_file())
        size = sum(p.stat().st_size for p in (work / "cache").rglob("*") if p.is_file())
    files = sum(1 for p in args.tree.rglob("*") if p.is_file() and ".git" not in p.parts)
    reference = runs["no cache"].seconds
    print(f"tree: {args.tree} ({files} files, commit {commit_of(args.tree)}), --jobs {args.jobs}")
    print(f"changed file: {target.relative_to(tree)}")
    print(f"cache after the runs: {entries} files, {size / 1024 / 1024:.1f} MiB")
    print(f"cold and warm JSON reports identical to the uncached one: {same}")
    print()
    print("| scan | seconds | peak MiB | time ratio to no cache | exit |")
    print("|---|---|---|---|---|")
    for name, run in runs.items():
        ratio = run.seconds / reference if reference else 0.0
        print(
            f"| {name} | {run.seconds:.2f} | {run.peak_mib:.0f} | {ratio:.2f}× | {run.returncode} |"
        )
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
