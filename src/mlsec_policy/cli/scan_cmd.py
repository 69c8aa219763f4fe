"""``mlsec-policy scan``: scan a target and write the console summary and report files."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import click

from mlsec_policy.cli.common import (
    clear_progress,
    notice_printer,
    progress_printer,
    progress_ticker,
    stage_summary,
    use_color,
)
from mlsec_policy.cli.fix_output import apply_and_report
from mlsec_policy.cli.frameworks_cmd import (
    check_exclusions,
    framework_option,
    scan_policy,
    soa_names,
    soa_options,
    with_frameworks,
    write_soa,
)
from mlsec_policy.cli.outputs import output_options, requested, write_reports
from mlsec_policy.cli.scan_setup import ScanArgs, build_options, scan_options
from mlsec_policy.discover import discover
from mlsec_policy.errors import UsageError
from mlsec_policy.fix import declared_fixable
from mlsec_policy.frameworks import load_frameworks
from mlsec_policy.models import Inventory, Report
from mlsec_policy.options import ScanOptions
from mlsec_policy.outcome import exit_code
from mlsec_policy.policy import Policy
from mlsec_policy.report import console
from mlsec_policy.report.markdown import DEFAULT_MAX_CHARS
from mlsec_policy.scan import scan


@click.command("scan")
@click.argument("path", type=click.Path(path_type=Path), default=".")
@scan_options
@click.option(
    "--baseline",
    "baseline_file",
    metavar="FILE",
    help="Accept the findings recorded in FILE (made by 'mlsec-policy baseline create'); "
    "fail only on new ones.",
)
@click.option(
    "--diff-base",
    metavar="REF",
    help="Report only findings on lines changed since the merge base of git revision REF "
    "and HEAD (for pull requests). The whole target is still scanned.",
)
@framework_option
@soa_options
@click.option(
    "--fix",
    "apply_fixes",
    is_flag=True,
    help="Apply the automatic fixes (as 'mlsec-policy fix' does), then scan again and report "
    "what is left.",
)
@click.option(
    "--propose-fixes",
    is_flag=True,
    help="Work out each finding's exact automatic fix (JSON 'fix'); done anyway with --fix or "
    "--sarif-output. Costs a second semgrep pass over the files with fixable findings.",
)
@output_options
@click.option(
    "--bom-output",
    metavar="FILE",
    help="Also write the CycloneDX 1.6 ML-BOM of PATH to FILE, from the scan's inventory "
    "('-' for standard output; see 'mlsec-policy bom').",
)
@click.option("-q", "--quiet", is_flag=True, help="Print only the verdict line.")
@click.option(
    "-v", "--verbose", count=True, help="Also show passing controls, evidence, skipped files."
)
@click.option(
    "--color/--no-color", default=None, help="Force colour on or off (default: on a terminal)."
)
def scan_command(
    path: Path,
    baseline_file: str | None,
    diff_base: str | None,
    frameworks: tuple[str, ...],
    soa_output: str | None,
    soa_framework: str,
    apply_fixes: bool,
    propose_fixes: bool,
    quiet: bool,
    verbose: int,
    color: bool | None,
    **values: Any,
) -> int:
    """Scan PATH (default: the current directory) against the policy.

    Prints a summary per lifecycle phase and every failing control with its findings and a
    fix, and writes any number of report files from the same scan. Settings come from
    .mlsec-policy.yml at the root of PATH (or --config FILE); options given here win.
    """
    args = ScanArgs.pop(values)
    options = build_options(
        path,
        args,
        baseline_file=baseline_file,
        diff_base=diff_base,
        progress=progress_printer(not quiet),
        tick=progress_ticker(),
        notice=notice_printer(not quiet),
    )
    options = replace(options, propose_fixes=propose_fixes)
    markdown_max_chars = values.pop("markdown_max_chars")
    bom_output = values.pop("bom_output")
    return run_scan(
        options,
        values,
        bom_output=bom_output,
        frameworks=soa_names(frameworks, soa_output, soa_framework),
        soa=(soa_output, soa_framework),
        markdown_max_chars=markdown_max_chars,
        quiet=quiet,
        verbose=verbose,
        color=color,
        apply_fixes=apply_fixes,
    )


def run_scan(
    options: ScanOptions,
    outputs: Mapping[str, str | None],
    *,
    frameworks: Sequence[str] = (),
    soa: tuple[str | None, str] = (None, ""),
    markdown_max_chars: int = DEFAULT_MAX_CHARS,
    quiet: bool = False,
    verbose: int = 0,
    color: bool | None = None,
    bom_output: str | None = None,
    apply_fixes: bool = False,
) -> int:
    """Scan, write the requested report files and the console summary; return the exit code.

    The exact automatic fixes (a second semgrep pass for semgrep checks) are worked out only
    when they are used: ``apply_fixes``, a SARIF output (``fixes``) or
    ``options.propose_fixes``; otherwise the console counts the findings whose check declares
    a fix. With ``apply_fixes`` the fixes are applied and, when a file changed, the target is
    scanned again: the reports and the exit code describe what is left. With ``bom_output`` the
    ML-BOM is built from the inventory the (last) scan used.
    """
    files = requested(outputs)
    if bom_output == "-" and ("-" in files.values() or soa[0] == "-"):
        raise UsageError("only one output can go to standard output; the BOM and a report ask")
    wanted = options.propose_fixes or apply_fixes or "sarif" in files
    options = replace(options, propose_fixes=wanted)
    exclusions = options.config.exclusions if options.config else {}
    policy = scan_policy(options)
    chosen = load_frameworks(policy).select(tuple(frameworks)) if frameworks else ()
    check_exclusions(chosen, exclusions)
    inventory = discover(options.target, options.excludes) if bom_output else None
    report = scan_quietly(options, show_progress=not quiet, policy=policy, inventory=inventory)
    if apply_fixes and apply_and_report(report, options.target):
        inventory = discover(options.target, options.excludes) if bom_output else None
        report = scan_quietly(options, show_progress=not quiet, policy=policy, inventory=inventory)
    if bom_output and inventory is not None:
        # imported here: the BOM's builder reads advisories through the analyzers' readers
        from mlsec_policy.cli.bom_cmd import write_bom

        write_bom(options.target, inventory, bom_output, options.cache)
    report = with_frameworks(report, chosen, exclusions)
    write_reports(report, files, markdown_max_chars)
    write_soa(report, *soa)
    to_stdout = "-" in files.values() or soa[0] == "-"
    verbosity = 0 if quiet else 1 + verbose
    may_fix = 0 if wanted else len(declared_fixable(report, policy))
    text = console.render(
        report, color=use_color(color) and not to_stdout, verbosity=verbosity, may_fix=may_fix
    )
    click.echo(text, nl=False, err=to_stdout)
    timing = stage_summary()
    if timing and not quiet:
        click.echo(timing, err=True)
    return int(exit_code(report))


def scan_quietly(
    options: ScanOptions,
    *,
    show_progress: bool,
    policy: Policy | None = None,
    inventory: Inventory | None = None,
) -> Report:
    """Run the scan, clearing the progress line afterwards whatever happens."""
    try:
        return scan(options, policy, inventory=inventory)
    finally:
        clear_progress(show_progress)
