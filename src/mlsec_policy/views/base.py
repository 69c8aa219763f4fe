"""The view type shared by all view builders."""

from __future__ import annotations

from collections.abc import Iterable
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
class Omission:
    """A part of the original file that the view leaves out because it cannot be read."""

    line: int | None
    """1-based line of the original file where the part starts; None for the whole file."""
    reason: str
    """What was left out and why, for the report's list of skipped files and parts."""


@dataclass(frozen=True, slots=True)
class View:
    """Parseable text standing in for an original file."""

    text: str
    file_name: str
    """Name to give the scratch copy, so engines pick the right language (``x.py``)."""
    origins: tuple[LineOrigin, ...] | None = None
    """One entry per view line; None when view lines are the original lines."""
    omitted: tuple[Omission, ...] = ()
    """Parts of the original file the view leaves out (never checked), with the reason."""

    def origin(self, line: int) -> LineOrigin:
        """Return the original position of 1-based view ``line``."""
        if self.origins is None:
            return LineOrigin(line)
        if 1 <= line <= len(self.origins):
            return self.origins[line - 1]
        return self.origins[-1] if self.origins else LineOrigin(1)


def line_ranges(numbers: Iterable[int]) -> str:
    """Spell sorted line numbers compactly: ``line 4``, ``lines 2-3, 7``."""
    spans: list[list[int]] = []
    for number in sorted(set(numbers)):
        if spans and number == spans[-1][1] + 1:
            spans[-1][1] = number
        else:
            spans.append([number, number])
    text = ", ".join(f"{a}" if a == b else f"{a}-{b}" for a, b in spans)
    single = len(spans) == 1 and spans[0][0] == spans[0][1]
    return ("line " if single else "lines ") + text
