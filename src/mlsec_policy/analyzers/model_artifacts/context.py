"""What every format scanner receives: limits, where the file sits, and the way back to dispatch."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from mlsec_policy.analyzers.model_artifacts.issues import Issue
from mlsec_policy.analyzers.model_artifacts.source import Budget, MiB, Source

GiB = 1024 * MiB


@dataclass(frozen=True, slots=True)
class Limits:
    """How deep and how much a scan of one file may go before it stops and says so."""

    max_depth: int = 5
    """Archive and compression levels entered (a zip in a zip is 2)."""
    inflate_cap: int = 1 * GiB
    """Most bytes one compressed member may decompress to."""
    budget: int = 4 * GiB
    """Most bytes all decompression in one scanned file may produce."""
    spool_cap: int = 512 * MiB
    """Largest nested archive copied to a temporary file for random access."""


Dispatch = Callable[[Source, str, str, int, "Context"], list[Issue]]
"""(source, name, member path, depth, context) → issues: scans any nested content."""


@dataclass(frozen=True, slots=True)
class Context:
    """The scan of one top-level file."""

    limits: Limits
    dispatch: Dispatch
    directory: Path | None = None
    """The folder holding the top-level file (for ONNX external data), when on disk."""
    root: Path | None = None
    """The scanned root: external data may not leave it."""
    budget: Budget = field(default_factory=lambda: Budget(4 * GiB), compare=False)

    def nested(self, source: Source, name: str, member: str, depth: int) -> list[Issue]:
        """Scan nested content one level deeper."""
        return self.dispatch(source, name, member, depth, self)
