"""The ``mlsec-policy`` command line: click commands, IO, environment, exit codes.

This package is the only place that reads the environment, prints, or writes files. Each
command lives in its own module and is added to the group here, explicitly.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

import click

from mlsec_policy import __version__
from mlsec_policy.cli.analyzers_cmd import analyzers_command
from mlsec_policy.cli.baseline_cmd import baseline_group
from mlsec_policy.cli.bom_cmd import bom_group
from mlsec_policy.cli.controls_cmd import controls_group
from mlsec_policy.cli.digest_cmd import digest_command
from mlsec_policy.cli.explain_cmd import explain_command
from mlsec_policy.cli.fix_cmd import fix_command
from mlsec_policy.cli.fleet_cmd import fleet_command
from mlsec_policy.cli.frameworks_cmd import frameworks_group
from mlsec_policy.cli.hook_cmd import hook_command
from mlsec_policy.cli.init_cmd import init_command
from mlsec_policy.cli.merge_cmd import merge_command
from mlsec_policy.cli.policy_cmd import policy_group
from mlsec_policy.cli.report_cmd import report_group
from mlsec_policy.cli.risks_cmd import risks_command
from mlsec_policy.cli.scan_cmd import scan_command
from mlsec_policy.cli.validate_cmd import validate_command
from mlsec_policy.errors import ExitCode, MlsecPolicyError


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(
    __version__, "--version", prog_name="mlsec-policy", message="%(prog)s %(version)s"
)
def cli() -> None:
    """Check a machine-learning repository against an ML security policy.

    Exit codes: 0 compliant, 1 failing controls, 2 usage or policy error, 3 scan incomplete.
    """


cli.add_command(scan_command)
cli.add_command(fix_command)
cli.add_command(explain_command)
cli.add_command(validate_command)
cli.add_command(policy_group)
policy_group.add_command(digest_command)
cli.add_command(report_group)
report_group.add_command(merge_command)
cli.add_command(baseline_group)
cli.add_command(hook_command)
cli.add_command(fleet_command)
cli.add_command(init_command)
cli.add_command(controls_group)
controls_group.add_command(analyzers_command)
cli.add_command(risks_command)
cli.add_command(bom_group)
cli.add_command(frameworks_group)


def main(argv: Sequence[str] | None = None) -> None:
    """Run the command line and exit with the contract's exit code."""
    if argv is None:
        _ensure_utf8_mode()
    sys.exit(run(argv))


def _ensure_utf8_mode() -> None:
    """Start again in Python's UTF-8 mode when the locale names files in another encoding.

    Under ``LC_ALL=C`` with UTF-8 mode turned off, or a Latin-1 locale, Python decodes file
    names with the locale's encoding: a valid UTF-8 name becomes lone surrogates or mojibake,
    which no report can hold and which looks like a name that is not UTF-8. Reports are UTF-8
    whatever the locale, so file names are read as UTF-8 too. Runs once: the new process is
    in UTF-8 mode.
    """
    if sys.flags.utf8_mode or sys.getfilesystemencoding().lower() in {"utf-8", "utf8"}:
        return
    os.environ["PYTHONUTF8"] = "1"
    arguments = [sys.executable, "-X", "utf8", *sys.orig_argv[1:]]
    try:
        os.execv(sys.executable, arguments)
    except OSError:
        return  # cannot start again: go on; names that do not decode are reported as such


def run(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return the exit code (for embedding and tests)."""
    try:
        result = cli.main(
            args=list(argv) if argv is not None else None,
            prog_name="mlsec-policy",
            standalone_mode=False,
        )
    except MlsecPolicyError as exc:
        click.echo(f"error: {exc.diagnostics()}", err=True)
        return int(exc.exit_code)
    except click.exceptions.NoArgsIsHelpError as exc:
        click.echo(exc.ctx.get_help() if exc.ctx else str(exc))
        return int(ExitCode.USAGE)
    except click.ClickException as exc:
        exc.show()
        return int(ExitCode.USAGE)
    except click.exceptions.Exit as exc:
        return int(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        return int(ExitCode.INCOMPLETE)
    return int(result) if isinstance(result, int) else int(ExitCode.OK)
