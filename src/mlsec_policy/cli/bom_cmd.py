"""``mlsec-policy bom``: write the ML-BOM of a repository; ``bom diff``: compare two BOMs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from mlsec_policy.bom.build import Built, build
from mlsec_policy.bom.cyclonedx import dumps
from mlsec_policy.bom.diff import compare, render_diff
from mlsec_policy.bom.parts import Kind
from mlsec_policy.cache import ResultStore
from mlsec_policy.cache.digests import content_digests
from mlsec_policy.cli.common import source_date_epoch, write_output
from mlsec_policy.discover import discover
from mlsec_policy.errors import UsageError
from mlsec_policy.models import Inventory
from mlsec_policy.options import CacheSettings
from mlsec_policy.timeinfo import iso, scan_time


class _DefaultCreate(click.Group):
    """A group whose first argument, when it is not a subcommand, is the PATH of ``create``."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        """Route ``bom PATH ...`` (and ``bom -o FILE``) to ``bom create``."""
        if not args or (args[0] not in self.commands and args[0] not in {"--help", "-h"}):
            args = ["create", *args]
        return super().parse_args(ctx, args)


@click.group("bom", cls=_DefaultCreate)
def bom_group() -> None:
    """Write a CycloneDX 1.6 ML-BOM of PATH (``bom PATH -o FILE``), or compare two BOMs."""


@bom_group.command("create")
@click.argument("path", type=click.Path(path_type=Path), default=".")
@click.option(
    "-o", "--output", default="-", metavar="FILE", help="Write the BOM to FILE ('-': stdout)."
)
@click.option("--exclude", multiple=True, metavar="GLOB", help="Leave out matching paths.")
def create_command(path: Path, output: str, exclude: tuple[str, ...]) -> None:
    """Write the ML-BOM of PATH: models, datasets, hub references, packages, base images.

    Nothing from the repository runs. SOURCE_DATE_EPOCH pins the timestamp; the serial number
    is derived from the content, so the same tree gives the same bytes.
    """
    inventory = discover(path, exclude)
    built = write_bom(path, inventory, output)
    click.echo(summary(built, output), err=True)


def write_bom(
    path: Path, inventory: Inventory, output: str, cache: CacheSettings | None = None
) -> Built:
    """Build the BOM of ``path`` from ``inventory`` and write it to ``output``.

    With a ``cache``, files' SHA-256 come from the result cache's read-once digests: a tracked
    model file another scan sharing the cache has hashed is not read again for its hash.
    """
    timestamp = iso(scan_time(source_date_epoch()))
    if cache is None:
        built = build(path, inventory, timestamp=timestamp)
    else:
        store = ResultStore(cache.directory, cache.max_bytes)
        digests = content_digests(store, Path(inventory.root))
        built = build(path, inventory, timestamp=timestamp, sha256=digests.sha256)
        store.close()
    write_output(output, dumps(built.bom))
    return built


def summary(built: Built, output: str) -> str:
    """Return the one-line account of what the BOM holds."""
    counts = {kind: sum(1 for p in built.parts if p.kind is kind) for kind in Kind}
    snapshot = next(
        (
            p["value"]
            for p in built.bom["metadata"]["properties"]
            if p["name"].endswith(":snapshot")
        ),
        "none",
    )
    where = "standard output" if output == "-" else output
    return (
        f"ML-BOM: {counts[Kind.MODEL]} model(s), {counts[Kind.DATA]} dataset(s), "
        f"{counts[Kind.LIBRARY]} package(s), {counts[Kind.CONTAINER]} base image(s); "
        f"{built.vulnerable} known-vulnerable match(es) (advisory snapshot {snapshot}) "
        f"-> {where}"
    )


@bom_group.command("diff")
@click.argument("old", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.argument("new", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the changes as JSON.")
def diff_command(old: Path, new: Path, as_json: bool) -> int:
    """Print the models, datasets, revisions and packages added, removed or changed.

    Exits 1 when anything changed, 0 when nothing did.
    """
    changes = compare(_load(old), _load(new))
    if as_json:
        click.echo(json.dumps(changes, indent=2, sort_keys=True))
    else:
        click.echo(render_diff(changes), nl=False)
    return 1 if any(changes.values()) else 0


def _load(path: Path) -> dict[str, Any]:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise UsageError(f"cannot read {path} as a JSON BOM: {exc}") from None
    if not isinstance(document, dict) or document.get("bomFormat") != "CycloneDX":
        raise UsageError(f"{path} is not a CycloneDX BOM (no bomFormat: CycloneDX)")
    return document
