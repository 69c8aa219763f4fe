"""The options every scanning command shares, and how they merge with ``.mlsec-policy.yml``.

Precedence: a command-line option wins over the configuration file, which wins over the
defaults. ``--policy`` replaces the configured packs; ``--exclude`` and ``--disable`` add to the
configured lists; ``--no-inline-suppressions`` and ``--fail-on-attestation`` can only tighten;
``--non-product`` replaces the configured mode.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import click

from mlsec_policy.cli.common import (
    hash_cache_file,
    result_cache,
    semgrep_settings,
    source_date_epoch,
)
from mlsec_policy.config import RepoConfig, find_config, load_config
from mlsec_policy.errors import ConfigError, ConfigErrors
from mlsec_policy.models import NonProduct, Severity
from mlsec_policy.options import DEFAULT_CACHE_MB, ScanOptions
from mlsec_policy.pathclass import PathClasses
from mlsec_policy.suppress import baseline
from mlsec_policy.timeinfo import scan_time, today

SEVERITIES = [s.label for s in Severity]
F = TypeVar("F", bound=Callable[..., Any])


def scan_options(command: F) -> F:
    """Add the options shared by ``scan``, ``hook`` and ``baseline create`` to a command."""
    decorators = [
        click.option(
            "--policy",
            "policies",
            multiple=True,
            metavar="DIR",
            help="Policy pack directory, or 'builtin'. Repeatable. Default: the packs of the "
            "configuration file, else the bundled pack. A pack whose pack.yaml says "
            "'extends: [builtin]' adds to the bundled pack.",
        ),
        click.option(
            "--config",
            "config_file",
            metavar="FILE",
            help="Repository configuration to use. Default: .mlsec-policy.yml at the root of "
            "PATH, when there is one.",
        ),
        click.option("--no-config", is_flag=True, help="Ignore any repository configuration file."),
        click.option(
            "--exclude",
            "excludes",
            multiple=True,
            metavar="GLOB",
            help="gitignore-style pattern of paths to leave out (added to the configured "
            "ones). Repeatable.",
        ),
        click.option(
            "--fail-on",
            type=click.Choice(SEVERITIES),
            default=None,
            help="Lowest severity of a failing control that makes the exit code 1. "
            "Default: the configuration's 'fail-on', else low.",
        ),
        click.option(
            "--fail-on-attestation",
            is_flag=True,
            help="Also fail when an attestation is missing or expired (release branches).",
        ),
        click.option(
            "--disable",
            "disabled",
            multiple=True,
            metavar="CONTROL-ID",
            help="Leave a control out of this scan. Repeatable.",
        ),
        click.option(
            "--non-product",
            type=click.Choice([mode.value for mode in NonProduct]),
            default=None,
            help="Findings in test, example and docs paths: 'mark' keeps them, marked, "
            "without failing the scan; 'gate' counts them; 'hide' leaves them out. Default: "
            "the configuration's 'non-product: mode', else mark.",
        ),
        click.option(
            "--no-inline-suppressions",
            is_flag=True,
            help="Ignore every 'mlsec-policy: ignore[...]' comment (for CI that a comment "
            "must not bypass). Waivers still apply.",
        ),
        click.option(
            "--semgrep-mode",
            type=click.Choice(["auto", "osemgrep", "pysemgrep"]),
            default="auto",
            show_default=True,
            help="How to run semgrep: its fast 'osemgrep' start, the classic CLI, "
            "or osemgrep with a fallback to the classic CLI.",
        ),
        click.option(
            "--jobs",
            type=click.IntRange(1, 64),
            default=lambda: min(os.cpu_count() or 1, 8),
            show_default="the number of CPUs, at most 8",
            help="Parallel semgrep jobs.",
        ),
        click.option(
            "--timeout",
            type=click.IntRange(1, 3600),
            default=30,
            show_default=True,
            help="Seconds semgrep may spend on one rule in one file before giving up on it.",
        ),
        click.option(
            "--hash-cache/--no-hash-cache",
            default=True,
            show_default=True,
            help="Remember file digests between scans (keyed by path, size and mtime); "
            "MLSEC_POLICY_CACHE_DIR sets the folder, MLSEC_POLICY_HASH_CACHE=off turns it off.",
        ),
        click.option(
            "--cache/--no-cache",
            "result_cache",
            default=True,
            show_default=True,
            help="Keep each file's results between scans, keyed by its content, the checks "
            "that ran on it and the tool versions; a re-scan runs the engines only on files "
            "whose key is new. The reports are the same either way.",
        ),
        click.option(
            "--cache-dir",
            metavar="DIR",
            default=None,
            help="Folder of the result cache. Default: MLSEC_POLICY_CACHE_DIR, else "
            "$XDG_CACHE_HOME/mlsec-policy, else ~/.cache/mlsec-policy.",
        ),
        click.option(
            "--cache-max-mb",
            type=click.IntRange(1, 1024 * 1024),
            default=DEFAULT_CACHE_MB,
            show_default=True,
            help="Size bound of the result cache in MiB; least recently used entries go first.",
        ),
    ]
    for decorator in reversed(decorators):
        command = decorator(command)
    return command


@dataclass(frozen=True, slots=True)
class ScanArgs:
    """The shared options as the command line gave them."""

    policies: tuple[str, ...] = ()
    config_file: str | None = None
    no_config: bool = False
    excludes: tuple[str, ...] = ()
    fail_on: str | None = None
    fail_on_attestation: bool = False
    disabled: tuple[str, ...] = ()
    no_inline_suppressions: bool = False
    non_product: str | None = None
    semgrep_mode: str = "auto"
    jobs: int = 2
    timeout: int = 30
    hash_cache: bool = True
    result_cache: bool = True
    cache_dir: str | None = None
    cache_max_mb: int = DEFAULT_CACHE_MB

    @classmethod
    def pop(cls, values: dict[str, Any]) -> ScanArgs:
        """Take the shared options out of a command's keyword arguments."""
        names = [name for name in cls.__dataclass_fields__ if name in values]
        return cls(**{name: values.pop(name) for name in names})


