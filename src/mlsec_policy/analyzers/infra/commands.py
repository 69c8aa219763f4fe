"""Analyzer ``command-patterns``: commands and environment settings matched against patterns.

The commands come from :mod:`mlsec_policy.analyzers.read.commands`, grouped by *source*
(``script``, ``start``, ``env``). A check names the sources it cares about and the regular
expressions that make a finding (piping a download into a shell, a development server with its
debugger on...). Nothing is executed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from mlsec_policy.analyzers.base import AnalyzerSpec, FileContext, Observation
from mlsec_policy.analyzers.params import Params
from mlsec_policy.analyzers.read.commands import Command, commands
from mlsec_policy.analyzers.read.yamldoc import unconditional
from mlsec_policy.models import ArtifactKind
from mlsec_policy.redact import redact


@dataclass(frozen=True, slots=True)
class CommandPattern:
    """A pattern that makes a finding, and what the finding says."""

    regex: str
    message: str


@dataclass(frozen=True, slots=True)
class CommandPatterns:
    """Parameters of ``command-patterns``."""

    sources: tuple[Literal["script", "start", "env"], ...]
    """Where the commands come from: build and CI scripts, start commands, environment."""
    patterns: tuple[CommandPattern, ...]


def command_patterns(context: FileContext, params: CommandPatterns) -> Iterable[Observation]:
    """Yield one observation per command of the wanted sources that matches a pattern."""
    wanted = set(params.sources)
    rules = [(re.compile(pattern.regex), pattern.message) for pattern in params.patterns]
    lines: list[str] = []
    for command in commands(context):
        if command.source not in wanted:
            continue
        for regex, message in rules:
            match = regex.search(command.text)
            if match:
                line = command.line
                if command.last > command.line:
                    lines = lines or context.read_text().splitlines()
                    line = _line_of(lines, command, match.group(0))
                yield Observation(
                    context.at(line),
                    message=message,
                    snippet=redact(command.text[:300]),
                    key=match.group(0),
                )
                break


def _line_of(lines: list[str], command: Command, matched: str) -> int:
    """Return the physical line of a multi-line command where the matched text starts.

    The most specific piece of the match found on one line wins: the whole match, then its
    first three, two and one words (a package list naming ``curl`` earlier in the same RUN
    must not take the anchor from the ``curl ... | sh`` it does not belong to).
    """
    words = matched.split()
    pieces = [" ".join(words)] + [" ".join(words[:n]) for n in (3, 2, 1) if n < len(words)]
    span = range(command.line, min(command.last, len(lines)) + 1)
    for piece in pieces:
        for number in span:
            if piece in " ".join(lines[number - 1].split()):
                return number
    return command.line


SPEC = AnalyzerSpec(
    name="command-patterns",
    description="Build/CI scripts, container start commands or environment settings that match "
    "a pattern (curl | sh, development servers, debug switches).",
    kinds=frozenset(
        {
            ArtifactKind.DOCKERFILE,
            ArtifactKind.SHELL,
            ArtifactKind.CI_WORKFLOW,
            ArtifactKind.COMPOSE,
            ArtifactKind.KUBERNETES,
        }
    ),
    params=Params.beside(CommandPatterns, __name__, "command-patterns"),
    file=unconditional(command_patterns),
)
"""The analyzer of this module, for the registry."""
