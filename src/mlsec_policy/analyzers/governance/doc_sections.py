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
from collections.abc import Iterable, Mapping

from mlsec_policy import pathmatch
from mlsec_policy.analyzers.base import AnalyzerSpec, FileContext, Observation
from mlsec_policy.analyzers.params import STRING_LIST, object_params, string_list
from mlsec_policy.analyzers.read.yamldoc import mapping, sequence
from mlsec_policy.models import ArtifactKind, JsonValue

MAX_BYTES = 2 * 1024 * 1024
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(\r?\n|\Z)", re.DOTALL)


def document_sections(
    context: FileContext, params: Mapping[str, JsonValue]
) -> Iterable[Observation]:
    """Yield the document (``report: documents``) or its missing sections (``incomplete``)."""
    text = context.read_bytes(MAX_BYTES).decode("utf-8", errors="replace")
    if not _is_candidate(context.artifact.path, text, params):
        return
    if params.get("report") == "documents":
        yield Observation(context.at(), key=context.artifact.path)
        return
    missing = [
        str(mapping(section)["name"])
        for section in sequence(params.get("sections"))
        if not re.search(str(mapping(section)["regex"]), text, re.IGNORECASE | re.MULTILINE)
    ]
    if missing:
        what = str(params.get("document", "the document"))
        yield Observation(
            context.at(),
            message=f"{what} does not cover: " + ", ".join(missing),
            key="missing:" + ",".join(missing),
        )


def _is_candidate(path: str, text: str, params: Mapping[str, JsonValue]) -> bool:
    names = string_list(params, "names")
    if names and pathmatch.spec(names).match_file(path):
        return True
    front = params.get("front-matter")
    if not isinstance(front, str):
        return False
    match = _FRONT_MATTER.match(text)
    return bool(match and re.search(front, match.group(1), re.IGNORECASE | re.MULTILINE))


SPEC = AnalyzerSpec(
    name="document-sections",
    description="Governance documents found by name or front matter, and the sections they lack.",
    kinds=frozenset({ArtifactKind.DOCS}),
    params_schema=object_params(
        {
            "report": {"enum": ["documents", "incomplete"]},
            "document": {"type": "string", "minLength": 3},
            "names": STRING_LIST,
            "front-matter": {"type": "string", "format": "regex"},
            "sections": {
                "type": "array",
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["name", "regex"],
                    "properties": {
                        "name": {"type": "string", "minLength": 2},
                        "regex": {"type": "string", "format": "regex"},
                    },
                },
            },
        },
        required=["report"],
    ),
    file=document_sections,
)
"""The analyzer of this module, for the registry."""
