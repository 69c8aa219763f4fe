"""Security tools in use: imports, declared dependencies, installs and pipeline steps.

One analyzer, ``security-tool-use``, finds the tools of :mod:`.patterns.security_tools` that
serve the purposes a check asks for, wherever a repository shows them:

- Python code: ``import x`` / ``from x import y`` of a listed module prefix (read with ``ast``;
  a file that does not parse is read line by line), and ``setup.py`` ``install_requires`` /
  ``extras_require`` / ``tests_require`` strings;
- notebooks: import lines and ``%pip install`` / ``!pip install`` lines of code cells;
- dependency manifests (requirements files, pyproject, setup.cfg, Pipfile, conda environments):
  a requirement on a listed PyPI project (lock files are left out: they also list what other
  packages pull in);
- CI pipelines, Dockerfiles and shell scripts: ``pip install`` of a listed project, or a command
  line that runs the tool.

Each observation names the tool and how it was seen, at that line; one per tool and file.
Nothing is imported, installed or run.
"""

from __future__ import annotations

import ast
import re
import shlex
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from mlsec_policy.analyzers.base import AnalyzerSpec, FileContext, Observation
from mlsec_policy.analyzers.params import Params
from mlsec_policy.analyzers.patterns.security_tools import TOOLS, Tool
from mlsec_policy.analyzers.read.commands import commands
from mlsec_policy.analyzers.read.manifests import Role, read_manifest
from mlsec_policy.analyzers.read.notebook import NotebookError, read_notebook
from mlsec_policy.analyzers.read.requirements import normalise, parse_spec
from mlsec_policy.models import ArtifactKind
from mlsec_policy.pyparse import syntax_tree

_IMPORT_LINE = re.compile(
    r"^\s*(?:from\s+(?P<module>[\w.]+)\s+import\s+(?P<names>[\w\s,.()*]+)"
    r"|import\s+(?P<modules>[\w.]+(?:\s+as\s+\w+)?(?:\s*,\s*[\w.]+(?:\s+as\s+\w+)?)*))"
)
_INSTALL = re.compile(
    r"(?:^|[\s;&|(])(?:uv\s+)?(?:pip3?|pipx|uv)\s+(?:install|add)\s+(?P<args>[^;&|\n]*)"
    r"|(?:^|[\s;&|(])(?:poetry|pdm|conda|mamba)\s+(?:add|install)\s+(?P<other>[^;&|\n]*)"
)
_TAKES_VALUE = frozenset(
    {"-i", "--index-url", "--extra-index-url", "-f", "--find-links", "--trusted-host", "-t",
     "--target", "--prefix", "--root", "-c", "--constraint", "-r", "--requirement", "-e",
     "--editable", "--python", "-p", "--channel", "-n", "--name", "--group", "--extra"}
)  # fmt: skip
_REQUIRES_KEYWORDS = frozenset({"install_requires", "extras_require", "tests_require"})
_CODE_KINDS = frozenset({ArtifactKind.PYTHON})
_COMMAND_KINDS = frozenset({ArtifactKind.CI_WORKFLOW, ArtifactKind.DOCKERFILE, ArtifactKind.SHELL})


_IMPORT_ROOTS = frozenset(i.split(".")[0].encode() for t in TOOLS for i in t.imports)
"""The top-level modules of the table (ASCII names)."""
_IMPORT_TAIL = re.compile(rb"import(?![0-9A-Za-z_])(?:[^\r\n;#\\]|\\\r?\n|\\\r|\\)*+")
"""An ``import`` keyword and the rest of its logical line (line joins followed): the modules
an ``import a.b, c as d`` names are words of it."""
_FROM_HEAD = re.compile(rb"from[^0-9A-Za-z_]++([0-9A-Za-z_]+)")
"""A ``from`` keyword and the first word after it: a ``from a.b import c``'s top module."""
_ASCII_WORD = re.compile(rb"[0-9A-Za-z_]+")


