"""``mlsec-policy policy test``: run a pack's fixtures, like ``semgrep --test``."""

from __future__ import annotations

from pathlib import Path

import click

from mlsec_policy.analyzers import ANALYZERS
from mlsec_policy.cli.common import semgrep_settings
from mlsec_policy.errors import ExitCode
from mlsec_policy.models import Severity
from mlsec_policy.policy import BUILTIN, Policy, load_policy
from mlsec_policy.policytest import (
    RATIO,
    RULE_TIMEOUT,
    CaseOutcome,
    Conversion,
    budget_lines,
    check_gaps,
    coverage_gaps,
    legacy_cases,
    measure_budget,
    pack_controls,
    run_pack,
    run_selftest,
    write_oracles,
)
from mlsec_policy.policytest.mutate import ControlMutations, mutate_pack, survival_table
from mlsec_policy.resources import policies_dir


@click.group("policy")
def policy_group() -> None:
    """Work with policy packs."""


@policy_group.command("test")
@click.argument("pack", required=False, metavar="[PACK_DIR]")
@click.option(
    "--control", "controls", multiple=True, metavar="ID", help="Test only these controls."
)
@click.option(
    "--require-fixtures/--no-require-fixtures",
    default=True,
    show_default=True,
    help="Fail when a control lacks a failing or a passing case.",
)
@click.option(
    "--semgrep-test/--no-semgrep-test",
    default=True,
    show_default=True,
    help="Also run semgrep's own test mode on the '# ruleid:' / '# ok:' annotated fixtures.",
)
@click.option(
    "--write-oracles",
    "write_oracles_",
    is_flag=True,
    help="Rewrite cases whose findings are listed by place only with the check behind each "
    "finding, when the scan agrees with them exactly; report the cases it refuses.",
)
@click.option(
    "--budget/--no-budget",
    default=True,
    show_default=True,
    help="Time every rule that reads Python on a generated 10,000-line file; fail a rule "
    f"that spends more than {RATIO:g} times the file's parse.",
)
@click.option("--profile", is_flag=True, help="Print the time of every rule on that file.")
@click.option(
    "--rule-timeout",
    type=click.IntRange(min=1),
    default=RULE_TIMEOUT,
    show_default=True,
    metavar="SECONDS",
    help="Stop a rule of the timing run after this long (it is then over budget).",
)
@click.option("-v", "--verbose", is_flag=True, help="List every case, not only failures.")
def test_command(
    pack: str | None,
    controls: tuple[str, ...],
    require_fixtures: bool,
    semgrep_test: bool,
    write_oracles_: bool,
    budget: bool,
    profile: bool,
    rule_timeout: int,
    verbose: bool,
) -> int:
    """Scan each control's fixture cases and compare status and findings exactly.

    Then run `semgrep test` once over the annotated fixture files of every semgrep check, and
    report each annotation semgrep disagrees with at its file and line. Then time every rule
    that reads Python on a generated 10,000-line file (--profile prints each time) and fail
    the rules over budget. Exit 0 when everything behaves as expected.yaml and the annotations
    say and no rule is over budget, 1 otherwise, 2 for an invalid pack.

    With --write-oracles, only convert cases of the first oracle form (findings as bare
    'path:line' places) to name the check of each finding, and exit 1 if any was refused.
    """
    source = pack or BUILTIN
    policy = load_policy((source,), ANALYZERS)
    root = policies_dir() if source == BUILTIN else Path(source)
    if write_oracles_:
        return _write_oracles(policy, root, controls)

    def show(outcome: CaseOutcome) -> None:
        label = f"{outcome.case.control_id} [{outcome.case.name}]"
        if outcome.ok:
            if verbose:
                click.echo(f"ok    {label}")
            return
        click.echo(f"FAIL  {label}")
        for problem in outcome.problems:
            click.echo(f"        {problem}")

    settings = semgrep_settings("auto", 1, 30)
    outcomes = run_pack(policy, root, settings, only=controls, on_outcome=show)
    failed = [o for o in outcomes if not o.ok]
    whole = require_fixtures and not controls
    gaps = coverage_gaps(policy, root) if whole else {}
    for control_id, lacking in sorted(gaps.items()):
        click.echo(f"GAP   {control_id} has no {lacking}")
    silent = check_gaps(policy, root) if whole else []
    for gap in silent:
        click.echo(f"GAP   {gap}")
    legacy = legacy_cases(policy, root)
    if legacy:
        click.echo(
            f"NOTE  {len(legacy)} case(s) list findings by place only (the first oracle form); "
            "`mlsec-policy policy test --write-oracles` names their checks"
        )
    click.echo(
        f"{len(outcomes) - len(failed)}/{len(outcomes)} cases passed"
        + (f"; {len(gaps)} control(s) lack fixtures" if gaps else "")
        + (f"; {len(silent)} check(s) never fire where it counts" if silent else "")
    )
    annotations_ok = True
    if semgrep_test:
        result = run_selftest(pack_controls(policy, root, controls), root, settings)
        for problem in result.problems:
            click.echo(f"SEMGREP {problem.display()}")
        for gap in result.gaps if require_fixtures else ():
            click.echo(f"GAP   {gap}")
        annotations_ok = not result.problems and (not require_fixtures or not result.gaps)
        click.echo(
            f"semgrep test: {result.files} annotated file(s) for {result.checks} semgrep "
            f"check(s): {'ok' if annotations_ok else 'FAILED'}"
        )
    budget_ok = True
    if budget or profile:
        selected = pack_controls(policy, root, controls)
        severities = {control.id: control.meta.severity for control in selected}
        checks = [check for control in selected for check in control.checks]
        timing = measure_budget(checks, severities, settings, rule_timeout=rule_timeout)
        for line in budget_lines(timing, profile=profile):
            click.echo(line)
        budget_ok = timing.ok or not budget
    failures = failed or gaps or silent or not annotations_ok or not budget_ok
    return int(ExitCode.FAILED if failures else ExitCode.OK)


