"""Scan speed against plain semgrep and bandit: cold, warm, one file changed, and diff-only.

In one run on one copy of one tree it measures, one after the other:

1. plain ``semgrep scan`` with the semgrep rules of the bundled pack (the rule file the scan
   itself writes) over the files our inventory hands to semgrep as they are; and the same with
   the rules of a fixed git commit (``--yardstick``, main ``06f59c8`` by default: the pack's
   rules before the rule rewrites of issue 12), so that a gain that comes from cheaper rules
   shows against a yardstick that does not move with them;
2. bandit over the tree (all of its tests, one process; bandit from this venv, pinned in
   ``requirements.txt``);
3. our cold scan (an empty cache folder);
4. our warm re-scan with nothing changed;
5. our warm re-scan after one Python file changed (a comment line appended);
6. our ``--diff-base`` scan of a commit touching that one file, with a cold cache (the copy is
   a temporary git repository: one commit of the tree, one commit of the change);
7. plain semgrep with the same rules over that one file alone: semgrep's start-up, the floor
   of any scan that runs semgrep at all.

Each row is printed (and flushed) as soon as its run ends, with ratios against the reference
runs already done; the complete table follows at the end. ``--no-yardstick`` leaves out the
yardstick's run, and ``--timeout SECONDS`` kills a peer run (plain semgrep, the yardstick,
bandit) that takes longer, with its whole process group, and marks its row.

It prints wall times and CPU seconds (user + system of the whole process tree: the machine may
be shared, and CPU time is what other work inflates least), peak resident memory of the whole
process tree (``procmem.py``), the ratios against plain semgrep and bandit, the load average
at start and end, and whether the cold and warm JSON reports are byte-identical. The tree is a
folder or a pip requirement (``name==version``: its source distribution is downloaded and
unpacked).

``--warm-only`` leaves out plain semgrep over the tree, the yardstick and bandit; with ``--work
DIR`` (the tree's git copy, cache and cold report kept there) a later run reuses that cache (no
cold row), restores the changed file and empties the diff scan's cache. Our scans run with
compiled modules, as from a wheel (``cache_speed.scan``); a start-up row scans an empty folder.

    python benchmarks/scan_speed.py TREE_OR_PIN [--mlsec-policy BIN] [--jobs 2] [--change PATH]
        [--yardstick REF | --no-yardstick] [--timeout SECONDS] [--warm-only] [--work DIR]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from cache_speed import changed_file, startup
from cache_speed import scan as ours
from procmem import Measured, measure

from mlsec_policy.analyzers import ANALYZERS
from mlsec_policy.discover import discover
from mlsec_policy.engines.semgrep.compile import write_rules
from mlsec_policy.engines.semgrep.process import environment, find_binary
from mlsec_policy.options import SemgrepSettings
from mlsec_policy.policy import SemgrepCheck, load_policy
from mlsec_policy.views import ViewError
from mlsec_policy.views.targets import view_for

CORPUS = Path(
    os.environ.get("MLSEC_BENCH_CORPUS", Path(tempfile.gettempdir()) / "mlsec-policy-bench")
)


def source_tree(spec: str) -> Path:
    """Return the folder ``spec`` names, or download and unpack the sdist of a pip pin."""
    if Path(spec).is_dir():
        return Path(spec)
    target = CORPUS / "sdist" / spec
    if target.is_dir() and any(target.iterdir()):
        return next(target.iterdir())
    archives = CORPUS / "sdist-archives"
    archives.mkdir(parents=True, exist_ok=True)
    download = [sys.executable, "-m", "pip", "download", "--no-binary", ":all:", "--no-deps"]
    subprocess.run([*download, "--quiet", "--dest", str(archives), spec], check=True)
    name, _, version = spec.partition("==")
    archive = max(archives.glob(f"{name}-{version or '*'}.tar.gz"), key=lambda p: p.stat().st_mtime)
    target.mkdir(parents=True)
    with tarfile.open(archive) as opened:
        opened.extractall(target, filter="data")
    return next(target.iterdir())


def git(tree: Path, *arguments: str) -> str:
    """Run git in ``tree`` with a fixed identity and return its output."""
    env = {**os.environ, "GIT_AUTHOR_DATE": "2023-11-14T00:00:00Z"}
    env.update(GIT_COMMITTER_DATE="2023-11-14T00:00:00Z")
    identity = ["-c", "user.name=bench", "-c", "user.email=bench@example.invalid"]
    return subprocess.run(
        ["git", *identity, "-C", str(tree), *arguments],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    ).stdout.strip()


def commit_of(tree: Path) -> str:
    """Return the git commit of ``tree`` when it is a work tree of its own."""
    found = subprocess.run(
        ["git", "-C", str(tree), "rev-parse", "--show-toplevel", "HEAD"],
        capture_output=True,
        text=True,
        check=False,
    )
    lines = found.stdout.split()
    if len(lines) == 2 and Path(lines[0]).resolve() == tree.resolve():
        return lines[1]
    return "not a git tree"


def semgrep_inputs(
    tree: Path, scratch: Path, pack: str = "builtin", name: str = "rules.yaml"
) -> tuple[Path, list[str]]:
    """Write the pack's semgrep rules and return them with the files semgrep reads as they are.

    Files our scan hands to semgrep through a view (notebooks, Helm templates) are left out:
    plain semgrep cannot read them as they are.
    """
    policy = load_policy((pack,), ANALYZERS)
    checks = policy.checks(SemgrepCheck)
    rules = scratch / name
    write_rules(rules, checks, policy.severities())
    kinds = {kind for check in checks for kind in check.kinds}
    targets: list[str] = []
    for artifact in discover(tree).artifacts:
        if artifact.kind not in kinds:
            continue
        try:
            view = view_for(artifact, tree)
        except (ViewError, OSError, UnicodeDecodeError):
            continue
        if view is None:
            targets.append(artifact.path)
    return rules, targets


def plain_semgrep(
    rules: Path,
    targets: list[str],
    tree: Path,
    jobs: int,
    scratch: Path,
    timeout: float | None = None,
) -> Measured:
    """Run plain semgrep (osemgrep, as our scan does) with our rules over ``targets``."""
    command = [str(find_binary(SemgrepSettings())), "scan", "--experimental", "--json", "-q"]
    command += ["--metrics=off", "--disable-version-check", "--disable-nosem", "--no-git-ignore"]
    command += ["--max-target-bytes", "0", "--jobs", str(jobs), "--config", str(rules), *targets]
    return measure(command, cwd=tree, env=environment(scratch), timeout=timeout)


def yardstick_pack(reference: str, scratch: Path) -> Path:
    """Unpack the policy pack of git commit ``reference`` of this repository into ``scratch``.

    Nothing generated is committed: the rules are written from that commit's control files.
    """
    repository = Path(__file__).resolve().parent.parent
    archive = subprocess.run(
        ["git", "-C", str(repository), "archive", reference, "policies"],
        capture_output=True,
        check=True,
    ).stdout
    target = scratch / "yardstick"
    shutil.rmtree(target, ignore_errors=True)  # a kept workspace (--work) holds an older one
    target.mkdir()
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    return target / "policies"


def bandit(tree: Path, out: Path, timeout: float | None = None) -> Measured:
    """Run bandit (every test, one process) over the tree."""
    binary = Path(sys.executable).parent / "bandit"
    command = [str(binary), "-r", str(tree), "-q", "-f", "json", "-o", str(out)]
    return measure(command, timeout=timeout)


def load() -> str:
    """Return the load averages of the machine (1, 5, 15 minutes)."""
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def findings(report: Path) -> int:
    """Return the number of findings in a JSON report (-1 when it was not written)."""
    if not report.is_file():
        return -1
    data = json.loads(report.read_text(encoding="utf-8"))
    return sum(len(r["findings"]) for r in data["results"])


def main() -> int:
    """Run the measurements, printing each row of the table as soon as its run ends."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("tree", help="a folder, or a pip pin such as transformers==5.23.0")
    parser.add_argument("--mlsec-policy", default=str(Path(sys.executable).parent / "mlsec-policy"))
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--change", help="file to change, relative to the tree")
    parser.add_argument(
        "--yardstick",
        default="06f59c8",
        help="git commit whose rules plain semgrep also runs (default: main before the rewrites)",
    )
    parser.add_argument(
        "--no-yardstick", action="store_true", help="do not run plain semgrep with those rules"
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=None,
        help="seconds after which a peer run (plain semgrep, the yardstick, bandit) is killed "
        "and its row says so; our own scans are never cut short",
    )
    parser.add_argument(
        "--warm-only",
        action="store_true",
        help="only our warm, one-file-changed and --diff-base rows (and the one-file floor)",
    )
    parser.add_argument("--work", type=Path, help="keep the tree copy and cache here")
    args = parser.parse_args()
    source = source_tree(args.tree)
    table = Table(None if args.no_yardstick or args.warm_only else args.yardstick)
    with workspace(args.work) as work:
        tree = work / "tree"
        fresh = not (tree / ".git").is_dir()
        if fresh:
            shutil.rmtree(tree, ignore_errors=True)  # a copy an earlier run left unfinished
            shutil.copytree(source, tree, symlinks=True, ignore=shutil.ignore_patterns(".git"))
        else:  # a kept copy: back to the tree as it was committed first
            git(tree, "reset", "-q", "--hard", git(tree, "rev-list", "--max-parents=0", "HEAD"))
        rules, targets = semgrep_inputs(tree, work)
        lines = sum((tree / t).read_bytes().count(b"\n") for t in targets)
        target = changed_file(tree, args.change)
        changed = str(target.relative_to(tree))
        say(f"tree: {args.tree} -> {source} (commit {commit_of(source)}); changed: {changed}")
        say(f"{len(targets)} files given to plain semgrep ({lines:,} lines); --jobs {args.jobs}")
        say(f"load average at start: {load()} (2 cores, shared machine)")
        table.header()
        if not args.warm_only:
            peers(table, args, rules, targets, tree, work)
        if fresh:
            git(tree, "init", "-q")
            git(tree, "add", "-A")
            git(tree, "commit", "-q", "-m", "tree")
        table.add("ours: start-up (empty folder)", startup(args.mlsec_policy, work, args.jobs))
        cache = ["--cache-dir", str(work / "cache")]
        if not (args.warm_only and (work / "cache").is_dir() and (work / "cold.json").is_file()):
            shutil.rmtree(work / "cache", ignore_errors=True)  # cold means cold, kept or not
            table.add(
                "ours: cold (empty cache)",
                ours(args.mlsec_policy, tree, work / "cold.json", args.jobs, *cache),
            )
        table.add(
            "ours: warm, nothing changed",
            ours(args.mlsec_policy, tree, work / "warm.json", args.jobs, *cache),
        )
        change = f"\n# changed for the benchmark {time.time_ns()}\n".encode()  # new to any cache
        target.write_bytes(target.read_bytes() + change)
        table.add(
            "ours: warm, one file changed",
            ours(args.mlsec_policy, tree, work / "changed.json", args.jobs, *cache),
        )
        git(tree, "commit", "-q", "-am", "one file")
        shutil.rmtree(work / "diff-cache", ignore_errors=True)
        diff_cache = ["--cache-dir", str(work / "diff-cache")]
        table.add(
            "ours: --diff-base, one-file commit, cold cache",
            ours(
                args.mlsec_policy,
                tree,
                work / "diff.json",
                args.jobs,
                "--diff-base",
                "HEAD~1",
                *diff_cache,
            ),
        )
        table.add(
            "plain semgrep, our rules, the changed file alone",
            plain_semgrep(rules, [changed], tree, args.jobs, work, args.timeout),
        )
        reports = [work / "cold.json", work / "warm.json"]  # none written: never equal
        same = all(r.is_file() for r in reports) and len({r.read_bytes() for r in reports}) == 1
        counts = {n: findings(work / f"{n}.json") for n in ("cold", "warm", "changed", "diff")}
    say("")
    say(f"load average at end: {load()}")
    say(f"cold and warm JSON reports byte-identical: {same}; findings: {counts}")
    say("")
    say("the whole table, every ratio known:")
    table.header()
    table.print_all()
    return 0 if same else 1