def may_import_root(data: bytes) -> bool:
    """Return False when no import of ``data`` can name a top-level module of the table.

    :func:`_code` sees a tool in an import (parsed, or line by line when the file does not
    parse): a module after ``import``, or the module after ``from``; its first part is one of
    the table's roots. Such a root is then the first word after a ``from`` keyword, or a word
    between an ``import`` keyword and the end of its logical line (a keyword right after a
    letter, digit or ``_`` is part of a longer name; anything else may stand between, even
    white space Python would refuse, which the line-by-line reading accepts). Both searches
    start with a literal, which Python's regular expressions find fast; text in strings and
    comments is searched too, so the test passes more files, never fewer.
    """
    for found in _FROM_HEAD.finditer(data):
        if found.group(1) in _IMPORT_ROOTS and not _after_word(data, found.start()):
            return True
    return any(
        not _IMPORT_ROOTS.isdisjoint(_ASCII_WORD.findall(found.group()))
        and not _after_word(data, found.start())
        for found in _IMPORT_TAIL.finditer(data)
    )


def _after_word(data: bytes, start: int) -> bool:
    before = data[start - 1 : start]
    return bool(before) and (before.isalnum() or before == b"_")


Sighting = tuple[int, Tool, str]
"""A line, the tool seen there, and how it was seen."""


@dataclass(frozen=True, slots=True)
class SecurityToolUse:
    """Parameters of ``security-tool-use``."""

    purposes: tuple[str, ...]
    """Purposes of :data:`.patterns.security_tools.PURPOSES` a tool must serve to count."""


def security_tool_use(context: FileContext, params: SecurityToolUse) -> Iterable[Observation]:
    """Yield one observation per listed tool this file imports, declares, installs or runs."""
    wanted = frozenset(params.purposes)
    # several checks read the same file: the engine's memo of the file shares one reading
    # (a cache keyed by the context would hash the whole inventory it carries at every call,
    # quadratic in the number of files)
    for line, tool, how in context.remember(_MEMO_KEY, lambda: _first_sightings(context)):
        if wanted.intersection(tool.purposes):
            yield Observation(context.at(line), message=f"{tool.name} {how}", key=tool.name)


_MEMO_KEY = ("security-tool-use", "sightings")


def _first_sightings(context: FileContext) -> tuple[Sighting, ...]:
    """Return the first sighting of every tool in a file."""
    first: dict[str, Sighting] = {}
    for sighting in _sightings(context, TOOLS):
        first.setdefault(sighting[1].name, sighting)
    return tuple(first.values())


def _sightings(context: FileContext, tools: tuple[Tool, ...]) -> Iterator[tuple[int, Tool, str]]:
    kind = context.artifact.kind
    if kind in _CODE_KINDS:
        text = context.read_text()
        yield from _code(text, tools)
        if PurePosixPath(context.artifact.path).name == "setup.py":
            yield from _setup_requires(text, tools)
    elif kind is ArtifactKind.NOTEBOOK:
        yield from _notebook(context, tools)
    elif kind is ArtifactKind.DEPENDENCY_MANIFEST:
        manifest = read_manifest(context.other_text, context.artifact.path, context.read_text())
        # a lock file lists what other packages pull in too: only direct declarations count
        if manifest is not None and manifest.role is not Role.LOCK:
            for entry in manifest.entries:
                if entry.path != context.artifact.path or entry.spec.name is None:
                    continue
                for tool in _by_package(entry.spec.name, tools):
                    yield entry.line, tool, f"is a declared dependency ({entry.spec.name})"
    elif kind in _COMMAND_KINDS:
        for command in commands(context):
            yield from _command(command.text, command.line, tools)


def _code(text: str, tools: tuple[Tool, ...]) -> Iterator[tuple[int, Tool, str]]:
    if not may_import_root(text.encode()):
        return
    try:
        tree = syntax_tree(text)
    except (SyntaxError, ValueError):
        for number, line in enumerate(text.splitlines(), 1):
            yield from _import_line(line, number, tools)
        return
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            modules = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
        else:
            continue
        yield from _imported(modules, node.lineno, tools)