def _write_oracles(policy: Policy, root: Path, controls: tuple[str, ...]) -> int:
    def show(result: Conversion) -> None:
        label = f"{result.control_id} [{result.case}]"
        if result.converted:
            click.echo(f"wrote   {label}")
            return
        click.echo(f"REFUSED {label}: the scan disagrees with the old oracle")
        for problem in result.problems:
            click.echo(f"        {problem}")

    results = write_oracles(
        policy, root, semgrep_settings("auto", 1, 30), only=controls, on_result=show
    )
    refused = [r for r in results if not r.converted]
    click.echo(
        f"{len(results) - len(refused)} case(s) converted, {len(refused)} refused"
        + ("" if results else " (no case uses the old form)")
    )
    return int(ExitCode.FAILED if refused else ExitCode.OK)


@policy_group.command("mutate")
@click.argument("pack", required=False, metavar="[PACK_DIR]")
@click.option(
    "--control", "controls", multiple=True, metavar="ID", help="Mutate only these controls."
)
@click.option(
    "--severity",
    type=click.Choice([level.label for level in Severity]),
    help="Mutate only controls of this severity or higher.",
)
@click.option(
    "--write",
    "write_to",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the survival rates and survivors as Markdown to this file.",
)
def mutate_command(
    pack: str | None, controls: tuple[str, ...], severity: str | None, write_to: Path | None
) -> int:
    """Remove each condition of each check in turn; report those no fixture case notices.

    Slow (one scan per fixture case and control, with every mutant of the control in it).
    Exit 0 when no mutation survives, 1 otherwise.
    """
    source = pack or BUILTIN
    policy = load_policy((source,), ANALYZERS)
    root = policies_dir() if source == BUILTIN else Path(source)

    def show(result: ControlMutations) -> None:
        label = result.control.id
        if result.problem:
            click.echo(f"SKIP     {label}: {result.problem}")
            return
        for verdict in result.survivors:
            click.echo(
                f"SURVIVED {label} {verdict.mutation.check_id}: {verdict.mutation.description}"
            )
        for verdict in result.verdicts:
            if verdict.outcome == "broken":
                click.echo(
                    f"BROKEN   {label} {verdict.mutation.check_id}: {verdict.mutation.description}"
                )
        click.echo(f"{label}: {len(result.survivors)}/{result.counted} mutation(s) survived")

    level = Severity[severity.upper()] if severity else None
    results = mutate_pack(
        policy,
        root,
        semgrep_settings("auto", 1, 30),
        ANALYZERS,
        only=controls,
        severity=level,
        on_control=show,
    )
    counted = sum(r.counted for r in results)
    alive = sum(len(r.survivors) for r in results)
    click.echo(f"{alive}/{counted} mutation(s) survived in {len(results)} control(s)")
    if write_to is not None:
        write_to.write_text(survival_table(results), encoding="utf-8")
    return int(ExitCode.FAILED if alive or any(r.problem for r in results) else ExitCode.OK)
