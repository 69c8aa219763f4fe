"""``mlsec-policy frameworks list|show`` and the ``--framework`` option of scan and render.

A framework report section is the roll-up of the scan's control results over one framework's
requirements (:mod:`mlsec_policy.frameworks.rollup`); ``scan`` stores it in the report, and
``report render`` renders what the JSON report stores, or rolls up a framework it does not.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from pathlib import PurePath
from typing import Any

import click

from mlsec_policy.analyzers import ANALYZERS
from mlsec_policy.cache import ResultStore
from mlsec_policy.cli.common import write_output
from mlsec_policy.errors import ExitCode, UsageError
from mlsec_policy.frameworks import Frameworks, load_frameworks
from mlsec_policy.frameworks.rollup import roll_up
from mlsec_policy.models import Framework, FrameworkResult, Report
from mlsec_policy.options import ScanOptions
from mlsec_policy.policy import BUILTIN, Policy, load_policy
from mlsec_policy.report import soa
from mlsec_policy.scan import load

POLICY_HELP = "Policy packs whose frameworks to read (default: the bundled pack). Repeatable."
SOA_DEFAULT = "iso42001"
SOA_FORMATS = {".csv": soa.render_csv, ".md": soa.render_markdown, ".markdown": soa.render_markdown}


def framework_option(command: Callable[..., Any]) -> Callable[..., Any]:
    """Add ``--framework ID`` (repeatable) to a command."""
    return click.option(
        "--framework",
        "frameworks",
        multiple=True,
        metavar="ID",
        help="Add a section on this compliance framework (id or alias; 'mlsec-policy "
        "frameworks list' shows them): each requirement's status from its controls. "
        "Repeatable.",
    )(command)


def soa_options(command: Callable[..., Any]) -> Callable[..., Any]:
    """Add ``--soa-output FILE`` and ``--soa-framework ID`` to a command."""
    command = click.option(
        "--soa-framework",
        default=SOA_DEFAULT,
        show_default=True,
        metavar="ID",
        help="The ISO/IEC 42001 framework (id or alias) the Statement of Applicability lists.",
    )(command)
    return click.option(
        "--soa-output",
        metavar="FILE",
        help="Write the ISO/IEC 42001 Statement of Applicability to FILE: CSV for .csv, "
        "Markdown for .md ('-' for standard output, as CSV). Adds --framework for it.",
    )(command)


def soa_names(
    frameworks: Sequence[str], soa_output: str | None, soa_framework: str
) -> tuple[str, ...]:
    """Return the frameworks to roll up: those asked for, and the SoA's when one is written."""
    if soa_output is None:
        return tuple(frameworks)
    if soa_output != "-" and PurePath(soa_output).suffix.lower() not in SOA_FORMATS:
        raise UsageError(
            f"--soa-output {soa_output}: say .csv or .md",
            hint="the file name's extension chooses the format",
        )
    return (*frameworks, soa_framework)


def write_soa(report: Report, soa_output: str | None, soa_framework: str) -> None:
    """Write the Statement of Applicability when ``soa_output`` asks for it."""
    if soa_output is None:
        return
    result = soa.find(report, soa_framework)
    kind = ".csv" if soa_output == "-" else PurePath(soa_output).suffix.lower()
    write_output(soa_output, SOA_FORMATS[kind](report, result))


def scan_policy(options: ScanOptions) -> Policy:
    """Return the policy a scan with ``options`` uses (its cache's memo too), loaded once.

    ``scan`` takes it as it is, so asking for frameworks does not load the packs twice.
    """
    if options.cache is None:
        return load(options, None)
    # the packs' entries are read together next time (one bundle per set of packs, which
    # every kind of scan reads): they are kept in it alone, one file instead of hundreds
    bundle = repr(("policy", options.policies))
    store = ResultStore(options.cache.directory, options.cache.max_bytes, bundle, bundle_only=True)
    policy = load(options, store)
    store.close()
    return policy


def frameworks_of(sources: Sequence[str]) -> Frameworks:
    """Return the frameworks the packs named by ``sources`` define (default: bundled)."""
    return load_frameworks(load_policy(tuple(sources) or (BUILTIN,), ANALYZERS))


def check_exclusions(
    chosen: Sequence[Framework], exclusions: Mapping[str, Mapping[str, str]]
) -> None:
    """Raise :class:`UsageError` when an exclusion names a requirement its framework lacks."""
    for framework in chosen:
        known = {r.id for r in framework.requirements}
        unknown = sorted(set(excluded_in(framework, exclusions)) - known)
        if unknown:
            raise UsageError(
                f"the configuration's exclusions name requirements {framework.id} does not "
                f"have: {', '.join(unknown)}",
                hint=f"'mlsec-policy frameworks show {framework.id}' lists its requirements",
            )


