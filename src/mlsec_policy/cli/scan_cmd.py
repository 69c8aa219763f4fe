"""``mlsec-policy scan``: scan a target and write the console summary and report files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from mlsec_policy.cli.common import (
    clear_progress,
    hash_cache_file,
    progress_printer,
    semgrep_settings,
    source_date_epoch,
    use_color,
    write_output,
)
from mlsec_policy.models import Severity
from mlsec_policy.options import ScanOptions
from mlsec_policy.outcome import exit_code
from mlsec_policy.report import console
from mlsec_policy.report.formats import FORMATS
from mlsec_policy.scan import scan

SEVERITIES = [s.label for s in Severity]


def _output_options(command: Callable[..., Any]) -> Callable[..., Any]:
    for name in reversed(list(FORMATS)):
        command = click.option(
            f"--{name}-output",
            f"{name}_output",
            metavar="FILE",
            help=f"Write the {name.upper()} report to FILE ('-' for standard output).",
        )(command)
    return command


@click.command("scan")
@click.argument("path", type=click.Path(path_type=Path), default=".")
@click.option(
    "--policy",
    "policies",
    multiple=True,
    metavar="DIR",
    help="Policy pack directory, or 'builtin'. Repeatable. Default: the bundled pack. "
    "A pack whose pack.yaml says 'extends: [builtin]' adds to the bundled pack.",
)
@click.option(
    "--exclude",
    "excludes",
    multiple=True,
    metavar="GLOB",
    help="gitignore-style pattern of paths to leave out. Repeatable.",
)
@click.option(
    "--fail-on",
    type=click.Choice(SEVERITIES),
    default="low",
    show_default=True,
    help="Lowest severity of a failing control that makes the exit code 1.",
)
@click.option(
    "--disable",
    "disabled",
    multiple=True,
    metavar="CONTROL-ID",
    help="Leave a control out of this scan. Repeatable.",
)
@_output_options
@click.option("-q", "--quiet", is_flag=True, help="Print only the verdict line.")
@click.option(
    "-v", "--verbose", count=True, help="Also show passing controls, evidence, skipped files."
)
@click.option(
    "--color/--no-color", default=None, help="Force colour on or off (default: on a terminal)."
)
@click.option(
    "--semgrep-mode",
    type=click.Choice(["auto", "osemgrep", "pysemgrep"]),
    default="auto",
    show_default=True,
    help="How to run semgrep: its fast 'osemgrep' start, the classic CLI, "
    "or osemgrep with a fallback to the classic CLI.",
)
@click.option(
    "--jobs",
    type=click.IntRange(1, 64),
    default=2,
    show_default=True,
    help="Parallel semgrep jobs.",
)
@click.option(
    "--timeout",
    type=click.IntRange(1, 3600),
    default=30,
    show_default=True,
    help="Seconds semgrep may spend on one rule in one file before giving up on it.",
)
@click.option(
    "--hash-cache/--no-hash-cache",
    default=True,
    show_default=True,
    help="Remember file digests between scans (keyed by path, size and mtime); "
    "MLSEC_POLICY_CACHE_DIR sets the folder.",
)
def scan_command(
    path: Path,
    policies: tuple[str, ...],
    excludes: tuple[str, ...],
    fail_on: str,
    disabled: tuple[str, ...],
    quiet: bool,
    verbose: int,
    color: bool | None,
    semgrep_mode: str,
    jobs: int,
    timeout: int,
    hash_cache: bool,
    **outputs: str | None,
) -> int:
    """Scan PATH (default: the current directory) against the policy.

    Prints a summary per lifecycle phase and every failing control with its findings and a
    fix, and writes any number of report files from the same scan.
    """
    show_progress = not quiet
    options = ScanOptions(
        target=path,
        display_target=str(path),
        policies=policies or ("builtin",),
        excludes=excludes,
        fail_on=Severity.parse(fail_on),
        semgrep=semgrep_settings(semgrep_mode, jobs, timeout),
        source_date_epoch=source_date_epoch(),
        disable=disabled,
        progress=progress_printer(show_progress),
        hash_cache=hash_cache_file(hash_cache),
    )
    try:
        report = scan(options)
    finally:
        clear_progress(show_progress)
    for name, render in FORMATS.items():
        target = outputs.get(f"{name}_output")
        if target:
            write_output(target, render(report))
    to_stdout = any(value == "-" for value in outputs.values())
    verbosity = 0 if quiet else 1 + verbose
    text = console.render(report, color=use_color(color) and not to_stdout, verbosity=verbosity)
    click.echo(text, nl=False, err=to_stdout)
    return int(exit_code(report))
