"""What marks an ML tool behind a port: the parameters the exposed-tools analyzers share."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ExposedTools:
    """Parameters of ``compose-exposed-tools`` and ``k8s-exposed-tools``."""

    ports: tuple[int, ...] = ()
    """Container ports ML tools listen on (MLflow 5000, Jupyter 8888...)."""
    names: str | None = None
    """A regular expression over image, service and port names that says "an ML tool"."""

    def name_pattern(self) -> re.Pattern[str] | None:
        """Return ``names`` compiled case-insensitively, or None when there is none."""
        return re.compile(self.names, re.IGNORECASE) if self.names is not None else None
