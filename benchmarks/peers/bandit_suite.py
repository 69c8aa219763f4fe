"""bandit as a peer suite: its ML-relevant tests against our scan on the same released code.

Usage:
  python benchmarks/peers/bandit_suite.py [--cache DIR] [--mlsec-policy CMD] [--bandit CMD]
                                          [--jobs N] [--rescan] [--only NAME ...]
                                          [--markdown FILE]

For each pinned package (PACKAGES) it downloads the wheel with
``pip download --only-binary :all: --no-deps NAME==VERSION`` and unpacks only its ``.py``
files (member by member: absolute names, ``..`` parts and links are refused). Nothing of the
package is imported or run. Then it runs bandit with the tests in TESTS and our
``mlsec-policy scan`` on the same tree; both reports are cached under ``--cache`` (default
``$MLSEC_BENCH_CORPUS/bandit-peer``, else ``/tmp/mlsec-policy-bench/bandit-peer``) and reused
unless ``--rescan`` is given (our full scan of transformers takes minutes). With ``--subset``
our scan reads only a copy of the files bandit reports (same relative paths): the rules these
tests map to judge one file at a time, so the findings on those statements are the same, and
a loaded machine is spared the full scan; the report says which mode each package used.

Each bandit hit is matched to our findings of the controls that cover its test, by path and
by a line inside the hit's statement, and joined with the committed verdict in
``bandit_judgements.csv`` (package, test, path, line, verdict TP/FP, reason). It prints the
per-package, per-test table and every TP we do not report. Exit status: 0 when every hit is
judged and every TP is reported, 1 otherwise, 2 on a setup error.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import stat
import subprocess
import sys
import zipfile
from pathlib import Path, PurePosixPath

from bandit_match import (
    TESTS,
    BanditHit,
    JudgementError,
    Outcome,
    match,
    our_findings,
    read_judgements,
    render_markdown,
)

PACKAGES = {
    "transformers": "5.23.0",
    "diffusers": "0.42.1",
    "ultralytics": "8.4.190",
    "mlflow": "3.18.0",
}
HERE = Path(__file__).resolve().parent
JUDGEMENTS = HERE / "bandit_judgements.csv"
BENCH_CORPUS = os.environ.get("MLSEC_BENCH_CORPUS", "/tmp/mlsec-policy-bench")
DEFAULT_CACHE = Path(BENCH_CORPUS) / "bandit-peer"


class SetupError(RuntimeError):
    """A wheel could not be downloaded or a tool gave no report."""


def _safe_name(name: str) -> PurePosixPath | None:
    path = PurePosixPath(name.replace("\\", "/"))
    if path.is_absolute() or ".." in path.parts or not path.parts:
        return None
    return path


def unpack_python(wheel: Path, dest: Path) -> int:
    """Write the ``.py`` members of WHEEL under DEST; return how many were written."""
    count = 0
    with zipfile.ZipFile(wheel) as zf:
        for info in zf.infolist():
            rel = _safe_name(info.filename)
            mode = info.external_attr >> 16
            if rel is None or info.is_dir() or stat.S_ISLNK(mode) or rel.suffix != ".py":
                continue
            target = dest / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            with zf.open(info) as src, target.open("wb") as out:
                shutil.copyfileobj(src, out)
            count += 1
    return count


def source_tree(cache: Path, name: str, version: str) -> Path:
    """Return the unpacked ``.py`` files of NAME==VERSION, fetched and unpacked on first use."""
    tree = cache / "src" / f"{name}-{version}"
    if (tree / ".complete").is_file():
        return tree
    wheels = cache / "wheels"
    wheels.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "pip", "download", "--quiet", "--only-binary", ":all:"]
    command += ["--no-deps", f"{name}=={version}", "--dest", str(wheels)]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    found = sorted(wheels.glob(f"{name.replace('-', '_')}-{version}-*.whl"))
    if result.returncode != 0 or not found:
        raise SetupError(f"pip download {name}=={version} failed: {result.stderr.strip()[-500:]}")
    if tree.exists():
        shutil.rmtree(tree)
    unpack_python(found[0], tree)
    (tree / ".complete").write_text(found[0].name + "\n", encoding="utf-8")
    return tree


def run_bandit(bandit: list[str], tree: Path, out: Path) -> None:
    """Run bandit's selected tests over TREE (paths relative to it) into the JSON file OUT."""
    tests = ",".join(sorted(TESTS))
    command = [*bandit, "-q", "-r", ".", "-t", tests, "-f", "json", "-o", str(out.resolve())]
    result = subprocess.run(command, cwd=tree, capture_output=True, text=True, check=False)
    # bandit exits 1 when it reports something; no file means it failed
    if not out.is_file():
        raise SetupError(f"bandit wrote no report for {tree}: {result.stderr.strip()[-500:]}")


