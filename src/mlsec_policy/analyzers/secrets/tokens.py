"""Hard-coded credentials in any text file, notebooks included (sources and outputs).

The file's text is matched against :mod:`..patterns.secrets`, one pass per rule. Notebooks are
read cell by cell so that a token printed in an output is reported at the ``.ipynb`` line
and at its cell; image and other binary outputs are never scanned (base64 payloads are the
classic false positive), and inline ``data:…;base64,`` URIs are blanked in every file. A
broken notebook is scanned as raw text, so its secrets are still found. Snippets carry the
line with every secret masked.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from mlsec_policy.analyzers.base import AnalyzerSpec, FileContext, Observation
from mlsec_policy.analyzers.params import NO_PARAMS, NoParams
from mlsec_policy.analyzers.patterns.secrets import scan_text
from mlsec_policy.analyzers.read.notebook import NotebookError, read_notebook
from mlsec_policy.models import ArtifactKind, Location, NotebookCell
from mlsec_policy.redact import redact

MAX_TEXT = 16 * 1024 * 1024
SNIPPET = 160
ALLOW = "pragma: allowlist secret"
"""detect-secrets' inline marker, honoured so teams can move over without re-marking lines."""
DATA_URI = re.compile(r"data:[\w/+.\-]+;base64,[A-Za-z0-9+/=]{16,}")
TEXT_KINDS = frozenset(ArtifactKind) - {ArtifactKind.MODEL_ARTIFACT, ArtifactKind.DATA_FILE}

_Line = tuple[str, int, NotebookCell | None, str]
"""(text, raw line, cell, where: ``source``/``output``/``text``)."""


def secret_tokens(context: FileContext, params: NoParams) -> Iterable[Observation]:
    """Yield one observation per credential found in the file."""
    if context.artifact.size > MAX_TEXT:
        return
    data = context.read_bytes()
    if b"\0" in data[:8192]:
        return  # a binary file that happens to have a text-like name
    text = data.decode("utf-8", errors="replace")
    lines = list(_lines(context, text))
    joined = DATA_URI.sub("data:…", "\n".join(line for line, _, _, _ in lines))
    for index, match in scan_text(joined):
        _, raw_line, cell, where = lines[index]
        if ALLOW in lines[index][0]:
            continue
        column = match.start + 1 if cell is None else None
        end = match.end + 1 if cell is None else None
        location = Location(
            context.artifact.path, raw_line, column, raw_line if column else None, end, cell
        )
        place = f" in an output of cell {cell.index}" if where == "output" and cell else ""
        yield Observation(
            location,
            message=f"{match.rule.title} is written in the file{place}; "
            "treat it as leaked: revoke it and load the value from the environment "
            "or a secret store",
            severity=match.severity,
            snippet=_snippet(match.masked_line, match.start),
            key=match.rule.id,
        )


def _lines(context: FileContext, text: str) -> Iterator[_Line]:
    if context.artifact.kind is ArtifactKind.NOTEBOOK:
        try:
            cells = read_notebook(text)
        except NotebookError:
            cells = None
        if cells is not None:
            for cell in cells:
                for line in cell.source:
                    yield line.text, line.raw_line, line.cell, "source"
                for output in cell.outputs:
                    for line in output.lines:
                        yield line.text, line.raw_line, line.cell, "output"
            return
    for number, text_line in enumerate(text.splitlines(), start=1):
        yield text_line, number, None, "text"


def _snippet(masked: str, start: int) -> str:
    """Return up to SNIPPET characters of the masked line around the secret, redacted again."""
    begin = max(0, start - SNIPPET // 2)
    piece = masked[begin : begin + SNIPPET].strip()
    prefix = "… " if begin > 0 else ""
    suffix = " …" if begin + SNIPPET < len(masked) else ""
    return redact(prefix + piece + suffix)


SPEC = AnalyzerSpec(
    name="secret-tokens",
    description="Credentials with known formats (tokens, keys, URL passwords) in any text file.",
    kinds=TEXT_KINDS,
    params=NO_PARAMS,
    file=secret_tokens,
)
