"""The view type shared by all view builders."""

from __future__ import annotations

from dataclasses import dataclass

from mlsec_policy.models import NotebookCell


class ViewError(Exception):
    """The original file cannot be turned into a view (for example, a broken notebook)."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


@dataclass(frozen=True, slots=True)
class LineOrigin:
    """Where one line of a view comes from."""

    line: int
    """1-based line in the original file."""
    cell: NotebookCell | None = None


@dataclass(frozen=True, slots=True)
class View:
    """Parseable text standing in for an original file."""

    text: str
    file_name: str
    """Name to give the scratch copy, so engines pick the right language (``x.py``)."""
    origins: tuple[LineOrigin, ...] | None = None
    """One entry per view line; None when view lines are the original lines."""

    def origin(self, line: int) -> LineOrigin:
        """Return the original position of 1-based view ``line``."""
        if self.origins is None:
            return LineOrigin(line)
        if 1 <= line <= len(self.origins):
            return self.origins[line - 1]
        return self.origins[-1] if self.origins else LineOrigin(1)
