"""``mlsec-policy policy digest``: the digest of the policy a scan of PATH would use.

CI caches key the result cache folder by it (``action.yml``, ``examples/ci/gitlab-ci.yml``):
a new policy starts a new cache instead of carrying the old one's entries along.
"""

from __future__ import annotations

from pathlib import Path

import click

from mlsec_policy import __version__
from mlsec_policy.cli.scan_setup import ScanArgs, build_options
from mlsec_policy.errors import ExitCode
from mlsec_policy.scan import load


@click.command("digest")
@click.argument("path", default=".", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--policy", "policies", multiple=True, metavar="DIR", help="As for scan.")
@click.option("--config", "config_file", metavar="FILE", help="As for scan.")
@click.option("--no-config", is_flag=True, help="As for scan.")
@click.option(
    "--with-version", is_flag=True, help="Prefix the digest with our version ('0.1.0-sha256:…')."
)
def digest_command(
    path: Path,
    policies: tuple[str, ...],
    config_file: str | None,
    no_config: bool,
    with_version: bool,
) -> int:
    """Print the digest of the policy a scan of PATH would load.

    It is the report's policy.digest; PATH's configuration is read as scan reads it.
    """
    args = ScanArgs(policies=policies, config_file=config_file, no_config=no_config)
    digest = load(build_options(path, args)).digest
    click.echo(f"{__version__}-{digest}" if with_version else digest)
    return int(ExitCode.OK)
