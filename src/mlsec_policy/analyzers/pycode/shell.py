"""Shell commands built from values the program does not fix.

A command string handed to a shell (``os.system``, ``subprocess.*(..., shell=True)``,
``asyncio.create_subprocess_shell``...) is judged by where its parts come from (see
:mod:`mlsec_policy.analyzers.read.pyorigin`), not by its spelling:

- ``report: outside`` — a part comes from outside the program (a command-line argument, a web
  request, standard input, a language model's answer, an agent tool's argument): the finding is
  certain;
- ``report: unknown`` — a part's origin is not visible in the file (a function parameter, an
  attribute, an environment variable, the result of another call): the finding is a heuristic.

Commands made only of constants, quoted values (``shlex.quote``, ``shlex.join``), temporary-file
names, ``sys.executable`` or paths derived from ``__file__`` are not reported; neither are
argument lists, which no shell parses.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable

from mlsec_policy.analyzers.base import AnalyzerSpec, FileContext, Observation
from mlsec_policy.analyzers.params import Params
from mlsec_policy.analyzers.pycode.source import (
    Graded,
    Report,
    call_sites,
    graded_report,
)
from mlsec_policy.analyzers.read.pyorigin import Kind, Origin, Scope, shown
from mlsec_policy.models import ArtifactKind

ALWAYS_SHELL = frozenset(
    {"os.system", "os.popen", "subprocess.getoutput", "subprocess.getstatusoutput",
     "asyncio.create_subprocess_shell", "commands.getoutput", "commands.getstatusoutput"}
)  # fmt: skip
"""Calls that always hand their first argument to a shell."""
SHELL_OPTION = frozenset(
    {"subprocess.run", "subprocess.call", "subprocess.check_call", "subprocess.check_output",
     "subprocess.Popen"}
)  # fmt: skip
"""Calls that use a shell when given ``shell=True``."""
PREFILTER = re.compile(rb"system\s*\(|popen\s*\(|Popen\s*\(|shell\s*=|_shell\s*\(|getoutput")
"""A file with none of these words runs no shell command: it is not parsed."""
ANCHORS = (b"system", b"popen", b"Popen", b"shell", b"getoutput")
"""Every match of :data:`PREFILTER` holds one of these (substring tests, run first: cheaper)."""


def may_run_shell(raw: bytes) -> bool:
    """Return False for a file's bytes that cannot hold a call that runs a shell command."""
    return any(anchor in raw for anchor in ANCHORS) and PREFILTER.search(raw) is not None


def shell_commands(context: FileContext, params: Report) -> Iterable[Observation]:
    """Yield shell commands whose worst part has the origin the check reports."""
    return graded_report(context, params, "shell", _grade)


def _grade(context: FileContext) -> Graded:
    graded: Graded = []
    for source, call, values in call_sites(context, may_run_shell, _runs_shell):
        command = shell_command(call, values.scope)
        if command is None:
            continue
        origin = values.of(command)
        if origin.kind is not Kind.CONSTANT:
            observation = Observation(
                source.location(call),
                message=_message(origin, command),
                snippet=source.snippet(call),
            )
            graded.append((origin.kind, observation))
    return graded


def shell_command(call: ast.Call, scope: Scope) -> ast.expr | None:
    """Return the command string a call hands to a shell, or None when it runs no shell."""
    dotted = scope.qualified(call.func)
    keywords = {k.arg: k.value for k in call.keywords if k.arg}
    if dotted in ALWAYS_SHELL:
        command = call.args[0] if call.args else keywords.get("cmd", keywords.get("command"))
    elif dotted in SHELL_OPTION:
        shell = keywords.get("shell")
        if not (isinstance(shell, ast.Constant) and shell.value is True):
            return None
        command = call.args[0] if call.args else keywords.get("args")
    else:
        return None
    if command is None or isinstance(command, (ast.List, ast.Tuple, ast.ListComp)):
        return None  # an argument list: no shell parses it
    return command


def _runs_shell(call: ast.Call, scope: Scope) -> bool:
    """Return True for a call that hands a command to a shell (whatever its values)."""
    return shell_command(call, scope) is not None


def _message(origin: Origin, command: ast.expr) -> str:
    part = origin.text or shown(command)
    if origin.kind is Kind.OUTSIDE:
        return (
            f"the shell command includes {part}, {origin.what}; a value from outside the "
            "program can add commands of its own"
        )
    return (
        f"the shell command is built from {part} ({origin.what}), whose origin this file does "
        "not show (heuristic: if it can carry outside text, it can add commands)"
    )


SHELL = AnalyzerSpec(
    name="python-shell-commands",
    description="Shell commands whose parts come from outside the program, or from unknown "
    "places (by where each part of the command comes from).",
    kinds=frozenset({ArtifactKind.PYTHON, ArtifactKind.NOTEBOOK}),
    params=Params.beside(Report, __name__, "python-shell-commands"),
    file=shell_commands,
)
