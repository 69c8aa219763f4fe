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
                    line = _line_of(lines, command, match)
                yield Observation(
                    context.at(line),
                    message=message,
                    snippet=redact(command.text[:300]),
                    key=match.group(0),
                )
                break


def _line_of(lines: list[str], command: Command, match: re.Match[str]) -> int:
    """Return the physical line of a multi-line command where the matched text starts.

    A match that fits on one line is anchored there. Otherwise its first word is found by
    occurrence: the match starts at the n-th ``pip`` of the command, so it is anchored on the
    line of the n-th ``pip`` (a RUN with several pip commands, or a package list naming ``curl``
    before the ``curl ... | sh``, must not move the anchor to an earlier command).
    """
    words = match.group(0).split()
    span = range(command.line, min(command.last, len(lines)) + 1)
    whole = " ".join(words)
    for number in span:
        if whole in " ".join(lines[number - 1].split()):
            return number
    if words:
        first = words[0]
        wanted = command.text[: match.start()].count(first) + 1
        seen = 0
        for number in span:
            seen += lines[number - 1].count(first)
            if seen >= wanted:
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