def build_options(
    path: Path,
    args: ScanArgs,
    *,
    baseline_file: str | None = None,
    diff_base: str | None = None,
    only_paths: tuple[str, ...] = (),
    progress: Callable[[str], None] | None = None,
    notice: Callable[[str], None] | None = None,
    tick: Callable[[int, int], None] | None = None,
) -> ScanOptions:
    """Return the scan options: the command line merged over the repository configuration."""
    epoch = source_date_epoch()
    config = read_config(path, args, today(scan_time(epoch)))
    policies = args.policies or (config.policies if config and config.policies else ())
    if args.fail_on is not None:
        fail_on = Severity.parse(args.fail_on)
    else:
        fail_on = config.fail_on if config and config.fail_on else Severity.LOW
    inline = not args.no_inline_suppressions and (
        config is None or config.inline_suppressions is not False
    )
    if args.non_product is not None:
        non_product = NonProduct(args.non_product)
    else:
        non_product = config.non_product if config and config.non_product else NonProduct.MARK
    return ScanOptions(
        target=path,
        display_target=str(path),
        policies=policies or ("builtin",),
        excludes=(*(config.excludes if config else ()), *args.excludes),
        fail_on=fail_on,
        semgrep=semgrep_settings(args.semgrep_mode, args.jobs, args.timeout),
        source_date_epoch=epoch,
        disable=tuple(dict.fromkeys((*(config.disable if config else ()), *args.disabled))),
        severity_overrides=dict(config.severity_overrides) if config else {},
        attestations={a.control_id: a for a in config.attestations} if config else {},
        fail_on_attestation=args.fail_on_attestation or bool(config and config.fail_on_attestation),
        progress=progress,
        tick=tick,
        notice=notice,
        config=config,
        waivers=config.waivers if config else (),
        inline_suppressions=inline,
        baseline=read_baseline(baseline_file) if baseline_file else None,
        diff_base=diff_base,
        only_paths=only_paths,
        hash_cache=hash_cache_file(args.hash_cache),
        cache=result_cache(args.result_cache, args.cache_dir, args.cache_max_mb),
        non_product=non_product,
        path_classes=config.path_classes if config else PathClasses(),
    )


def read_config(path: Path, args: ScanArgs, day: date) -> RepoConfig | None:
    """Return the configuration to use: ``--config``, else the target's own, else None."""
    if args.no_config:
        return None
    if args.config_file:
        return load_config(Path(args.config_file), day, display=args.config_file)
    found = find_config(path)
    if found is None:
        return None
    return load_config(found, day, display=found.relative_to(path).as_posix())


def read_baseline(file: str) -> baseline.Baseline:
    """Read a baseline file; a missing or unreadable one is a usage error (exit 2)."""
    try:
        text = Path(file).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise ConfigErrors(
            [
                ConfigError(
                    f"cannot read the baseline: {reason}",
                    path=file,
                    hint="create it with: mlsec-policy baseline create --output " + file,
                )
            ]
        ) from None
    return baseline.parse(text, file)