def peers(
    table: Table,
    args: argparse.Namespace,
    rules: Path,
    targets: list[str],
    tree: Path,
    work: Path,
) -> None:
    """Run the reference rows: plain semgrep over the tree, the yardstick's rules, bandit."""
    table.add(
        "plain semgrep, our rules",
        plain_semgrep(rules, targets, tree, args.jobs, work, args.timeout),
    )
    if table.yardstick is not None:
        pack = str(yardstick_pack(table.yardstick, work))
        fixed, _ = semgrep_inputs(tree, work, pack, "yardstick-rules.yaml")
        table.add(
            f"plain semgrep, rules of {table.yardstick}",
            plain_semgrep(fixed, targets, tree, args.jobs, work, args.timeout),
        )
    table.add("bandit", bandit(tree, work / "bandit.json", args.timeout))


@contextlib.contextmanager
def workspace(kept: Path | None) -> Iterator[Path]:
    """Yield the folder of the run: ``kept`` (created when missing), else a temporary one."""
    if kept is not None:
        kept.mkdir(parents=True, exist_ok=True)
        yield kept.resolve()
        return
    with tempfile.TemporaryDirectory(prefix="mlsec-speed-bench-") as scratch_name:
        yield Path(scratch_name)


def say(text: str) -> None:
    """Print one line at once (the run may be long and its output piped)."""
    print(text, flush=True)


