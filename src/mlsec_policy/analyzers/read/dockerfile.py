"""A small, line-preserving Dockerfile reader shared by the Dockerfile analyzers.

It joins continuation lines, skips comments and parser directives, and groups instructions
into build stages, remembering the line each instruction starts on. It does not evaluate
build arguments or run anything.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Instruction:
    """One Dockerfile instruction."""

    line: int
    keyword: str
    """Upper-case instruction name (FROM, RUN, USER...)."""
    arguments: str


@dataclass
class Stage:
    """One build stage: its FROM instruction and what follows it."""

    start: Instruction
    instructions: list[Instruction] = field(default_factory=list)

    @property
    def name(self) -> str | None:
        """Return the stage name given with ``AS``, if any."""
        words = self.start.arguments.split()
        for index, word in enumerate(words[:-1]):
            if word.lower() == "as":
                return words[index + 1]
        return None


def parse(text: str) -> list[Instruction]:
    """Return the instructions of Dockerfile ``text``, in order."""
    instructions: list[Instruction] = []
    escape = "\\"
    pending: list[str] = []
    start_line = 0
    heredoc: str | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip()
        if heredoc is not None:
            if line.strip() == heredoc:
                heredoc = None
            continue
        stripped = line.strip()
        if not pending:
            if not stripped or stripped.startswith("#"):
                if stripped.lower().startswith("# escape=") and not instructions:
                    escape = stripped.split("=", 1)[1].strip() or "\\"
                continue
            start_line = number
        elif stripped.startswith("#"):
            continue
        if line.endswith(escape):
            pending.append(line[: -len(escape)])
            continue
        pending.append(line)
        joined = " ".join(part.strip() for part in pending)
        pending = []
        keyword, _, arguments = joined.partition(" ")
        instructions.append(Instruction(start_line, keyword.upper(), arguments.strip()))
        if "<<" in arguments:
            marker = arguments.split("<<", 1)[1].strip().lstrip("-").strip("'\"").split()
            if marker:
                heredoc = marker[0]
    if pending:
        joined = " ".join(part.strip() for part in pending)
        keyword, _, arguments = joined.partition(" ")
        instructions.append(Instruction(start_line, keyword.upper(), arguments.strip()))
    return instructions


def stages(instructions: list[Instruction]) -> list[Stage]:
    """Group instructions into build stages (instructions before the first FROM are dropped)."""
    result: list[Stage] = []
    for instruction in instructions:
        if instruction.keyword == "FROM":
            result.append(Stage(instruction))
        elif result:
            result[-1].instructions.append(instruction)
    return result


def lineage(stage: Stage, all_stages: list[Stage]) -> list[Stage]:
    """Return ``stage`` followed by the earlier stages it is built ``FROM``, nearest first."""
    chain: list[Stage] = []
    current: Stage | None = stage
    while current is not None and all(current is not seen for seen in chain):
        chain.append(current)
        base = current.start.arguments.split()
        image = next((w for w in base if not w.startswith("--")), "")
        current = next((s for s in all_stages if s.name and s.name.lower() == image.lower()), None)
    return chain


def runtime_instructions(all_stages: list[Stage], keyword: str) -> list[Instruction]:
    """Return the final stage's ``keyword`` instructions, inherited ones included, last first.

    Only the final stage (and the stages it is built from) shapes the image that ships.
    """
    if not all_stages:
        return []
    return [
        instruction
        for stage in lineage(all_stages[-1], all_stages)
        for instruction in reversed(stage.instructions)
        if instruction.keyword == keyword
    ]
