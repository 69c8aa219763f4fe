"""``mlsec-policy fleet``: scan many local clones in parallel processes, then merge.

The embedded route for a laptop or one CI runner. Each repository is scanned by its own
``mlsec-policy scan`` process (one broken repository never stops the others); the reports
land in ``OUT/reports/`` and are merged into ``OUT/org.json``, ``OUT/org.html`` and
``OUT/org.md`` exactly as ``report merge`` would. For more repositories than one machine
scans in time, docs/fleet.md shows the GitHub Actions and Kubernetes routes.
"""

from __future__ import annotations

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import click

from mlsec_policy.cli.merge_cmd import expiry_days_option, jobs_option, merge_command
from mlsec_policy.errors import ExitCode, UsageError
from mlsec_policy.rollup.fleet import Entry, Shard, read_list

SCAN_EXIT = {0: "pass", 1: "fail", 3: "incomplete"}


@click.command("fleet")
@click.argument(
    "list_file", type=click.Path(path_type=Path, dir_okay=False, exists=True), metavar="LIST_FILE"
)
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="Folder for the reports and the merged record.",
)
@jobs_option(2, "Scans (and then report verifications) running at once.")
@click.option(
    "--shard",
    "shard_text",
    metavar="I/N",
    help="Scan only every N-th repository from the I-th (0-based) and skip the merge.",
)
@click.option(
    "--no-merge", is_flag=True, help="Only write the reports (a later 'report merge' joins them)."
)
@expiry_days_option
@click.argument("scan_args", nargs=-1, type=click.UNPROCESSED, metavar="[-- SCAN OPTIONS]")
@click.pass_context
def fleet_command(
    ctx: click.Context,
    list_file: Path,
    out: Path,
    jobs: int,
    shard_text: str | None,
    no_merge: bool,
    expiry_days: int,
    scan_args: tuple[str, ...],
) -> int:
    """Scan every repository of LIST_FILE (one local path per line) and merge the reports.

    Options after '--' go to each scan (e.g. -- --policy builtin --cache-dir /shared/cache).
    With --shard, only that slice is scanned and, like with --no-merge, no merge is written
    (a final job merges the shards' reports with 'report merge'). Exit 0 when every
    repository passed, 1 when any failed, 3 when any scan could not finish.
    """
    entries = read_list(list_file)
    if shard_text:
        entries = Shard.parse(shard_text).select(entries)
    if not entries:
        raise UsageError(f"{list_file}: no repository to scan", hint="one local path per line")
    missing = [e for e in entries if not e.path.is_dir()]
    if missing:
        first = missing[0]
        raise UsageError(
            f"{list_file}:{first.line}: {first.path} is not a folder"
            + (f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""),
            hint="list local clones; clone them first (docs/fleet.md)",
        )
    reports = out / "reports"
    reports.mkdir(parents=True, exist_ok=True)
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        codes = list(pool.map(lambda e: _scan(e, reports, scan_args, len(entries)), entries))
    if not (shard_text or no_merge):
        ctx.invoke(
            merge_command,
            reports=(reports,),
            output=out / "org.json",
            html_output=out / "org.html",
            markdown_output=out / "org.md",
            expiry_days=expiry_days,
            jobs=jobs,
        )  # the other options of 'report merge' keep their defaults
    if any(code not in SCAN_EXIT for code in codes) or 3 in codes:
        return int(ExitCode.INCOMPLETE)
    return int(ExitCode.FAILED if 1 in codes else ExitCode.OK)


def _scan(entry: Entry, reports: Path, scan_args: tuple[str, ...], total: int) -> int:
    report = reports / f"{entry.slug}.json"
    command = [
        sys.executable,
        "-m",
        "mlsec_policy",
        "scan",
        str(entry.path),
        "--quiet",
        "--json-output",
        str(report),
        *scan_args,
    ]
    process = subprocess.run(command, capture_output=True, text=True, check=False)
    outcome = SCAN_EXIT.get(process.returncode, f"error (exit {process.returncode})")
    click.echo(f"{entry.path}: {outcome} -> {report.name}", err=True)
    if process.returncode not in SCAN_EXIT:
        tail = process.stderr.strip().splitlines()[-3:]
        for line in tail:
            click.echo(f"  {line}", err=True)
    return process.returncode
