"""The Python modules of a target, parsed on demand, with names resolved across them.

Analyzers that follow a value or a guard from one module into another need three things:
the module a dotted import names (:func:`resolve_module`), the definition an imported name
stands for, and — for ``service.method(x)`` calls whose receiver's type is unknown — the one
function of that name in the repository, when there is exactly one. Nothing is imported or
run; modules are read as text and parsed with :mod:`ast`.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable
from pathlib import PurePosixPath
from typing import TypeVar

from mlsec_policy.analyzers.base import AnalyzerError, RepoContext
from mlsec_policy.analyzers.read.pysymbols import (
    Binding,
    FunctionNode,
    Imported,
    ModuleSymbols,
    read_symbols,
)
from mlsec_policy.analyzers.read.routes import ModuleFacts, read_module
from mlsec_policy.analyzers.web_routes import facts as web_facts
from mlsec_policy.models import Artifact, ArtifactKind
from mlsec_policy.textfile import decode
from mlsec_policy.views.python_template import python_template_view

T = TypeVar("T")

MAX_READ = web_facts.MAX_READ
MAX_HOPS = 6
"""How many re-exports a name is followed through."""


class Program:
    """The repository's Python modules (see the module docstring)."""

    def __init__(self, context: RepoContext) -> None:
        self.context = context
        self.paths = sorted(a.path for a in context.artifacts if a.kind is ArtifactKind.PYTHON)
        self._artifacts = {a.path: a for a in context.artifacts}
        self._text: dict[str, bytes] = {}
        self._modules: dict[str, ModuleSymbols | None] = {}
        self._methods: dict[str, list[tuple[str, FunctionNode]]] = {}
        self._defined: dict[str, set[str]] | None = None
        self._facts: dict[str, web_facts.FileFacts] = {}
        self.failures: list[str] = []
        """Route modules that could not be parsed (``path:line``)."""

    def data(self, path: str) -> bytes:
        """Return the first bytes of a module (cached; the context notes the read)."""
        if path not in self._text:
            self._text[path] = self.context.read_bytes(self._artifacts[path], MAX_READ)
        return self._text[path]

    def facts(self, path: str) -> web_facts.FileFacts:
        """Return what the module can contribute (:mod:`.facts`), without parsing it."""
        return self.facts_of(self._artifacts[path])

    def facts_of(self, artifact: Artifact) -> web_facts.FileFacts:
        """Return the facts of any artifact of the selection (cached)."""
        if artifact.path not in self._facts:
            self._facts[artifact.path] = self.context.fact(artifact, web_facts.WEB_FACTS)
        return self._facts[artifact.path]

    def parsed(self, path: str, read: Callable[[str], T]) -> T:
        """Return ``read`` of a module's text; a template of a Python file as it renders.

        Raises SyntaxError or ValueError when the module is neither Python nor a template of it.
        """
        text = decode(self.data(path))
        try:
            return read(text)
        except (SyntaxError, ValueError):
            template = python_template_view(text, path)  # cookiecutter and the like
            if template is None:
                raise
            return read(template.text)

    def module(self, path: str) -> ModuleSymbols | None:
        """Return the parsed module at ``path`` (None when it cannot be parsed)."""
        if path not in self._modules:
            try:
                self._modules[path] = self.parsed(path, read_symbols)
            except (SyntaxError, ValueError):
                self._modules[path] = None
        return self._modules[path]

    def route_modules(self, prefilter: str) -> dict[str, ModuleFacts]:
        """Return the routes of every module whose text matches a prefilter of :mod:`.facts`.

        Modules that cannot be parsed are left out and listed in :attr:`failures`.
        """
        modules: dict[str, ModuleFacts] = {}
        for path in self.paths:
            if prefilter not in self.facts(path).matches:
                continue
            try:
                facts = self.parsed(path, read_module)
            except (SyntaxError, ValueError) as exc:
                line = getattr(exc, "lineno", None)
                self.failures.append(f"{path}:{line}" if line else path)
                continue
            self._modules[path] = facts.symbols
            modules[path] = facts
        return modules

    def parse_error(self, unchecked: str) -> AnalyzerError | None:
        """Return the error that reports the route modules that could not be parsed."""
        if not self.failures:
            return None
        return AnalyzerError(
            f"{len(self.failures)} Python file(s) with web routes could not be parsed, so "
            f"their {unchecked} were not checked: " + "; ".join(self.failures[:5]),
            kind="parse-error",
            hint="fix the syntax, or leave the files out with --exclude",
        )

    def definitions(
        self, path: str, imported: Imported, hops: int = 0
    ) -> list[tuple[str, ModuleSymbols, Binding]]:
        """Return what an imported name stands for in the module that defines it."""
        target = resolve_module(path, imported.module, self.paths)
        symbols = self.module(target) if target is not None else None
        if target is None or symbols is None or not imported.name:
            return []
        found: list[tuple[str, ModuleSymbols, Binding]] = []
        for binding in symbols.lookup_module(imported.name):
            if isinstance(binding, Imported):
                if hops < MAX_HOPS:
                    found.extend(self.definitions(target, binding, hops + 1))
            else:
                found.append((target, symbols, binding))
        return found

    def unique_function(self, name: str) -> tuple[str, ModuleSymbols, FunctionNode] | None:
        """Return the one function or method called ``name`` in the repository, if unique."""
        if self._defined is None:
            self._defined = {}
            for path in self.paths:
                for name_defined in self.facts(path).defines:
                    self._defined.setdefault(name_defined, set()).add(path)
        if name not in self._methods:
            matches: list[tuple[str, FunctionNode]] = []
            for path in sorted(self._defined.get(name, ())):
                symbols = self.module(path)
                if symbols is None:
                    continue
                matches.extend(
                    (path, node)
                    for node in ast.walk(symbols.tree)
                    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
                    and node.name == name
                )
            self._methods[name] = matches
        matches = self._methods[name]
        if len(matches) != 1:
            return None
        path, node = matches[0]
        symbols = self.module(path)
        return (path, symbols, node) if symbols is not None else None


def resolve_module(including: str, module: str, paths: Iterable[str]) -> str | None:
    """Return the repository path of ``module`` as imported from the file ``including``.

    Relative modules (``.routers.users``) are resolved against the including file's package;
    absolute ones (``app.routers.users``) by matching the end of a path, since the repository
    root is not necessarily the import root.
    """
    level = len(module) - len(module.lstrip("."))
    parts = [p for p in module.lstrip(".").split(".") if p]
    known = set(paths)
    if level:
        base = PurePosixPath(including).parent
        for _ in range(level - 1):
            base = base.parent
        stem = base.joinpath(*parts) if parts else base
        for candidate in (f"{stem}.py", f"{stem}/__init__.py"):
            if candidate in known:
                return candidate
        return None
    if not parts:
        return None
    relative = "/".join(parts)
    for suffix in (f"{relative}.py", f"{relative}/__init__.py"):
        matches = sorted(p for p in known if p == suffix or p.endswith("/" + suffix))
        if matches:
            return matches[0]
    return None
