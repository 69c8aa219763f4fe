"""``mlsec-policy report merge``: many repositories' JSON reports as one organisation record."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

import click

from mlsec_policy import __version__
from mlsec_policy.atomicfile import replace_file
from mlsec_policy.cli.common import source_date_epoch
from mlsec_policy.errors import ExitCode, UsageError
from mlsec_policy.rollup import html, markdown
from mlsec_policy.rollup.inventory import BomRead
from mlsec_policy.rollup.merge import (
    Merger,
    Read,
    Rejected,
    input_files,
    read_report,
    write_document,
)
from mlsec_policy.rollup.trend import Trend, load_previous
from mlsec_policy.schema_check import validator_for
from mlsec_policy.timeinfo import iso, scan_time, today

ORG_SCHEMA = "org-report.schema.json"
EXPIRY_DAYS = 30
"""Waivers expiring within this many days are listed (``--expiry-days``)."""
expiry_days_option = click.option(
    "--expiry-days",
    type=click.IntRange(min=0),
    default=EXPIRY_DAYS,
    show_default=True,
    help="List waivers that expire within this many days (and expired ones).",
)
"""``--expiry-days`` of ``report merge``, shared by ``fleet`` (which merges too)."""


def jobs_option(default: int, help: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Return ``--jobs`` (processes at once) with ``default`` and ``help``: merge and fleet."""
    return click.option(
        "--jobs", type=click.IntRange(min=1), default=default, show_default=True, help=help
    )


@click.command("merge")
@click.argument(
    "reports",
    nargs=-1,
    required=True,
    type=click.Path(path_type=Path, exists=True),
    metavar="REPORT…",
)
@click.option(
    "-o",
    "--output",
    "output",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the merged organisation record (JSON) here.",
)
@click.option(
    "--html-output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Also write the organisation page (HTML).",
)
@click.option(
    "--markdown-output",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Also write it as Markdown.",
)
@click.option(
    "--previous",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="An earlier merged record: mark per repository and per control what got better or worse.",
)
@click.option(
    "--policy-digest",
    metavar="DIGEST",
    help="The policy the summary is about (default: the one most reports were scanned under).",
)
@jobs_option(1, "Verify reports in this many processes (verification is the merge's main cost).")
@expiry_days_option
def merge_command(
    reports: tuple[Path, ...],
    output: Path,
    html_output: Path | None,
    markdown_output: Path | None,
    previous: Path | None,
    policy_digest: str | None,
    expiry_days: int,
    jobs: int,
) -> int:
    """Merge JSON scan reports (files, or folders searched for *.json) into one record.

    ML-BOMs (from 'bom' or 'scan --bom-output') may be given too: the record then lists the
    model files found in several repositories, hub models pinned and unpinned, and the
    known-vulnerable packages.

    Each report is verified as 'report verify' does: an altered or unreadable one is listed
    as not merged, with the reason. Reports scanned under another policy are counted apart.
    Exit 0 when written, 2 on a usage error.
    """
    files = input_files(reports)
    if not files:
        raise UsageError("no report files found", hint="name JSON reports or folders holding them")
    trend = _previous(previous) if previous else None
    moment = scan_time(source_date_epoch())
    merger = Merger(today=today(moment), expiry_days=expiry_days, policy_digest=policy_digest)
    try:
        for outcome in _read_all(files, today(moment), expiry_days, jobs):
            merger.accept(outcome)
        header = merger.header(iso(moment), __version__)
        records = trend.annotate(merger.records()) if trend else merger.records()
        extra: dict[str, Any] = {"trend": trend.summary} if trend else {}
        _write_atomic(output, lambda out: write_document(out, header, records, extra))
    finally:
        merger.close()
    if html_output or markdown_output:
        document = json.loads(output.read_text(encoding="utf-8"))
        if html_output:
            _write_atomic(html_output, lambda out: out.write(html.render(document)))
        if markdown_output:
            _write_atomic(markdown_output, lambda out: out.write(markdown.render(document)))
    summary = header["summary"]
    click.echo(
        f"merged {summary['repositories']} repository report(s) into {output}"
        + (f"; {len(header['rejected'])} not merged" if header["rejected"] else "")
        + (
            f"; {sum(g['repositories'] for g in header['other_policies'])} under another policy"
            if header["other_policies"]
            else ""
        ),
        err=True,
    )
    return int(ExitCode.OK)


def _read_all(
    files: list[Path], day: date, expiry_days: int, jobs: int
) -> Iterator[Read | Rejected | BomRead]:
    """Yield each report's outcome in input order, read in ``jobs`` processes."""
    sources = [str(path) for path in files]
    if jobs == 1:
        yield from (read_report(s, None, day, expiry_days) for s in sources)
        return
    work = partial(read_report, text=None, today=day, expiry_days=expiry_days)
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        yield from pool.map(work, sources, chunksize=16)


def _previous(path: Path) -> Trend:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UsageError(f"{path}: cannot read the previous record: {exc}") from None
    problems = sorted(validator_for(ORG_SCHEMA).iter_errors(document), key=str)
    if problems:
        where = "/".join(str(p) for p in problems[0].absolute_path) or "(top level)"
        raise UsageError(
            f"{path}: not an organisation record written by 'report merge' ({where}: "
            f"{problems[0].message})",
            hint="pass the JSON written by an earlier 'report merge -o'",
        )
    return load_previous(document)


def _write_atomic(path: Path, write: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    replace_file(path, write, text=True)
