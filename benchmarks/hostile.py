"""Time and memory of a scan on each hostile case, as ratios to a plain repository.

The hostile corpus test (tests/hostile/) asserts behaviour; this script measures what the
test must not time: each case of tests/hostile/corpus.py is built alone and scanned, and its
wall time and peak memory of the whole process tree (semgrep included) are printed next to
a scan of the plain violation alone. Two shapes too large for CI are added here: 20,000
small files, and one deep tree of 2,000 folders.

The last line gives the highest peak of any case, against the 1 GiB bound of issue 13.

Usage: python benchmarks/hostile.py [--mlsec-policy PATH] [--only CASE ...] [--skip CASE ...]
       [--markdown F]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path

from procmem import Measured, measure

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.hostile import corpus
from tests.hostile.shapes import many_files


def _deep_folders(folder: Path, _outside: Path) -> None:
    corpus.plain(folder)
    deep = folder
    for _level in range(40):
        deep = deep / ("d" * 50)
    corpus.write(deep / "bottom.py", "x = 1\n")


EXTRA: dict[str, Callable[[Path, Path], None]] = {
    "many-files-20k": many_files,
    "deep-folders-2000-chars": _deep_folders,
}


def scan(binary: str, root: Path, changes: Mapping[str, str | None]) -> Measured:
    """Scan ``root`` once (no hash cache) in the case's environment and measure it."""
    command = [binary, "scan", str(root), "--no-config", "--no-hash-cache", "-q"]
    command += ["--timeout", "10"]
    env = {**os.environ}
    for key, value in changes.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return measure(command, env=env)


def main() -> int:
    """Build, scan and tabulate every case."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mlsec-policy", default=shutil.which("mlsec-policy") or "mlsec-policy")
    parser.add_argument("--only", action="append", default=[], help="case name (repeatable)")
    parser.add_argument("--skip", action="append", default=[], help="case name (repeatable)")
    parser.add_argument("--markdown", type=Path, help="also write the table to this file")
    args = parser.parse_args()
    builders: dict[str, Callable[[Path, Path], None]] = {
        "plain": lambda folder, _outside: corpus.plain(folder)
    }
    builders.update({case.name: case.build for case in corpus.CASES})
    builders.update(EXTRA)
    environments = {case.name: case.env for case in corpus.CASES}
    names = [n for n in builders if not args.only or n in args.only or n == "plain"]
    names = [n for n in names if n not in args.skip]
    rows: list[str] = []
    peaks: dict[str, float] = {}
    base: Measured | None = None
    for name in names:
        with tempfile.TemporaryDirectory() as scratch:
            folder, outside = Path(scratch) / "root" / name, Path(scratch) / "outside"
            folder.mkdir(parents=True)
            outside.mkdir()
            builders[name](folder, outside)
            measured = scan(args.mlsec_policy, folder, environments.get(name, {}))
            subprocess.run(["chmod", "-R", "u+rwx", scratch], check=False)
        base = base or measured
        peaks[name] = measured.peak_mib
        rows.append(
            f"| {name} | {measured.returncode} | {measured.seconds:.1f} | "
            f"{measured.seconds / base.seconds:.1f} | {measured.peak_mib:.0f} | "
            f"{measured.peak_mib / base.peak_mib:.1f} |"
        )
        print(rows[-1], flush=True)
    highest = max(peaks, key=peaks.__getitem__)
    summary = f"highest peak: {peaks[highest]:.0f} MiB ({highest}); the bound is 1024 MiB"
    print(summary, flush=True)
    table = "\n".join(
        [
            "| case | exit | seconds | × plain | peak MiB (tree) | × plain |",
            "|---|---|---|---|---|---|",
            *rows,
            "",
            summary,
        ]
    )
    if args.markdown:
        args.markdown.write_text(table + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
