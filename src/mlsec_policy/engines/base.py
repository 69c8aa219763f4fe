"""What every engine shares: the workspace it reads from and the output it returns."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TypeVar

from mlsec_policy.models import Hit, Inventory, ScanError, SkippedFile
from mlsec_policy.policy.model import CheckBase

CheckT_contra = TypeVar("CheckT_contra", bound=CheckBase, contravariant=True)
"""The type of check an engine runs (semgrep checks, native checks)."""


@dataclass(frozen=True, slots=True)
class EngineOutput:
    """Hits, problems and left-out parts of files produced by one engine run."""

    hits: tuple[Hit, ...] = ()
    errors: tuple[ScanError, ...] = ()
    version: str | None = None
    """The version the engine's tool reported, when it ran one (semgrep)."""
    skipped: tuple[SkippedFile, ...] = ()
    """Files, or parts of files, the engine found it could not read as their kind claims
    (a template that is not YAML even neutralised, a notebook cell that is not Python)."""
    examined: tuple[str, ...] = ()
    """The files the engine read (semgrep: the targets it was given), sorted."""


@dataclass(frozen=True, slots=True)
class Workspace:
    """Where an engine may read the target and write scratch files."""

    root: Path
    """The scanned root (absolute). Read only."""
    scratch: Path
    """A private temporary directory, removed after the scan."""


class CheckEngine(Protocol[CheckT_contra]):
    """Runs every check of one engine type in a single pass over the inventory."""

    name: str

    def run(
        self, checks: Sequence[CheckT_contra], inventory: Inventory, workspace: Workspace
    ) -> EngineOutput:
        """Run ``checks`` over ``inventory`` and return what was found and what failed."""
        ...
