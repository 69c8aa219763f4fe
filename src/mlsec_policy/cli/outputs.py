"""The report-file options shared by ``scan`` and ``report render``, and writing the files.

Both commands take the same ``--<format>-output`` options (one per entry of the format
registry) and the same rendering parameters, so that re-rendering a JSON report gives the
very bytes the scan wrote.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

import click

from mlsec_policy.cli.common import write_output
from mlsec_policy.errors import UsageError
from mlsec_policy.models import Report
from mlsec_policy.report import markdown
from mlsec_policy.report.formats import FORMATS

LABELS = {
    "json": "JSON",
    "sarif": "SARIF",
    "html": "HTML",
    "markdown": "Markdown",
    "junit": "JUnit XML",
    "cdxa": "CycloneDX 1.6 attestation (CDXA)",
}


def output_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Add ``--<format>-output FILE`` for every format, and ``--markdown-max-chars``."""
    command = click.option(
        "--markdown-max-chars",
        type=click.IntRange(markdown.MIN_CHARS, None),
        default=markdown.DEFAULT_MAX_CHARS,
        show_default=True,
        metavar="N",
        help="Truncate the Markdown report (between sections, never inside a table) to N "
        "characters: 65536 fits a pull-request comment; a job summary takes up to 1 MiB.",
    )(command)
    for name in reversed(list(FORMATS)):
        command = click.option(
            f"--{name}-output",
            f"{name}_output",
            metavar="FILE",
            help=f"Write the {LABELS.get(name, name.upper())} report to FILE "
            "('-' for standard output).",
        )(command)
    return command


def renderers(markdown_max_chars: int) -> dict[str, Callable[[Report], str]]:
    """Return the format registry with the rendering parameters the user chose."""
    chosen = dict(FORMATS)
    chosen["markdown"] = partial(markdown.render, max_chars=markdown_max_chars)
    return chosen


def requested(outputs: Mapping[str, object]) -> dict[str, str]:
    """Return format name to file for the ``--<format>-output`` options that were given.

    Raises UsageError when more than one asks for standard output (checked before any work).
    """
    files = {
        name: str(outputs[f"{name}_output"]) for name in FORMATS if outputs.get(f"{name}_output")
    }
    stdout = [name for name, path in files.items() if path == "-"]
    if len(stdout) > 1:
        raise UsageError(
            f"only one report can go to standard output; {', '.join(stdout)} all ask for '-'"
        )
    return files


def write_reports(report: Report, files: Mapping[str, str], markdown_max_chars: int) -> None:
    """Render and write every requested report file."""
    chosen = renderers(markdown_max_chars)
    for name, path in files.items():
        write_output(path, chosen[name](report))
