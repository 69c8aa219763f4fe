"""A Python file or notebook as one syntax tree, with each line traced back to the file."""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Literal

from mlsec_policy.analyzers.base import AnalyzerError, FileContext, FileSkipped, Observation
from mlsec_policy.analyzers.pycode.encoding import as_cpython_reads, searched, source_text
from mlsec_policy.analyzers.read.notebook import unreadable_notebook
from mlsec_policy.analyzers.read.pyflow import calls, parse_module, scope_and_calls
from mlsec_policy.analyzers.read.pyorigin import Kind, Scope, Values
from mlsec_policy.models import ArtifactKind, Location
from mlsec_policy.pyparse import syntax_tree
from mlsec_policy.views.base import View, ViewError
from mlsec_policy.views.notebook import notebook_view
from mlsec_policy.views.python_template import python_template_view

SNIPPET_LINES = 3
PARSED = "parsed"
"""The grade of a value of unknown origin read from a parsed configuration or data record."""
REPORTS: dict[str, Kind | str] = {
    "outside": Kind.OUTSIDE,
    "unknown": Kind.UNKNOWN,
    "parsed": PARSED,
}
"""What a check of this domain reports: values from outside the program, of unknown origin, or
read from a parsed configuration or data record (an analyzer that tells those apart)."""
MAX_GRADED = 4096
Graded = list[tuple[Kind | str, Observation]]
_graded: dict[tuple[str, str, int, int], Graded] = {}


@dataclass(frozen=True, slots=True)
class Report:
    """Parameters of the analyzers of this domain (kept in ``<analyzer>.params.json``)."""

    report: Literal["outside", "unknown"]
    """Which origin the check reports: values from outside the program, or of unknown origin."""


@dataclass(frozen=True, slots=True)
class ParsedReport:
    """Parameters of an analyzer that also grades values read from a parsed document."""

    report: Literal["outside", "unknown", "parsed"]
    """As :class:`Report`, or ``parsed``: values read from a parsed configuration or record."""


@dataclass(frozen=True, slots=True)
class PythonSource:
    """The parsed code of one artifact."""

    path: str
    tree: ast.Module
    lines: tuple[str, ...]
    """The parsed text by line (the Python view, for a notebook)."""
    view: View | None = None

    def location(self, node: ast.expr | ast.stmt) -> Location:
        """Return where ``node`` sits in the original file."""
        end = node.end_lineno or node.lineno
        if self.view is None:
            return Location(self.path, node.lineno, node.col_offset + 1, end)
        origin = self.view.origin(node.lineno)
        return Location(self.path, origin.line, cell=origin.cell)

    def snippet(self, node: ast.expr | ast.stmt) -> str:
        """Return the first lines of the source of ``node``."""
        end = min(node.end_lineno or node.lineno, node.lineno + SNIPPET_LINES - 1)
        return "\n".join(self.lines[node.lineno - 1 : end]).strip()


def read_source(context: FileContext) -> PythonSource:
    """Parse a Python file or the code cells of a notebook; raise AnalyzerError when broken.

    A Python file is decoded per its coding cookie (:func:`~.encoding.source_text`).

    A notebook cell that does not parse is left out (the other cells are still read).
    """
    path = context.artifact.path
    if context.artifact.kind is not ArtifactKind.NOTEBOOK:
        parsed = parsed_text(context)
        if isinstance(parsed.tree, RecursionError):
            raise parsed.tree
        if not isinstance(parsed.tree, ast.Module):
            template = python_template_view(parsed.text, path)  # cookiecutter and the like
            if template is not None:
                return _template_source(path, template)
            raise AnalyzerError(
                f"the file is not valid Python: {parsed.tree}",
                kind="parse-error",
                line=getattr(parsed.tree, "lineno", None),
                hint=f"fix the syntax, or leave the file out with --exclude {path}",
            ) from None
        return PythonSource(path, parsed.tree, tuple(parsed.text.split("\n")))
    try:
        view = notebook_view(context.read_text(), PurePosixPath(path).stem)
    except ViewError as exc:
        raise unreadable_notebook(exc.message, exc.line) from None
    cells = [origin.cell.index if origin.cell else 0 for origin in view.origins or ()]
    try:
        tree = parse_module(view.text, cells)
    except (SyntaxError, ValueError) as exc:
        raise AnalyzerError(
            f"the notebook's code cells are not valid Python together: {exc}",
            kind="parse-error",
            hint=f"fix the syntax, or leave the notebook out with --exclude {path}",
        ) from None
    return PythonSource(path, tree, tuple(view.text.split("\n")), view)