class Table:
    """The rows of the run, printed as each run ends and again, complete, at the end.

    A row printed as its run ends has ratios only against the reference runs already done
    (``—`` for the others); the final table has them all.
    """

    def __init__(self, yardstick: str | None) -> None:
        """Prepare a table whose ratios name the ``yardstick`` commit (None: not run)."""
        self.yardstick = yardstick
        self.runs: dict[str, Measured] = {}

    def references(self) -> list[tuple[str, str]]:
        """Return (column title, run name) of the runs every row is compared with."""
        columns = [("× plain semgrep", "plain semgrep, our rules")]
        if self.yardstick is not None:
            name = f"plain semgrep, rules of {self.yardstick}"
            columns.append((f"× semgrep with {self.yardstick} rules", name))
        columns.append(("× bandit", "bandit"))
        return columns

    def header(self) -> None:
        """Print the table's header."""
        titles = " | ".join(f"{title} (wall, CPU)" for title, _ in self.references())
        say(f"| run | wall s | CPU s | peak MiB | {titles} | exit |")
        say("|---|---|---|---|" + "---|" * len(self.references()) + "---|")

    def add(self, name: str, run: Measured) -> None:
        """Record a run and print its row at once."""
        self.runs[name] = run
        self.row(name, run)

    def print_all(self) -> None:
        """Print every row again, now that every reference run is known."""
        for name, run in self.runs.items():
            self.row(name, run)

    def row(self, name: str, run: Measured) -> None:
        """Print one row: times, peak memory, ratios to the reference runs known so far."""
        ratios = " | ".join(_ratio(run, self.runs.get(ref)) for _, ref in self.references())
        code = "killed (time limit)" if run.timed_out else str(run.returncode)
        say(
            f"| {name} | {run.seconds:.2f} | {run.cpu_seconds:.2f} | {run.peak_mib:.0f} "
            f"| {ratios} | {code} |"
        )


def _ratio(run: Measured, base: Measured | None) -> str:
    if base is None or base.timed_out or not base.seconds:
        return "—"
    cpu = run.cpu_seconds / base.cpu_seconds if base.cpu_seconds else float("nan")
    return f"{run.seconds / base.seconds:.2f}×, {cpu:.2f}×"


if __name__ == "__main__":
    raise SystemExit(main())
