"""Benchmark: a full mlsec-policy scan against plain semgrep, same rules, same files.

Fetches the source of a large ML library from the package index (by default the
``transformers`` wheel, unpacked), then in the same script:

1. runs plain ``semgrep scan`` with exactly the semgrep rules of the bundled pack over exactly
   the files our inventory hands to semgrep, and
2. runs ``mlsec-policy scan`` on the same tree (inventory, semgrep, native analyzers,
   evaluation, JSON and SARIF rendering — everything a user waits for),

and prints wall time, peak memory of the process tree and the ratio ours / plain. Each
configuration runs ``--runs`` times; the best time is kept (the machine has other load).

    python benchmarks/semgrep_overhead.py [--package transformers] [--runs 2] [--mode osemgrep]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from procmem import Measured, measure

from mlsec_policy.analyzers import ANALYZERS
from mlsec_policy.discover import discover
from mlsec_policy.engines.semgrep.process import environment, find_binary
from mlsec_policy.options import SemgrepSettings
from mlsec_policy.policy import SemgrepCheck, load_policy
from mlsec_policy.policy.semgrep_rules import build_rule

HERE = Path(__file__).resolve().parent
CORPUS = Path(
    os.environ.get("MLSEC_BENCH_CORPUS", Path(tempfile.gettempdir()) / "mlsec-policy-bench")
)
VIEW_KINDS = {"notebook"}


def fetch(package: str) -> Path:
    """Download and unpack a wheel of ``package`` (cached under .corpus/).

    ``package`` is a name (the newest release) or ``name==version`` (that release: the
    figures in benchmarks/README.md name the version they were measured on).
    """
    target = CORPUS / package
    if target.is_dir() and any(target.iterdir()):
        return target
    wheels = CORPUS / "wheels"
    wheels.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--quiet",
            "--dest",
            str(wheels),
            package,
        ],
        check=True,
    )
    name, _, pinned = package.partition("==")
    stem = f"{name.replace('-', '_')}-{pinned or '*'}"
    wheel = max(wheels.glob(f"{stem}-*.whl"), key=lambda p: p.stat().st_mtime)
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(target)
    return target


def semgrep_env(scratch: Path) -> dict[str, str]:
    """Return the offline switches every semgrep call needs: the engine's own, for both runs."""
    return environment(scratch)


def best(runs: list[Measured]) -> Measured:
    """Return the fastest of several runs."""
    return min(runs, key=lambda m: m.seconds)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--package", default="transformers")
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--mode", choices=["osemgrep", "pysemgrep"], default="osemgrep")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()

    tree = fetch(args.package)
    policy = load_policy(("builtin",), ANALYZERS)
    checks = policy.checks(SemgrepCheck)
    severities = {c.id: c.meta.severity for c in policy.controls}
    kinds = {kind for check in checks for kind in check.kinds}
    inventory = discover(tree)
    targets = [
        a.path for a in inventory.artifacts if a.kind in kinds and a.kind.value not in VIEW_KINDS
    ]
    lines = sum((tree / t).read_bytes().count(b"\n") for t in targets)

    with tempfile.TemporaryDirectory(prefix="mlsec-bench-") as scratch_name:
        scratch = Path(scratch_name)
        rules = scratch / "rules.yaml"
        rules.write_text(
            json.dumps({"rules": [build_rule(c, severities[c.control_id]) for c in checks]})
        )
        binary = find_binary(SemgrepSettings())
        plain_cmd = [
            str(binary),
            "scan",
            *(["--experimental"] if args.mode == "osemgrep" else []),
            "--json",
            "--quiet",
            "--metrics=off",
            "--disable-version-check",
            "--jobs",
            str(args.jobs),
            "--config",
            str(rules),
            *targets,
        ]
        ours_cmd = [
            sys.executable,
            "-m",
            "mlsec_policy",
            "scan",
            str(tree),
            "--quiet",
            "--semgrep-mode",
            args.mode,
            "--jobs",
            str(args.jobs),
            "--json-output",
            str(scratch / "r.json"),
            "--sarif-output",
            str(scratch / "r.sarif"),
        ]
        env = semgrep_env(scratch)
        plain_runs, ours_runs = [], []
        for _ in range(args.runs):
            plain_runs.append(measure(plain_cmd, cwd=tree, env=env))
            ours_runs.append(measure(ours_cmd, env=env))
        plain, ours = best(plain_runs), best(ours_runs)
        plain_results = len(json.loads(plain.stdout)["results"]) if plain.stdout else -1
        report = json.loads((scratch / "r.json").read_text())

    findings = sum(len(r["findings"]) for r in report["results"])
    print(
        f"corpus: {args.package} — {len(inventory.artifacts)} files inventoried, "
        f"{len(targets)} given to semgrep ({lines:,} lines); {len(checks)} semgrep rules; "
        f"mode {args.mode}, --jobs {args.jobs}, best of {args.runs}"
    )
    print(f"{'run':<22}{'wall s':>10}{'peak MiB':>12}{'exit':>6}")
    print(
        f"{'plain semgrep':<22}{plain.seconds:>10.2f}{plain.peak_mib:>12.0f}{plain.returncode:>6}"
    )
    print(
        f"{'mlsec-policy scan':<22}{ours.seconds:>10.2f}{ours.peak_mib:>12.0f}{ours.returncode:>6}"
    )
    print(
        f"ratio (ours / plain): time {ours.seconds / plain.seconds:.2f}x, "
        f"memory {ours.peak_mib / max(plain.peak_mib, 1):.2f}x"
    )
    print(
        f"plain semgrep matches: {plain_results}; mlsec-policy findings: {findings} "
        f"(after kind filters, evidence and scope checks); verdict {report['summary']['verdict']}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
