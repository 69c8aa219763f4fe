"""``mlsec-policy policy test``: run a pack's fixtures, like ``semgrep --test``."""

from __future__ import annotations

from pathlib import Path

import click

from mlsec_policy.analyzers import params_schemas
from mlsec_policy.cli.common import semgrep_settings
from mlsec_policy.errors import ExitCode
from mlsec_policy.policy import BUILTIN, load_policy
from mlsec_policy.policytest import (
    RATIO,
    RULE_TIMEOUT,
    CaseOutcome,
    budget_lines,
    coverage_gaps,
    measure_budget,
    pack_controls,
    run_pack,
    run_selftest,
)
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
    """
    source = pack or BUILTIN
    policy = load_policy((source,), params_schemas())
    root = policies_dir() if source == BUILTIN else Path(source)

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
    gaps = {} if controls or not require_fixtures else coverage_gaps(policy, root)
    for control_id, lacking in sorted(gaps.items()):
        click.echo(f"GAP   {control_id} has no {lacking}")
    click.echo(
        f"{len(outcomes) - len(failed)}/{len(outcomes)} cases passed"
        + (f"; {len(gaps)} control(s) lack fixtures" if gaps else "")
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
    failures = failed or gaps or not annotations_ok or not budget_ok
    return int(ExitCode.FAILED if failures else ExitCode.OK)
