"""Benchmark ``report merge`` on many generated repository reports: time and peak memory.

Both bundled examples are scanned for real; generated repositories mix their results per
control (as the roll-up tests do), each with its own remote and commit and a recomputed
content digest, so every input verifies. The merge then runs twice in one script — on a
small slice and on all inputs — so that peak memory can be compared: a streaming merge's
peak grows with the summary, not with the inputs.

    python benchmarks/org_merge.py [--count 10000] [--small 100] [--work DIR] [--keep]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from procmem import Measured, measure

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.support.org_reports import EXAMPLES, variants

from mlsec_policy.report import integrity, json_report

EPOCH = "1796486400"
DISTINCT = 64
"""Result mixes rendered by the real renderer; repositories reuse them with their own git facts."""


def main() -> int:
    """Generate the reports, merge a slice and all of them, print the table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--small", type=int, default=100)
    parser.add_argument(
        "--work", type=Path, help="Folder for the generated reports (default: a temporary one)."
    )
    parser.add_argument("--keep", action="store_true", help="Keep the generated reports.")
    parser.add_argument("--jobs", type=int, default=2, help="report merge --jobs")
    parser.add_argument(
        "--reuse", action="store_true", help="Reuse the reports a kept earlier run left in --work."
    )
    parser.add_argument("--cli", default=str(Path(sys.executable).with_name("mlsec-policy")))
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="org-merge-"))
    env = {**os.environ, "SOURCE_DATE_EPOCH": EPOCH}
    try:
        reuse = args.reuse and (work / "inputs").is_dir()
        inputs = work / "inputs" if reuse else generate(work, args.count, args.small, args.cli, env)
        small = measure(
            [
                args.cli,
                "report",
                "merge",
                str(inputs / "small"),
                "-o",
                str(work / "small.json"),
                "--jobs",
                str(args.jobs),
            ],
            env=env,
        )
        full = measure(
            [
                args.cli,
                "report",
                "merge",
                str(inputs / "small"),
                str(inputs / "rest"),
                "-o",
                str(work / "org.json"),
                "--html-output",
                str(work / "org.html"),
                "--markdown-output",
                str(work / "org.md"),
                "--jobs",
                str(args.jobs),
            ],
            env=env,
        )
        size = sum(p.stat().st_size for p in inputs.rglob("*.json"))
        print_table(args.small, args.count, size, small, full, work / "org.json")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0 if small.returncode == full.returncode == 0 else 1


def generate(work: Path, count: int, small: int, cli: str, env: dict[str, str]) -> Path:
    """Write ``count`` verifying reports: the first ``small`` in ``small/``, others in ``rest/``."""
    scans = work / "scans"
    scans.mkdir(parents=True, exist_ok=True)
    for name in ("vulnerable-ml-app", "compliant-ml-app"):
        subprocess.run(
            [
                cli,
                "scan",
                str(EXAMPLES / name),
                "--quiet",
                "--json-output",
                str(scans / f"{name}.json"),
            ],
            env=env,
            check=False,
            capture_output=True,
        )
    failing = json_report.load((scans / "vulnerable-ml-app.json").read_text(encoding="utf-8"))
    passing = json_report.load((scans / "compliant-ml-app.json").read_text(encoding="utf-8"))
    mixes = [json.loads(text) for _name, text in variants(failing, passing, DISTINCT)]
    inputs = work / "inputs"
    for index in range(count):
        document = dict(mixes[index % DISTINCT])
        name = f"acme/ml-repo-{index:05d}"
        document["git"] = {
            **document["git"],
            "remote_url": f"https://github.com/{name}.git",
            "commit": f"{index:040x}",
        }
        document.pop(integrity.KEY)
        document[integrity.KEY] = integrity.block(document, document["policy"]["digest"])
        folder = inputs / ("small" if index < small else "rest") / f"{index // 1000:02d}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"repo-{index:05d}.json").write_text(json.dumps(document), encoding="utf-8")
    return inputs


def print_table(
    small_count: int, count: int, size: int, small: Measured, full: Measured, out: Path
) -> None:
    """Print what the two merges took, and their ratio."""
    merged = json.loads(out.read_text(encoding="utf-8"))
    print(
        f"inputs: {count} reports, {size / 2**20:.0f} MiB; "
        f"merged {merged['summary']['repositories']}, rejected {len(merged['rejected'])}; "
        f"output {out.stat().st_size / 2**20:.1f} MiB"
    )
    print("| merge | reports | wall s | peak RSS MiB |")
    print("|---|---|---|---|")
    print(f"| slice | {small_count} | {small.seconds:.1f} | {small.peak_mib:.0f} |")
    print(f"| all (+ HTML, Markdown) | {count} | {full.seconds:.1f} | {full.peak_mib:.0f} |")
    print(
        f"peak ratio all/slice: {full.peak_mib / small.peak_mib:.2f} "
        f"for {count / small_count:.0f}x the inputs"
    )


if __name__ == "__main__":
    raise SystemExit(main())