@dataclass(frozen=True, slots=True)
class ParsedText:
    """A Python file's text (:func:`~.encoding.source_text`) and its parse, or why it failed."""

    text: str
    tree: ast.Module | SyntaxError | ValueError | RecursionError
    """The syntax tree (shared: never change it), or the error :func:`ast.parse` raised."""


def parsed_text(context: FileContext) -> ParsedText:
    """Return the file's text parsed as Python, parsed once for every analyzer that asks."""

    def parse() -> ParsedText:
        text = source_text(context)
        try:
            return ParsedText(text, parse_module(text))
        except (SyntaxError, ValueError, RecursionError) as exc:
            return ParsedText(text, exc)

    return context.remember("python-text-tree", parse)


def byte_tree(context: FileContext) -> ast.Module:
    """Return the file's bytes parsed as Python, parsed once for every analyzer that asks.

    The bytes as they are (``ast.parse`` honours a coding cookie), not the decoded text that
    :func:`read_source` parses; when that text is the bytes decoded as CPython decodes them
    (:func:`~.encoding.as_cpython_reads`: no undecodable byte), the two parses are one and
    the same tree. The tree is shared: never change it. Raise FileSkipped when the file is
    not valid Python.
    """

    def parse() -> ast.Module:
        raw = context.read_bytes()
        if as_cpython_reads(raw) == source_text(context):
            parsed = parsed_text(context)
            if isinstance(parsed.tree, ast.Module):
                return parsed.tree
            raise FileSkipped("the file is not valid Python") from parsed.tree
        try:
            return syntax_tree(raw)
        except (SyntaxError, ValueError, RecursionError) as exc:
            raise FileSkipped("the file is not valid Python") from exc

    return context.remember("python-byte-tree", parse)


def _template_source(path: str, template: View) -> PythonSource:
    """Return a template of a Python file as the Python it renders to (line for line)."""
    return PythonSource(path, parse_module(template.text), tuple(template.text.split("\n")))


def reported(params: Report | ParsedReport) -> Kind | str:
    """Return the origin a check reports (its ``report`` parameter)."""
    return REPORTS[params.report]


Candidate = Callable[[ast.Call, Scope], bool]
"""Whether a call may be one an analyzer judges, from the call and the module's imports alone."""


def call_sites(
    context: FileContext,
    prefilter: Callable[[bytes], object],
    candidate: Candidate | None = None,
) -> Iterator[tuple[PythonSource, ast.Call, Values]]:
    """Yield every call of the file, with the evaluator valid there (see ``pyflow.calls``).

    A file whose bytes fail ``prefilter`` cannot hold a call of interest: it is not parsed
    (the bytes of :func:`~.encoding.searched`: the file's own, or its text as CPython reads it).
    With ``candidate``, a parsed file none of whose calls is a candidate (whatever the walk
    would bind) is not walked either: the walk that grades values costs many times the parse.
    """
    if not prefilter(searched(context)):
        return
    source = read_source(context)
    scope, found = scope_and_calls(source.tree)
    if candidate is not None and not any_candidate(found, scope, candidate):
        return
    for call, values in calls(source.tree, scope):
        yield source, call, values


def any_candidate(found: Iterable[ast.Call], scope: Scope, candidate: Candidate) -> bool:
    """Return True when one of the calls ``found`` is a candidate in the module ``scope``."""
    return any(candidate(call, scope) for call in found)


def graded_once(
    context: FileContext, analyzer: str, grade: Callable[[FileContext], Graded]
) -> Graded:
    """Return ``grade(context)``, computed once per file version for the checks that share it.

    The two checks of an analyzer (outside and unknown origins) read the same calls of the
    same file; the file is parsed and walked once. The cache is keyed by the file's path,
    modification time and size, so an edited file is graded again.
    """
    stat = context.path.stat()
    key = (analyzer, str(context.path), stat.st_mtime_ns, stat.st_size)
    if key not in _graded:
        if len(_graded) >= MAX_GRADED:
            _graded.clear()
        _graded[key] = grade(context)
    return _graded[key]


def graded_report(
    context: FileContext,
    params: Report | ParsedReport,
    analyzer: str,
    grade: Callable[[FileContext], Graded],
) -> list[Observation]:
    """Return the observations of ``grade(context)`` with the origin the check reports."""
    wanted = reported(params)
    return [o for kind, o in graded_once(context, analyzer, grade) if kind == wanted]
