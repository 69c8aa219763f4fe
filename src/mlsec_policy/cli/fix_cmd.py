"""``mlsec-policy fix``: scan, then apply the automatic fixes of the active findings.

``--dry-run`` and ``--diff`` change no file: the first lists what would change, the second
prints it as a unified diff.
Exit codes: 0 when every fix could be applied (or there was none), 1 when a fix was refused
(it overlapped another, or the file would no longer parse), 2 on a usage or policy error.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import click

from mlsec_policy.cli.common import notice_printer, progress_printer
from mlsec_policy.cli.fix_output import describe, summary
from mlsec_policy.cli.scan_cmd import scan_quietly
from mlsec_policy.cli.scan_setup import ScanArgs, build_options, scan_options
from mlsec_policy.errors import ExitCode, UsageError
from mlsec_policy.fix import apply_fixes, fixable


@click.command("fix")
@click.argument("path", type=click.Path(path_type=Path), default=".")
@scan_options
@click.option(
    "--control",
    "controls",
    multiple=True,
    metavar="ID",
    help="Fix only the findings of this control. Repeatable. Default: every control.",
)
@click.option("--dry-run", is_flag=True, help="Change no file; list what would be fixed.")
@click.option(
    "--diff", "show_diff", is_flag=True, help="Change no file; print the fixes as a unified diff."
)
@click.option("-q", "--quiet", is_flag=True, help="Print only the summary line.")
def fix_command(
    path: Path,
    controls: tuple[str, ...],
    dry_run: bool,
    show_diff: bool,
    quiet: bool,
    **values: Any,
) -> int:
    """Apply the safe, mechanical fixes for the findings in PATH (default: the current directory).

    Only fixes that need no network and no guess are made (weights_only=True, yaml.safe_load,
    filter="data", a non-root USER line, stripped notebook outputs...). Waived, baselined and
    inline-suppressed findings are never touched, files are replaced atomically, symbolic links
    are never followed, and a file that would no longer parse is left unchanged.
    """
    if dry_run and show_diff:
        raise UsageError("choose --dry-run or --diff, not both")
    options = build_options(
        path,
        ScanArgs.pop(values),
        progress=progress_printer(not quiet),
        notice=notice_printer(not quiet),
    )
    options = replace(options, propose_fixes=True, only_controls=controls)
    report = scan_quietly(options, show_progress=not quiet)
    known = {result.control.id for result in report.results}
    unknown = [c for c in controls if c not in known]
    if unknown:
        raise UsageError(
            f"unknown control {', '.join(unknown)}",
            hint="mlsec-policy controls list shows the ids",
        )
    write = not (dry_run or show_diff)
    outcome = apply_fixes(fixable(report), path, write=write)
    if show_diff:
        for file in outcome.files:
            click.echo(file.diff(), nl=False)
    elif not quiet:
        click.echo(describe(outcome, written=write), nl=False)
    click.echo(summary(outcome, report, written=write), err=show_diff)
    return int(ExitCode.FAILED if outcome.refused else ExitCode.OK)
