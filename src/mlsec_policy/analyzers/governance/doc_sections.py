"""Governance documents (model cards, data cards, incident runbooks) and the sections they need.

A document is a *candidate* when its path matches one of the check's ``names`` patterns, or when
its YAML front matter matches ``front-matter`` (a Hugging Face model card is a README.md whose
front matter names a ``pipeline_tag`` or ``base_model``). Each required section is a regular
expression searched in the whole text, front matter included, case-insensitively.

The same analyzer serves two kinds of check: ``report: documents`` yields every candidate (the
evidence that the document exists) and ``report: incomplete`` yields the candidates that lack
sections, naming them (the violation). A control combining both fails once, at the document,
when it is incomplete, and reports a missing document when there is none.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from mlsec_policy import pathmatch
from mlsec_policy.analyzers.base import AnalyzerSpec, FileContext, Observation
from mlsec_policy.analyzers.params import Params
from mlsec_policy.models import ArtifactKind

MAX_BYTES = 2 * 1024 * 1024
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(\r?\n|\Z)", re.DOTALL)


@dataclass(frozen=True, slots=True)
class Section:
    """A section a document must have."""

    name: str
    regex: str
    """Searched in the whole text, case-insensitively."""


@dataclass(frozen=True, slots=True)
class DocumentSections:
    """Parameters of ``document-sections``."""

    report: Literal["documents", "incomplete"]
    """Every candidate document, or the candidates that lack sections."""
    document: str = "the document"
    """How messages name the document."""
    names: tuple[str, ...] = ()
    """gitignore-style patterns of the document's file names."""
    front_matter: str | None = None
    """A regular expression over the YAML front matter that also makes a candidate."""
    sections: tuple[Section, ...] = ()


def document_sections(context: FileContext, params: DocumentSections) -> Iterable[Observation]:
    """Yield the document (``report: documents``) or its missing sections (``incomplete``)."""
    text = context.read_bytes(MAX_BYTES).decode("utf-8", errors="replace")
    if not _is_candidate(context.artifact.path, text, params):
        return
    if params.report == "documents":
        yield Observation(context.at(), key=context.artifact.path)
        return
    missing = [
        section.name
        for section in params.sections
        if not re.search(section.regex, text, re.IGNORECASE | re.MULTILINE)
    ]
    if missing:
        yield Observation(
            context.at(),
            message=f"{params.document} does not cover: " + ", ".join(missing),
            key="missing:" + ",".join(missing),
        )


def _is_candidate(path: str, text: str, params: DocumentSections) -> bool:
    names = list(params.names)
    if names and pathmatch.spec(names).match_file(path):
        return True
    front = params.front_matter
    if front is None:
        return False
    match = _FRONT_MATTER.match(text)
    return bool(match and re.search(front, match.group(1), re.IGNORECASE | re.MULTILINE))


SPEC = AnalyzerSpec(
    name="document-sections",
    description="Governance documents found by name or front matter, and the sections they lack.",
    kinds=frozenset({ArtifactKind.DOCS}),
    params=Params.beside(DocumentSections, __name__, "document-sections"),
    file=document_sections,
)
"""The analyzer of this module, for the registry."""
