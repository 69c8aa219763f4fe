"""Saved outputs: committed without stripping, and what they reveal about the author (NB-01).

- ``notebook-outputs``: a notebook saved with outputs when no output stripping (nbstripout as
  a pre-commit hook or git filter) is configured. It is a hygiene finding about the
  repository, not about one notebook: every notebook gives the same group key, so a scan
  reports it once, at the first notebook in product code, the others as related places;
- ``notebook-output-environment``: outputs that show where and as whom the notebook ran — a
  home folder with a user name, a cloud account or project id, an experiment-tracker URL with
  an account name, an internal host name (:mod:`..patterns.environment`). One finding per
  notebook and kind of detail, at the first output line that shows it; none when output
  stripping is configured (the committed notebook has no outputs).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from pathlib import PurePosixPath

from mlsec_policy.analyzers.base import FileContext, Observation
from mlsec_policy.analyzers.notebooks.common import read_cells
from mlsec_policy.analyzers.params import NoParams
from mlsec_policy.analyzers.patterns.environment import Detail, EnvMatch, find_environment
from mlsec_policy.analyzers.read.notebook import NbLine
from mlsec_policy.models import Location, NotebookCell

STRIP_CONFIG = (".pre-commit-config.yaml", ".gitattributes", ".git/info/attributes")
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
MAX_LINE = 20_000
"""Characters of one output line examined (a line of serialised data can be megabytes)."""


def notebook_outputs(context: FileContext, params: NoParams) -> Iterable[Observation]:
    """Yield one observation per notebook saved with outputs, unless stripping is configured."""
    cells = read_cells(context)
    with_outputs = [c for c in cells if c.output_count]
    if not with_outputs or _stripping_configured(context):
        return
    first = with_outputs[0]
    line = first.output_line or first.raw_line
    yield Observation(
        Location(context.artifact.path, line, cell=NotebookCell(first.index, 1)),
        message="notebooks are committed with their outputs and no output stripping is "
        f"configured; this one keeps the outputs of {len(with_outputs)} cell(s)",
        key="outputs",
        group="outputs",
    )


def _stripping_configured(context: FileContext) -> bool:
    folder = PurePosixPath(context.artifact.path).parent
    candidates = list(STRIP_CONFIG)
    candidates += [f"{p}/.gitattributes" for p in (folder, *folder.parents)]
    for path in candidates:
        text = context.other_text(path)
        if text is None:
            continue
        text = text[:200_000]
        if re.search(r"nbstripout|jupyter-nb-clear-output|nb-clean|filter=jupyter", text):
            return True
    return False


def notebook_output_environment(context: FileContext, params: NoParams) -> Iterable[Observation]:
    """Yield, per kind of detail, the first output line showing the author's environment.

    Nothing is reported when output stripping is configured: what is committed has no outputs.
    """
    cells = read_cells(context)
    if not any(c.output_count for c in cells) or _stripping_configured(context):
        return
    found: dict[Detail, list[tuple[int, NbLine, EnvMatch]]] = defaultdict(list)
    for cell in cells:
        for output in cell.outputs:
            for line in output.lines:
                text = _ANSI.sub("", line.text[:MAX_LINE])
                found_here = {m.detail: m for m in reversed(list(find_environment(text)))}
                for detail, match in found_here.items():
                    found[detail].append((cell.index, line, match))
    for detail in Detail:
        if detail not in found:
            continue
        hits = found[detail]
        first_cell, line, match = hits[0]
        more = len({index for index, _, _ in hits}) - 1
        also = f", and in {more} more cell(s)" if more else ""
        yield Observation(
            Location(context.artifact.path, line.raw_line, cell=line.cell),
            message=f"the output of cell {first_cell} shows {detail.value} "
            f"({match.example}){also}: it tells readers where and as whom the notebook ran; "
            f"clear the output, and {detail.advice}",
            key=f"environment:{detail.name.lower()}",
        )
