"""Saved outputs that show personal data or error tracebacks (MLSEC-NB-03).

Personal data is graded by context as in datasets (placeholders, role mailboxes, ids and sums
set aside below ``min-confidence``); an error output or a traceback on stderr is reported once
per cell. What an output reveals about the author's machine and accounts is the
``notebook-output-environment`` analyzer's concern (:mod:`.outputs`).
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Literal

from mlsec_policy.analyzers.base import FileContext, Observation
from mlsec_policy.analyzers.notebooks.common import read_cells
from mlsec_policy.analyzers.patterns.pii import Confidence, find_pii
from mlsec_policy.analyzers.patterns.pii_tally import PiiLedger, describe, severity
from mlsec_policy.analyzers.read.notebook import NbCell, NbLine
from mlsec_policy.analyzers.read.organisation import organisation
from mlsec_policy.models import Location, NotebookCell, Severity

BLOCK_CHARS = 20_000
"""Output text examined at once for personal data (context crosses lines, not blocks)."""


@dataclass(frozen=True, slots=True)
class OutputLeaks:
    """Parameters of ``notebook-output-leaks``."""

    min_confidence: Literal["low", "medium", "high"] = "medium"
    """The lowest confidence a personal-data match needs to be reported."""


def notebook_output_leaks(context: FileContext, params: OutputLeaks) -> Iterable[Observation]:
    """Yield tracebacks and personal data found in saved outputs."""
    threshold = Confidence.parse(params.min_confidence)
    for cell in read_cells(context):
        for output in cell.outputs:
            if output.output_type == "error" or (
                output.name == "stderr"
                and any("Traceback (most recent call last)" in line.text for line in output.lines)
            ):
                yield Observation(
                    Location(
                        context.artifact.path, output.raw_line, cell=NotebookCell(cell.index, 1)
                    ),
                    message=f"an output of cell {cell.index} holds an error traceback, which "
                    "can expose file paths, user names, hosts and data values; clear it",
                    severity=Severity.LOW,
                    key=f"traceback:{cell.index}",
                )
            if output.output_type in {"stream", "error"} or output.name == "text/plain":
                yield from _pii(context, cell, output.lines, threshold)  # not HTML/JS: digits


def _pii(
    context: FileContext, cell: NbCell, lines: tuple[NbLine, ...], threshold: Confidence
) -> Iterator[Observation]:
    owner = organisation(context.root)
    ledger = PiiLedger(threshold)
    for first, offsets, block in _blocks(lines):
        for match in find_pii(block, own_domains=owner.domains, own_names=owner.names):
            index = first + bisect.bisect_right(offsets, match.start) - 1
            ledger.add(match, lines[index].raw_line)
    for kind, tally in ledger.findings():
        where = next(line for line in lines if line.raw_line == tally.line)
        yield Observation(
            Location(context.artifact.path, tally.line, cell=where.cell),
            message=f"an output of cell {cell.index} shows personal data: "
            f"{describe(kind, tally)}; clear the output and mask personal data before printing it",
            severity=severity(kind, tally),
            key=f"pii:{kind.name}",
        )


def _blocks(lines: tuple[NbLine, ...]) -> Iterator[tuple[int, list[int], str]]:
    """Yield runs of output lines joined into one text, so context spans neighbouring lines.

    Each run is (index of its first line, offset of each line in the text, the text).
    """
    first, size = 0, 0
    offsets: list[int] = []
    parts: list[str] = []
    for index, line in enumerate(lines):
        if parts and size + len(line.text) > BLOCK_CHARS:
            yield first, offsets, "\n".join(parts)
            first, offsets, parts, size = index, [], [], 0
        offsets.append(size)
        parts.append(line.text.rstrip("\n"))
        size += len(parts[-1]) + 1
    if parts:
        yield first, offsets, "\n".join(parts)
