"""``mlsec-policy report render|verify``: work with an archived JSON report.

``render`` rebuilds the Report from the JSON and writes any format, byte for byte what the
scan itself would have written. ``verify`` recomputes the report's digests and says whether
the file was altered after the scan (exit 0 intact, 1 altered, 2 unreadable).
"""

from __future__ import annotations

from pathlib import Path

import click

from mlsec_policy.analyzers import ANALYZERS
from mlsec_policy.cli.common import use_color
from mlsec_policy.cli.frameworks_cmd import (
    POLICY_HELP,
    framework_option,
    rerender_frameworks,
    soa_names,
    soa_options,
    write_soa,
)
from mlsec_policy.cli.outputs import output_options, requested, write_reports
from mlsec_policy.errors import ExitCode, UsageError
from mlsec_policy.policy import load_policy
from mlsec_policy.report import console, json_report
from mlsec_policy.report.verify import Verdict, Verification, verify

REPORT_ARGUMENT = click.Path(path_type=Path, dir_okay=False)


@click.group("report")
def report_group() -> None:
    """Re-render or verify a JSON report written by a scan."""


@report_group.command("render")
@click.argument("report_file", type=REPORT_ARGUMENT, metavar="REPORT.json")
@output_options
@framework_option
@soa_options
@click.option("--policy", "policies", multiple=True, metavar="DIR", help=POLICY_HELP)
@click.option(
    "--allow-altered",
    is_flag=True,
    help="Render even when the report fails verification (the output says nothing of it).",
)
@click.option(
    "--color/--no-color", default=None, help="Colour the console summary (default: on a TTY)."
)
def render_command(
    report_file: Path,
    markdown_max_chars: int,
    frameworks: tuple[str, ...],
    soa_output: str | None,
    soa_framework: str,
    policies: tuple[str, ...],
    allow_altered: bool,
    color: bool | None,
    **outputs: str | None,
) -> int:
    """Write reports from REPORT.json exactly as the scan would have written them.

    With no --*-output option, prints the console summary. The framework sections are those
    the report stores; --framework picks some of them, or adds one rolled up from the
    report's results (read from --policy packs, default the bundled one). A report that fails
    'report verify' is refused unless --allow-altered is given. Exit 0 when written.
    """
    files = requested(outputs)
    names = soa_names(frameworks, soa_output, soa_framework)
    text = read_report_text(report_file)
    checked = verify(text)
    if checked.verdict is Verdict.UNREADABLE:
        raise UsageError(f"{report_file}: {checked.problem}")
    if checked.verdict is Verdict.ALTERED:
        _explain(report_file, checked, err=True)
        if not allow_altered:
            raise UsageError(
                f"{report_file} does not verify; refusing to render it",
                hint="re-run the scan, or pass --allow-altered to render it anyway",
            )
    report = json_report.load(text)
    if not frameworks:  # keep what the report stores; the SoA may add its framework
        stored = tuple(result.framework.id for result in report.frameworks)
        names = soa_names(stored, soa_output, soa_framework)
    report = rerender_frameworks(report, names, policies)
    write_reports(report, files, markdown_max_chars)
    write_soa(report, soa_output, soa_framework)
    if not files and soa_output is None:
        click.echo(console.render(report, color=use_color(color)), nl=False)
    return int(ExitCode.OK)


@report_group.command("verify")
@click.argument("report_file", type=REPORT_ARGUMENT, metavar="REPORT.json")
@click.option(
    "--policy",
    "policies",
    multiple=True,
    metavar="DIR",
    help="Also check that these policy packs (directories, or 'builtin') are the ones the "
    "report names, by digest. Repeatable, in the scan's order.",
)
def verify_command(report_file: Path, policies: tuple[str, ...]) -> int:
    """Recompute REPORT.json's digests and say whether it was altered after the scan.

    Checks the report schema, the SHA-256 of the canonical content, the policy digest and
    the summary against the results. Exit 0 intact, 1 altered, 2 unreadable.
    """
    try:
        text = read_report_text(report_file)
    except UsageError as exc:
        click.echo(f"unreadable: {exc.message}", err=True)
        return Verdict.UNREADABLE.exit_code
    policy = load_policy(policies, ANALYZERS).info() if policies else None
    checked = verify(text, policy)
    if checked.verdict is Verdict.UNREADABLE:
        click.echo(f"unreadable: {report_file}: {checked.problem}", err=True)
        return checked.verdict.exit_code
    _explain(report_file, checked, err=False)
    return checked.verdict.exit_code


def read_report_text(path: Path) -> str:
    """Return the text of a report file; a missing or undecodable one is a usage error."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except UnicodeDecodeError as exc:
        raise UsageError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise UsageError(f"{path}: cannot read it ({exc.strerror})") from None


def _explain(path: Path, checked: Verification, *, err: bool) -> None:
    for check in checked.checks:
        click.echo(f"{'ok  ' if check.ok else 'FAIL'}  {check.name}: {check.detail}", err=err)
    click.echo(f"{path}: {checked.verdict.value}", err=err)
