"""IPython's dialect of Python, turned into plain Python line for line.

Notebook cells are IPython input, not Python. This module applies, in the same order, the input
transformations IPython itself makes before it runs a cell (``IPython.core.inputtransformer2``),
but writes inert Python where IPython would call into the shell:

1. leading blank lines are ignored, and the indentation of the first line is removed from every
   line that starts with it;
2. ``>>>``/``...`` doctest prompts and ``In [n]:``/``...:`` IPython prompts are stripped, when the
   cell's first line (or its second) carries one;
3. a cell magic (``%%bash``, ``%%html``, ``%%capture``) decides the language of the whole cell:
   its body stays Python only for magics that run Python (``%%time``, ``%%capture``); Colab form
   lines (``#@title``) and comments before it are allowed;
4. at the start of each statement, shell escapes (``!cmd``), line magics (``%pip``), help
   requests (``?obj``, ``obj?``, ``obj??``), and assignments from them (``files = !ls``) become
   ``pass`` (or ``name = None``), with the lines a trailing backslash continues left blank; the
   statement after ``%time``/``%timeit`` is kept as Python;
5. a cell holding a single line that calls a magic without its ``%`` (automagic, such as
   ``pip install x``) becomes ``pass``, as IPython runs it only in a single-line cell.

Every output line stands for the input line at the same position, so findings map back.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from mlsec_policy.views.pyscan import Scanner
from mlsec_policy.views.salvage import parse_error

FOREIGN_CELL_MAGICS = frozenset(
    {
        "bash",
        "sh",
        "script",
        "writefile",
        "html",
        "javascript",
        "js",
        "latex",
        "markdown",
        "sql",
        "perl",
        "ruby",
        "svg",
        "sx",
        "system",
        "file",
        "R",
        "julia",
        "cython",
        "powershell",
        "cmd",
        "shell",
        "spark",
        "sparksql",
        "configure",
        "info",
        "local",
        "mermaid",
        "dot",
        "kql",
    }
)
"""Cell magics whose body is another language (or data to write): none of it is Python."""

PYTHON_CELL_MAGICS = frozenset(
    {"time", "timeit", "capture", "prun", "debug", "python", "python3", "pypy", "memit", "px"}
)
"""Cell magics whose body is Python that runs."""

PYTHON_LINE_MAGICS = frozenset({"time", "timeit", "prun", "memit", "debug"})
"""Line magics followed by a Python statement that runs (``%time model = load(path)``)."""

AUTOMAGICS = frozenset(
    {
        "pip",
        "conda",
        "mamba",
        "micromamba",
        "cd",
        "pwd",
        "env",
        "set_env",
        "ls",
        "ll",
        "cat",
        "cp",
        "mv",
        "rm",
        "mkdir",
        "rmdir",
        "less",
        "man",
        "clear",
        "time",
        "timeit",
        "matplotlib",
        "pylab",
        "load_ext",
        "reload_ext",
        "unload_ext",
        "autoreload",
        "aimport",
        "run",
        "who",
        "whos",
        "reset",
        "history",
        "config",
        "xmode",
        "pdb",
        "precision",
        "store",
        "sx",
        "system",
        "tensorflow_version",
        "lsmagic",
        "load",
        "save",
        "pushd",
        "popd",
    }
)
"""Magics IPython runs without their ``%`` when nothing shadows them (its ``automagic``)."""

_ESCAPES = ("!", "%", "?", ",", ";", "/")
"""Characters that start an IPython command when they begin a statement."""
_CLASSIC_PROMPT = re.compile(r"^(>>>|\.\.\.)( |$)")
_CLASSIC_FIRST = re.compile(r"^>>>( |$)")
_IPYTHON_PROMPT = re.compile(r"^((\[nav\]|\[ins\])? )?In \[\d+\]: |^\s*\.{3,}: ?")
_ASSIGNED = re.compile(r"^(?P<target>[A-Za-z_][\w.]*(?:\s*,\s*[A-Za-z_][\w.]*)*)\s*=\s*[!%]")
_HELP_END = re.compile(r"^[%]*[A-Za-z_][\w.]*(\(\))?(\[[^\]]*\])?\*?\?{1,2}$")
_MAGIC_OPTIONS = re.compile(r"^(?:-\w+(?:\s+\d+)?\s+)*")
_FIRST_WORD = re.compile(r"^(?P<word>[A-Za-z_]\w*)(?:\s+(?P<rest>\S.*))?$")


@dataclass(frozen=True, slots=True)
class CellCode:
    """A cell as Python: one line per cell line."""

    lines: tuple[str, ...]
    magic: str | None = None
    """The cell magic whose body is not read as Python (``bash``, ``html``), if any."""


def cell_to_python(lines: Sequence[str]) -> CellCode:
    """Return the Python of IPython cell ``lines`` (see the module docstring)."""
    work = _dedent(list(lines))
    work = _strip_prompts(work)
    first = _first_code_line(work)
    if first is not None and work[first].startswith("%%"):
        words = work[first][2:].split()
        magic = words[0] if words else ""
        body = _statements(work[first + 1 :])
        head = [*work[:first], ""]
        if magic in PYTHON_CELL_MAGICS or (
            magic not in FOREIGN_CELL_MAGICS and parse_error("\n".join(body)) is None
        ):
            return CellCode(tuple(head + body))
        return CellCode(tuple(head + ["" for _ in body]), magic)
    work = _statements(work)
    return CellCode(tuple(_automagic(work)))


def _dedent(lines: list[str]) -> list[str]:
    first = next((line for line in lines if line.strip()), None)
    if first is None:
        return lines
    indent = first[: len(first) - len(first.lstrip())]
    if not indent:
        return lines
    return [line[len(indent) :] if line.startswith(indent) else line for line in lines]


def _strip_prompts(lines: list[str]) -> list[str]:
    filled = [line for line in lines if line.strip()]
    for prompt, first in ((_CLASSIC_PROMPT, _CLASSIC_FIRST), (_IPYTHON_PROMPT, _IPYTHON_PROMPT)):
        if filled and (first.match(filled[0]) or (len(filled) > 1 and prompt.match(filled[1]))):
            lines = [prompt.sub("", line, count=1) for line in lines]
    return lines


def _first_code_line(lines: list[str]) -> int | None:
    for index, line in enumerate(lines):
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            return index
    return None


def _statements(lines: list[str]) -> list[str]:
    """Rewrite the IPython commands that start a statement; other lines are kept."""
    out = list(lines)
    scanner = Scanner()
    index = 0
    while index < len(out):
        if scanner.at_statement:
            replacement = _command(out[index])
            if replacement is not None:
                end = _command_end(out, index)
                out[index] = replacement
                for following in range(index + 1, end + 1):
                    out[following] = ""
                scanner.feed(replacement)
                index = end + 1
                continue
        scanner.feed(out[index])
        index += 1
    return out


def _command_end(lines: list[str], start: int) -> int:
    """Return the last line of a command starting at ``start`` (backslash continuations)."""
    end = start
    while lines[end].rstrip().endswith("\\") and end + 1 < len(lines):
        end += 1
    return end


def _command(line: str) -> str | None:
    """Return the Python standing for an IPython command line, or None for a Python line."""
    stripped = line.strip()
    indent = line[: len(line) - len(line.lstrip())]
    if not stripped:
        return None
    if stripped.startswith("%") and not stripped.startswith("%%"):
        words = stripped[1:].split(None, 1)
        if words and words[0] in PYTHON_LINE_MAGICS and len(words) == 2:
            statement = _MAGIC_OPTIONS.sub("", words[1]).rstrip("\\").rstrip()
            if statement and parse_error(statement) is None:
                return indent + statement
    if stripped.startswith(_ESCAPES):
        return indent + "pass"
    assigned = _ASSIGNED.match(stripped)
    if assigned:
        return f"{indent}{assigned.group('target')} = None"
    if stripped.endswith("?") and _HELP_END.match(stripped):
        return indent + "pass"
    return None


def _automagic(lines: list[str]) -> list[str]:
    filled = [index for index, line in enumerate(lines) if line.strip()]
    if len(filled) != 1:
        return lines
    line = lines[filled[0]]
    words = _FIRST_WORD.match(line.strip())
    if words is None or words.group("word") not in AUTOMAGICS or parse_error(line) is None:
        return lines
    rest = words.group("rest") or ""
    if rest.startswith(("=", ",")):
        return lines  # an assignment to a name that shadows the magic: Python, even if broken
    return [*lines[: filled[0]], "pass", *lines[filled[0] + 1 :]]
