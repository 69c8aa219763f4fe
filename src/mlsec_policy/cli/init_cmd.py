"""``mlsec-policy init``: write a commented starter ``.mlsec-policy.yml`` for a repository."""

from __future__ import annotations

from pathlib import Path

import click

from mlsec_policy.analyzers import ANALYZERS
from mlsec_policy.cli.common import source_date_epoch
from mlsec_policy.config import CONFIG_NAMES
from mlsec_policy.config.starter import starter_config
from mlsec_policy.discover import discover
from mlsec_policy.errors import ExitCode, UsageError
from mlsec_policy.policy import BUILTIN, load_policy
from mlsec_policy.timeinfo import scan_time, today


@click.command("init")
@click.argument("path", type=click.Path(path_type=Path), default=".")
@click.option("--force", is_flag=True, help="Overwrite an existing configuration file.")
def init_command(path: Path, force: bool) -> int:
    """Write a starter .mlsec-policy.yml at the root of PATH (default: the current directory).

    It looks at what the repository holds (notebooks, Dockerfiles, Kubernetes manifests, model
    files, test fixtures) and writes a commented file with suggested excludes and examples of
    waivers and attestations, ready to edit and commit.
    """
    existing = [path / name for name in CONFIG_NAMES if (path / name).exists()]
    if existing and not force:
        raise UsageError(
            f"{existing[0]} already exists", hint="edit it, or pass --force to replace it"
        )
    inventory = discover(path)
    policy = load_policy((BUILTIN,), ANALYZERS)
    target = path / CONFIG_NAMES[0]
    day = today(scan_time(source_date_epoch()))
    target.write_text(starter_config(inventory, policy, day), encoding="utf-8")
    click.echo(f"wrote {target}; review it, then commit it")
    return int(ExitCode.OK)
