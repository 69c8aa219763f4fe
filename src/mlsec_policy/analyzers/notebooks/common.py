"""What the notebook analyzers share: reading a notebook, or saying why it cannot be read."""

from __future__ import annotations

from mlsec_policy.analyzers.base import FileContext
from mlsec_policy.analyzers.read.notebook import (
    NbCell,
    NotebookError,
    read_notebook,
    unreadable_notebook,
)


def read_cells(context: FileContext) -> list[NbCell]:
    """Return the notebook's cells; raise AnalyzerError (a scan error) when it is broken."""
    try:
        return read_notebook(context.read_text())
    except NotebookError as exc:
        raise unreadable_notebook(exc.message, exc.line) from None
