"""``mlsec-policy explain REPORT.json FINGERPRINT|path:line``: one finding, fully explained."""

from __future__ import annotations

from pathlib import Path

import click

from mlsec_policy.cli.report_cmd import REPORT_ARGUMENT, read_report_text
from mlsec_policy.errors import ExitCode, UsageError
from mlsec_policy.explain import load_checks, render, select
from mlsec_policy.report import json_report


@click.command("explain")
@click.argument("report_file", type=REPORT_ARGUMENT, metavar="REPORT.json")
@click.argument("finding", metavar="FINGERPRINT|PATH:LINE")
def explain_command(report_file: Path, finding: str) -> int:
    """Explain a finding of a JSON report written by 'scan --json-output'.

    Name the finding by its fingerprint (or its first 6+ characters), by PATH:LINE (every
    finding there), or by PATH. Prints the finding, the control's rationale and remediation,
    the rule or analyzer that found it, related places, any waiver or suppression that
    applies, its automatic fix, and the exact inline suppression comment to use.
    Exit 0 when something was found to explain, 2 otherwise.
    """
    text = read_report_text(report_file)
    try:
        report = json_report.load(text)
    except ValueError as exc:
        raise UsageError(f"{report_file}: {exc}") from None
    found = select(report, finding)
    if not found:
        raise UsageError(
            f"no finding {finding} in {report_file}",
            hint="name a fingerprint from the JSON report, or PATH:LINE as the console shows it",
        )
    policy, problem = load_checks(report)
    pieces = [render(report, result, item, policy, problem) for result, item in found]
    click.echo("\n".join(pieces), nl=False)
    return int(ExitCode.OK)
