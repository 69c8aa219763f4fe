"""The ``mlsec-policy`` command line: click commands, IO, environment, exit codes.

This package is the only place that reads the environment, prints, or writes files. Each
command lives in its own module and is named in the group here, explicitly (:data:`COMMANDS`).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

import click

from mlsec_policy import __version__
from mlsec_policy.cli.collector import fewer_collections
from mlsec_policy.cli.lazy import LazyGroup, Where
from mlsec_policy.errors import ExitCode, MlsecPolicyError

_CLI = "mlsec_policy.cli."
COMMANDS: dict[str, Where] = {
    "scan": (_CLI + "scan_cmd", "scan_command", ()),
    "fix": (_CLI + "fix_cmd", "fix_command", ()),
    "explain": (_CLI + "explain_cmd", "explain_command", ()),
    "validate": (_CLI + "validate_cmd", "validate_command", ()),
    "policy": (
        _CLI + "policy_cmd",
        "policy_group",
        (("digest", _CLI + "digest_cmd", "digest_command"),),
    ),
    "report": (
        _CLI + "report_cmd",
        "report_group",
        (("merge", _CLI + "merge_cmd", "merge_command"),),
    ),
    "baseline": (_CLI + "baseline_cmd", "baseline_group", ()),
    "hook": (_CLI + "hook_cmd", "hook_command", ()),
    "fleet": (_CLI + "fleet_cmd", "fleet_command", ()),
    "init": (_CLI + "init_cmd", "init_command", ()),
    "controls": (
        _CLI + "controls_cmd",
        "controls_group",
        (("analyzers", _CLI + "analyzers_cmd", "analyzers_command"),),
    ),
    "risks": (_CLI + "risks_cmd", "risks_command", ()),
    "bom": (_CLI + "bom_cmd", "bom_group", ()),
    "frameworks": (_CLI + "frameworks_cmd", "frameworks_group", ()),
}
"""Every command, by where it lives: each is imported when used (:mod:`.lazy`), so a scan does
not import the self-test tooling or the other commands."""


@click.group(
    cls=LazyGroup,
    lazy=COMMANDS,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(
    __version__, "--version", prog_name="mlsec-policy", message="%(prog)s %(version)s"
)
def cli() -> None:
    """Check a machine-learning repository against an ML security policy.

    Exit codes: 0 compliant, 1 failing controls, 2 usage or policy error, 3 scan incomplete.
    """


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
        with fewer_collections():  # the commands' objects die by reference counting
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
