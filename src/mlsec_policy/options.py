"""The options a scan runs with, gathered once by the command line and passed down."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from mlsec_policy.engines.semgrep_run import SemgrepSettings
from mlsec_policy.models import Attestation, Severity


@dataclass(frozen=True, slots=True)
class ScanOptions:
    """Everything that decides what a scan does. Only the CLI reads the environment."""

    target: Path
    display_target: str = ""
    """The target as the user typed it, for reports (defaults to the path)."""
    policies: tuple[str, ...] = ("builtin",)
    excludes: tuple[str, ...] = ()
    fail_on: Severity = Severity.LOW
    semgrep: SemgrepSettings = field(default_factory=SemgrepSettings)
    source_date_epoch: int | None = None
    """Pins every timestamp (reproducible reports)."""
    disable: tuple[str, ...] = ()
    severity_overrides: Mapping[str, Severity] = field(default_factory=dict)
    attestations: Mapping[str, Attestation] = field(default_factory=dict)
    only_controls: tuple[str, ...] = ()
    """When set, evaluate only these controls (used by ``policy test``)."""
    fail_on_attestation: bool = False
    hash_cache: Path | None = None
    """File where file digests are cached between scans (None: no cache)."""
    progress: Callable[[str], None] | None = None
    """Called with a short message as each stage starts."""