def _import_line(
    line: str, number: int, tools: tuple[Tool, ...]
) -> Iterator[tuple[int, Tool, str]]:
    match = _IMPORT_LINE.match(line)
    if match is None:
        return
    if match.group("module"):
        module = match.group("module")
        names = re.findall(r"\w+", match.group("names").split(" as ")[0])
        modules = [module, *(f"{module}.{name}" for name in names)]
    else:
        modules = [part.split()[0] for part in match.group("modules").split(",")]
    yield from _imported(modules, number, tools)


def _imported(
    modules: list[str], line: int, tools: tuple[Tool, ...]
) -> Iterator[tuple[int, Tool, str]]:
    for tool in tools:
        for module in modules:
            if any(module == p or module.startswith(f"{p}.") for p in tool.imports):
                yield line, tool, f"is imported ({module})"
                break


def _setup_requires(text: str, tools: tuple[Tool, ...]) -> Iterator[tuple[int, Tool, str]]:
    try:
        tree = syntax_tree(text)
    except (SyntaxError, ValueError):
        return
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        for keyword in node.keywords:
            if keyword.arg not in _REQUIRES_KEYWORDS:
                continue
            for value in ast.walk(keyword.value):
                if isinstance(value, ast.Constant) and isinstance(value.value, str):
                    yield from _requirement(value.value, value.lineno, tools, "setup.py")


def _requirement(
    text: str, line: int, tools: tuple[Tool, ...], where: str
) -> Iterator[tuple[int, Tool, str]]:
    spec = parse_spec(text)
    if spec is None or spec.name is None:
        return
    for tool in _by_package(spec.name, tools):
        yield line, tool, f"is required in {where} ({spec.name})"


def _notebook(context: FileContext, tools: tuple[Tool, ...]) -> Iterator[tuple[int, Tool, str]]:
    try:
        cells = read_notebook(context.read_text())
    except NotebookError:
        return  # notebook-commands reports a notebook that cannot be read
    for cell in cells:
        if cell.cell_type != "code":
            continue
        for line in cell.source:
            text = line.text.strip()
            if text.startswith(("!", "%")):
                yield from _command(text.lstrip("!%"), line.raw_line, tools)
            else:
                yield from _import_line(text, line.raw_line, tools)


def _command(text: str, line: int, tools: tuple[Tool, ...]) -> Iterator[tuple[int, Tool, str]]:
    for match in _INSTALL.finditer(text):
        for name in _installed(match.group("args") or match.group("other") or ""):
            for tool in _by_package(name, tools):
                yield line, tool, f"is installed ({name})"
    for tool in tools:
        if any(re.search(pattern, text) for pattern in tool.commands):
            yield line, tool, "runs in a pipeline or script step"


def _installed(arguments: str) -> Iterator[str]:
    try:
        words = shlex.split(arguments, comments=True)
    except ValueError:
        words = arguments.split()
    skip = False
    for word in words:
        if skip:
            skip = False
            continue
        if word.startswith("-"):
            skip = word in _TAKES_VALUE
            continue
        spec = parse_spec(word)
        if spec is not None and spec.name is not None:
            yield spec.name


def _by_package(name: str, tools: tuple[Tool, ...]) -> Iterator[Tool]:
    normal = normalise(name)
    return (tool for tool in tools if normal in tool.packages)


SPECS: tuple[AnalyzerSpec[Any], ...] = (
    AnalyzerSpec(
        name="security-tool-use",
        description="Security and mitigation tools of the evidence table the repository uses.",
        kinds=frozenset(
            {
                ArtifactKind.PYTHON,
                ArtifactKind.NOTEBOOK,
                ArtifactKind.DEPENDENCY_MANIFEST,
                ArtifactKind.CI_WORKFLOW,
                ArtifactKind.DOCKERFILE,
                ArtifactKind.SHELL,
            }
        ),
        params=Params.beside(SecurityToolUse, __name__, "security-tool-use"),
        file=security_tool_use,
    ),
)
"""The analyzers of this module, for the registry."""
