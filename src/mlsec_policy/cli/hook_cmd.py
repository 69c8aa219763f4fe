"""``mlsec-policy hook``: the pre-commit hook — scan the repository, report the staged files.

pre-commit runs hooks from the repository root and passes the files being committed. Controls
need the whole repository (a rate limiter in one file satisfies an API in another, a missing
SECURITY.md is about the repository), so the hook scans everything and then reports, and
gates on, only the findings located in the files it was given.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from mlsec_policy.cli.common import notice_printer, progress_printer
from mlsec_policy.cli.scan_cmd import run_scan
from mlsec_policy.cli.scan_setup import ScanArgs, build_options, scan_options


@click.command("hook")
@click.argument("files", nargs=-1, metavar="[FILE]...")
@scan_options
@click.option(
    "--baseline",
    "baseline_file",
    metavar="FILE",
    help="Accept the findings recorded in FILE; only new ones fail the hook.",
)
@click.option("-q", "--quiet", is_flag=True, help="Print only the verdict line.")
def hook_command(
    files: tuple[str, ...], baseline_file: str | None, quiet: bool, **values: Any
) -> int:
    """Scan the current repository and report only findings in FILEs (the pre-commit hook).

    Without FILEs every finding is reported. With --baseline, findings the baseline records
    are accepted, so only new findings in the FILEs fail the commit.
    """
    args = ScanArgs.pop(values)
    options = build_options(
        Path(),
        args,
        baseline_file=baseline_file,
        only_paths=files,
        progress=progress_printer(not quiet),
        notice=notice_printer(not quiet),
    )
    return run_scan(options, {}, quiet=quiet)
