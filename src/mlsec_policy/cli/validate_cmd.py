"""``mlsec-policy validate``: load and check policy packs without scanning anything."""

from __future__ import annotations

import click

from mlsec_policy.analyzers import ANALYZERS
from mlsec_policy.cli.common import semgrep_settings
from mlsec_policy.engines.semgrep import check_rules
from mlsec_policy.errors import ExitCode
from mlsec_policy.frameworks import load_frameworks
from mlsec_policy.policy import BUILTIN, load_policy
from mlsec_policy.report import integrity


@click.command("validate")
@click.argument("packs", nargs=-1, metavar="[PACK_DIR]...")
@click.option(
    "--no-semgrep",
    is_flag=True,
    help="Skip compiling the semgrep rules (schema and cross-checks still run).",
)
def validate_command(packs: tuple[str, ...], no_semgrep: bool) -> int:
    """Validate policy packs (default: the bundled pack); exit 0 when valid, 2 otherwise.

    Reports every problem as path:line:column with a hint: schema violations, misspelt keys,
    unknown phases and risk codes, duplicate ids, unknown analyzers, semgrep rules that
    semgrep rejects, and framework files whose mappings name unknown controls.
    """
    policy = load_policy(packs or (BUILTIN,), ANALYZERS)
    if not no_semgrep:
        check_rules(policy, semgrep_settings("auto", 1, 30))
    frameworks = load_frameworks(policy)
    checks = sum(len(c.checks) for c in policy.controls)
    for pack in policy.packs:
        click.echo(f"ok: {pack.name} {pack.version} ({pack.source}) pack digest {pack.digest}")
    click.echo(f"{len(policy.controls)} controls, {checks} checks: valid")
    requirements = sum(len(f.requirements) for f in frameworks.by_id.values())
    click.echo(f"{len(frameworks.by_id)} frameworks, {requirements} requirements: valid")
    click.echo(integrity.explained(integrity.POLICY_DIGEST, policy.digest))
    pack_meaning = integrity.MEANING[integrity.PACK_DIGEST]
    click.echo(f"  (each {integrity.PACK_DIGEST} is the {pack_meaning})")
    return int(ExitCode.OK)