def run_ours(mlsec_policy: list[str], tree: Path, out: Path, jobs: int) -> None:
    """Run our complete scan of TREE into the JSON report OUT."""
    command = [*mlsec_policy, "scan", str(tree), "--jobs", str(jobs), "--json-output", str(out)]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if not out.is_file():
        raise SetupError(f"mlsec-policy wrote no report for {tree}: {result.stderr[-500:]}")


def subset_tree(cache: Path, package: str, tree: Path, hits: list[BanditHit]) -> Path:
    """Copy the files bandit reports in TREE into a fresh subset tree; return it."""
    subset = cache / "subset" / package
    if subset.exists():
        shutil.rmtree(subset)
    for path in sorted({hit.path for hit in hits}):
        target = subset / path
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(tree / path, target)
    return subset


def bandit_hits(package: str, report: Path) -> list[BanditHit]:
    """Read the hits of a bandit JSON report, in path and line order."""
    data = json.loads(report.read_text(encoding="utf-8"))
    hits: list[BanditHit] = []
    for raw in data.get("results", []):
        path = PurePosixPath(raw["filename"].replace("\\", "/"))
        rel = str(path.relative_to(".")) if path.parts[:1] == (".",) else str(path)
        lines = [int(n) for n in raw.get("line_range") or [raw["line_number"]]]
        hits.append(
            BanditHit(
                package=package,
                test_id=raw["test_id"],
                path=rel.removeprefix("./"),
                line=int(raw["line_number"]),
                first=min(lines),
                last=max(lines),
                code=raw.get("code", ""),
            )
        )
    if data.get("errors"):
        raise SetupError(f"bandit reported errors for {package}: {data['errors'][:3]}")
    return sorted(hits, key=lambda h: (h.path, h.line, h.test_id))


def collect(args: argparse.Namespace, modes: dict[str, str]) -> list[Outcome]:
    """Download, scan (or reuse the cache) and match every selected package.

    MODES receives, per package, what our scan read.
    """
    cache: Path = args.cache
    judgements = read_judgements(args.judgements)
    outcomes: list[Outcome] = []
    for name, version in PACKAGES.items():
        if args.only and name not in args.only:
            continue
        package = f"{name}-{version}"
        tree = source_tree(cache, name, version)
        reports = cache / "reports"
        reports.mkdir(parents=True, exist_ok=True)
        bandit_out = reports / f"{package}.bandit.json"
        ours_out = reports / f"{package}.{'ours-subset' if args.subset else 'ours'}.json"
        if args.rescan or not bandit_out.is_file():
            bandit_out.unlink(missing_ok=True)
            run_bandit(shlex.split(args.bandit), tree, bandit_out)
        hits = bandit_hits(package, bandit_out)
        if args.rescan or not ours_out.is_file():
            ours_out.unlink(missing_ok=True)
            scanned = subset_tree(cache, package, tree, hits) if args.subset else tree
            run_ours(shlex.split(args.mlsec_policy), scanned, ours_out, args.jobs)
        ours = our_findings(json.loads(ours_out.read_text(encoding="utf-8")))
        modes[package] = "files bandit reports" if args.subset else "whole tree"
        outcomes.extend(match(hit, ours, judgements) for hit in hits)
    return outcomes


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--judgements", type=Path, default=JUDGEMENTS)
    parser.add_argument("--mlsec-policy", default="mlsec-policy", help="command (shell words)")
    parser.add_argument("--bandit", default=f"{sys.executable} -m bandit", help="command")
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument("--rescan", action="store_true", help="ignore the cached reports")
    parser.add_argument("--subset", action="store_true", help="scan only the files bandit hits")
    parser.add_argument("--only", action="append", choices=sorted(PACKAGES), default=[])
    parser.add_argument("--markdown", type=Path, metavar="FILE")
    args = parser.parse_args(argv)
    modes: dict[str, str] = {}
    try:
        outcomes = collect(args, modes)
    except (SetupError, JudgementError, OSError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    text = render_markdown(outcomes, PACKAGES, modes)
    print(text)
    if args.markdown is not None:
        args.markdown.write_text(text, encoding="utf-8")
    unjudged = [o for o in outcomes if o.verdict is None]
    missed = [o for o in outcomes if o.verdict == "TP" and not o.ours]
    for outcome in unjudged:
        hit = outcome.hit
        print(f"UNJUDGED {hit.package} {hit.test_id} {hit.path}:{hit.line}", file=sys.stderr)
    return 1 if unjudged or missed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
