"""Safe, line-aware YAML documents for the analyzers, including Helm templates.

Every document is read through :mod:`mlsec_policy.yamlpos`, so each key and value keeps its
line. Helm templates are read through the same neutralised view the semgrep engine uses; the
lines holding Helm *output* actions (``{{- toYaml .Values.securityContext | nindent 12 }}``)
are remembered, so that a "missing setting" check can tell a setting that is truly absent from
one the chart injects from its values.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar, cast

from mlsec_policy.analyzers.base import (
    AnalyzerError,
    FileAnalyzer,
    FileContext,
    FileSkipped,
    Observation,
)
from mlsec_policy.models import JsonValue
from mlsec_policy.textfile import looks_templated, template_lines
from mlsec_policy.views.helm import (
    PLACEHOLDER,
    TEMPLATE_FORMATS,
    conditional_lines,
    helm_view,
    output_lines,
)
from mlsec_policy.yamlpos import Document, Path_, YamlError, load_documents

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

Mapping_ = Mapping[str, JsonValue]
"""A YAML mapping as plain data."""


@dataclass(frozen=True, slots=True)
class YamlDoc:
    """One YAML document of a manifest, with positions and the template lines inside it."""

    document: Document
    output_lines: frozenset[int]
    """Lines of Helm output actions (content the chart injects from its values)."""
    last_line: int
    """Last line of the file (documents run until the next one starts)."""

    @property
    def data(self) -> JsonValue:
        """Return the document's plain data."""
        return self.document.data

    def line(self, path: Path_) -> int:
        """Return the line of the key that ends ``path`` (or of the nearest located parent)."""
        position = self.document.positions.of_key(path)
        return position[0] if position else self.document.start_line

    def value_line(self, path: Path_) -> int:
        """Return the line where the value at ``path`` starts."""
        position = self.document.positions.of(path)
        return position[0] if position else self.document.start_line

    def end_line(self, path: Path_) -> int:
        """Return the last line that belongs to the node at ``path``.

        The node runs until the next located node that is not inside it, so template lines
        that follow its last literal key are counted as its own.
        """
        start = self.line(path)
        inside = start
        after: int | None = None
        depth = len(path)
        for located, (line, _column) in self.document.positions.values.items():
            if located[:depth] == tuple(path):
                inside = max(inside, line)
        for located, (line, _column) in self.document.positions.values.items():
            if line > inside and located[:depth] != tuple(path) and (after is None or line < after):
                after = line
        return (after - 1) if after is not None else self.last_line

    def templated(self, path: Path_) -> bool:
        """Return True when the chart injects content somewhere inside the node at ``path``."""
        if not self.output_lines:
            return False
        start, end = self.line(path), self.end_line(path)
        return any(start <= line <= end for line in self.output_lines)


def yaml_docs(text: str, *, helm: bool) -> list[YamlDoc]:
    """Read the YAML documents of ``text``; templates are read through their view.

    ``helm`` says the file is known to be a template. A file that is not YAML but holds template
    actions (a Go or Jinja template outside a chart, a cookiecutter file) is a template too.
    Where a template's view still does not parse, the place decides: at a template action, the
    template is valid but beyond what neutralising can read, and it is skipped with the reason
    (:class:`FileSkipped`); in its literal YAML, the file is broken, and that is an error.
    """
    if not helm:
        try:
            return _documents(text, helm=False)
        except YamlError as exc:
            if not looks_templated(text):
                raise AnalyzerError(
                    f"cannot read the YAML: {exc.message}",
                    kind="parse-error",
                    line=exc.line,
                    hint="fix the YAML syntax, or exclude the file with --exclude",
                ) from None
    try:
        return _documents(text, helm=True)
    except YamlError as exc:
        actions = template_lines(text)
        if exc.line is not None and actions & {exc.line - 1, exc.line, exc.line + 1}:
            raise FileSkipped(
                "a template (Go, Helm or Jinja) that is not YAML even once its template "
                f"actions are neutralised ({exc.message} at line {exc.line}, next to a "
                "template action); its YAML checks could not read it"
            ) from None
        raise AnalyzerError(
            f"cannot read the template (after neutralising its actions): {exc.message}",
            kind="parse-error",
            line=exc.line,
            hint="fix the YAML syntax, or exclude the file with --exclude",
        ) from None


def _documents(text: str, *, helm: bool) -> list[YamlDoc]:
    outputs = output_lines(text) if helm else frozenset()
    source = helm_view(text, "template.yaml").text if helm else text
    documents = load_documents(source, allow_duplicates=helm)
    last = source.count("\n") + 1
    result = []
    for index, document in enumerate(documents):
        end = documents[index + 1].start_line - 1 if index + 1 < len(documents) else last
        lines = frozenset(line for line in outputs if document.start_line <= line <= end)
        result.append(YamlDoc(document, lines, end))
    return result


def file_docs(context: FileContext, *, helm: bool) -> list[YamlDoc]:
    """Return the YAML documents of the context's file, read once per file and scan.

    The documents are shared by every analyzer of the file: read them, never change them.
    """
    return context.remember(("yaml-docs", helm), lambda: yaml_docs(context.read_text(), helm=helm))


def is_templated_value(value: JsonValue) -> bool:
    """Return True when a scalar value comes from a Helm expression."""
    return isinstance(value, str) and PLACEHOLDER in value


def mapping(value: JsonValue) -> Mapping_:
    """Return ``value`` when it is a mapping, else an empty one."""
    return cast(Mapping_, value) if isinstance(value, Mapping) else {}


def sequence(value: JsonValue) -> list[JsonValue]:
    """Return ``value`` when it is a list, else an empty one."""
    return value if isinstance(value, list) else []


def is_true(value: JsonValue) -> bool:
    """Return True for YAML true (also the strings Kubernetes accepts for it)."""
    return value is True or (isinstance(value, str) and value.strip().lower() == "true")


P = TypeVar("P", bound="DataclassInstance")


def unconditional(analyzer: FileAnalyzer[P]) -> FileAnalyzer[P]:
    """Wrap a file analyzer so that, in templates, lines that render only conditionally are dropped.

    A chart offering ``hostNetwork: true`` behind ``{{- if .Values.hostNetwork }}`` does not set
    it; reporting it would be a false positive on every chart with a switch.
    """

    def run(context: FileContext, params: P) -> Iterator[Observation]:
        observations: Iterable[Observation] = analyzer(context, params)
        text = context.read_text()
        if context.artifact.format not in TEMPLATE_FORMATS and not looks_templated(text):
            yield from observations
            return
        skipped = context.remember("helm-conditional-lines", lambda: conditional_lines(text))
        yield from (o for o in observations if o.location.start_line not in skipped)

    return run


def display_name(value: JsonValue) -> str:
    """Return a name for messages, with template expressions shown as ``{{…}}``."""
    return str(value).replace(PLACEHOLDER, "{{…}}") if value is not None else ""