def excluded_in(
    framework: Framework, exclusions: Mapping[str, Mapping[str, str]]
) -> dict[str, str]:
    """Return the configuration's exclusions of ``framework``, named by its id or an alias."""
    found: dict[str, str] = {}
    for name in (*framework.aliases, framework.id):
        found.update(exclusions.get(name, {}))
    return found


def with_frameworks(
    report: Report,
    chosen: Sequence[Framework],
    exclusions: Mapping[str, Mapping[str, str]],
) -> Report:
    """Return ``report`` with a roll-up of each chosen framework (none chosen: unchanged)."""
    if not chosen:
        return report
    results = tuple(
        roll_up(framework, report.results, excluded_in(framework, exclusions))
        for framework in chosen
    )
    return replace(report, frameworks=results)


def rerender_frameworks(report: Report, names: Sequence[str], sources: Sequence[str]) -> Report:
    """Return ``report`` with the frameworks ``names`` asks for, for ``report render``.

    A framework the report stores is kept as stored (with its exclusions); another one is
    read from the packs of ``sources`` and rolled up from the report's results.
    """
    if not names:
        return report
    stored = {r.framework.id: r for r in report.frameworks}
    for result in report.frameworks:
        stored.update(dict.fromkeys(result.framework.aliases, result))
    chosen: dict[str, FrameworkResult] = {}
    loaded: Frameworks | None = None
    for name in names:
        found = stored.get(name)
        if found is None:
            loaded = loaded or frameworks_of(sources)
            found = roll_up(loaded.get(name), report.results)
        chosen.setdefault(found.framework.id, found)
    return replace(report, frameworks=tuple(chosen.values()))


@click.group("frameworks")
def frameworks_group() -> None:
    """List the compliance frameworks and show how controls map to their requirements."""


@frameworks_group.command("list")
@click.option("--policy", "policies", multiple=True, metavar="DIR", help=POLICY_HELP)
def list_command(policies: tuple[str, ...]) -> int:
    """List every framework: id, aliases, version, requirements by coverage, and title."""
    for framework in frameworks_of(policies).by_id.values():
        coverage: dict[str, int] = {}
        for requirement in framework.requirements:
            coverage[requirement.coverage.value] = coverage.get(requirement.coverage.value, 0) + 1
        counts = ", ".join(f"{n} {kind}" for kind, n in sorted(coverage.items()))
        aliases = f" ({', '.join(framework.aliases)})" if framework.aliases else ""
        click.echo(f"{framework.id}{aliases}  version {framework.version}  {framework.title}")
        click.echo(f"    {len(framework.requirements)} requirements: {counts}")
    return int(ExitCode.OK)


@frameworks_group.command("show")
@click.argument("framework_id", metavar="ID")
@click.option("--policy", "policies", multiple=True, metavar="DIR", help=POLICY_HELP)
def show_command(framework_id: str, policies: tuple[str, ...]) -> int:
    """Explain a framework's mapping: each requirement, its coverage, controls and evidence."""
    framework = frameworks_of(policies).get(framework_id)
    click.echo(f"{framework.title}")
    click.echo(f"id {framework.id}, version {framework.version}, {framework.publisher}")
    click.echo(f"source {framework.source}")
    if framework.effective_from:
        click.echo(f"effective from {framework.effective_from}")
    if framework.notes:
        click.echo(f"notes: {framework.notes}")
    sections = {s.id: s for s in framework.sections}
    current = None
    for requirement in framework.requirements:
        if requirement.section != current:
            current = requirement.section
            section = sections.get(current)
            click.echo(f"\n[{current}] {section.title if section else ''}".rstrip())
        applies = f" (applies from {requirement.applies_from})" if requirement.applies_from else ""
        click.echo(
            f"  {framework.qualified(requirement.id)}  {requirement.coverage.value}  "
            f"{requirement.title}{applies}"
        )
        for mapping in requirement.mappings:
            note = f": {mapping.note}" if mapping.note else ""
            click.echo(f"      {mapping.control} ({mapping.evidence.value}){note}")
        if requirement.reason:
            label = "not covered" if not requirement.mappings else "beyond the scan"
            click.echo(f"      {label}: {requirement.reason}")
    return int(ExitCode.OK)
