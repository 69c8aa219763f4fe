"""The repository configuration as read from ``.mlsec-policy.yml``: validated, located values."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from mlsec_policy.models import Attestation, NonProduct, Severity, Waiver
from mlsec_policy.pathclass import PathClasses

CONFIG_NAMES = (".mlsec-policy.yml", ".mlsec-policy.yaml")
"""File names looked for at the root of a scanned target."""

DEFAULT_WAIVER_MAX_DAYS = 365
"""How far ahead a waiver may expire unless the configuration says otherwise."""


class RefRole(StrEnum):
    """Which part of the configuration names a control."""

    DISABLE = "disable"
    OVERRIDE = "overrides"
    WAIVER = "waiver"
    ATTESTATION = "attestation"


@dataclass(frozen=True, slots=True)
class ControlRef:
    """A place in the configuration that names a control, for errors that point at the line."""

    control_id: str
    role: RefRole
    line: int | None
    column: int | None


@dataclass(frozen=True, slots=True)
class RepoConfig:
    """Everything a repository configuration file says; ``None`` means "not set here"."""

    path: Path
    """The file, absolute."""
    display: str
    """The file as reports name it (relative to the target when inside it)."""
    policies: tuple[str, ...] = ()
    """Packs to apply (``builtin`` or absolute directories); empty = not set."""
    disable: tuple[str, ...] = ()
    severity_overrides: Mapping[str, Severity] = field(default_factory=dict)
    excludes: tuple[str, ...] = ()
    fail_on: Severity | None = None
    fail_on_attestation: bool | None = None
    inline_suppressions: bool | None = None
    non_product: NonProduct | None = None
    """What to do with findings in test, example and docs paths (None: not set here)."""
    path_classes: PathClasses = field(default_factory=PathClasses)
    """How test, example and docs paths are recognised."""
    waiver_max_days: int = DEFAULT_WAIVER_MAX_DAYS
    waivers: tuple[Waiver, ...] = ()
    attestations: tuple[Attestation, ...] = ()
    exclusions: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    """Framework id to the requirement ids that do not apply, each with its justification."""
    refs: tuple[ControlRef, ...] = ()
    """Every control id the file names, with its position."""
