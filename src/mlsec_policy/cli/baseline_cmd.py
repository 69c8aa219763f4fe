"""``mlsec-policy baseline create``: record today's findings so that only new ones fail."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from mlsec_policy.cli.common import write_output
from mlsec_policy.cli.scan_cmd import scan_quietly
from mlsec_policy.cli.scan_setup import ScanArgs, build_options, scan_options
from mlsec_policy.errors import ExitCode
from mlsec_policy.outcome import incomplete
from mlsec_policy.suppress import baseline


@click.group("baseline")
def baseline_group() -> None:
    """Record known findings, to adopt the scanner without fixing everything first."""


@baseline_group.command("create")
@click.argument("path", type=click.Path(path_type=Path), default=".")
@click.option(
    "--output",
    "-o",
    required=True,
    metavar="FILE",
    help="Where to write the baseline (commit it, for example as .mlsec-baseline.json).",
)
@scan_options
def create_command(path: Path, output: str, **values: Any) -> int:
    """Scan PATH and record every active finding, by fingerprint, in the baseline FILE.

    Later, 'mlsec-policy scan --baseline FILE' fails only on findings not recorded here.
    Findings already accepted by a waiver or an inline comment are not recorded, so they come
    back when the waiver expires. Exit 0 when written; 3 when some checks could not run (the
    file is still written, but findings of those controls are missing from it).
    """
    options = build_options(path, ScanArgs.pop(values))
    report = scan_quietly(options, show_progress=False)
    text = baseline.create(report)
    write_output(output, text)
    count = sum(len(result.active_findings) for result in report.results)
    click.echo(f"recorded {count} finding(s) in {output}", err=output == "-")
    if incomplete(report):
        click.echo(
            "warning: some checks could not run; their findings are not in the baseline "
            "(run 'mlsec-policy scan' to see the errors)",
            err=True,
        )
        return int(ExitCode.INCOMPLETE)
    return int(ExitCode.OK)
