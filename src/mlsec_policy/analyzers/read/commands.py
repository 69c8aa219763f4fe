"""Commands and environment settings, wherever they are written down.

A command can live in a Dockerfile (``RUN`` runs at build time; ``CMD``/``ENTRYPOINT`` start the
container; ``ENV`` sets its environment), a shell script, a CI job (GitHub ``run:``, GitLab
``script:``), a compose service (``command``, ``entrypoint``, ``environment``) or a Kubernetes
container (``command``/``args``, ``env``). This module pulls each of them out with the line it
starts on, grouped by *source*:

- ``script``: commands run while building or in CI (``RUN``, shell scripts, CI scripts);
- ``start``: the command a container starts with;
- ``env``: ``NAME=value`` settings of a container's environment.

Nothing is executed.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from mlsec_policy.analyzers.base import FileContext
from mlsec_policy.analyzers.read.ci import github_workflow, gitlab_jobs, gitlab_pipeline
from mlsec_policy.analyzers.read.compose import services
from mlsec_policy.analyzers.read.dockerfile import parse, runtime_instructions, stages
from mlsec_policy.analyzers.read.kubernetes import load_objects
from mlsec_policy.analyzers.read.yamldoc import YamlDoc, mapping, sequence
from mlsec_policy.models import ArtifactKind, JsonValue
from mlsec_policy.textfile import load_json

GITLAB_SCRIPT_KEYS = ("before_script", "script", "after_script")


@dataclass(frozen=True, slots=True)
class Command:
    """A command line or environment setting, and where it starts."""

    source: str
    text: str
    line: int
    last: int = 0
    """Last physical line of the command, when it spans several (continuations, lists)."""


def commands(context: FileContext) -> Iterator[Command]:
    """Yield every command and environment setting of a file, by its kind."""
    kind = context.artifact.kind
    if kind is ArtifactKind.DOCKERFILE:
        yield from _dockerfile(context.read_text())
    elif kind is ArtifactKind.SHELL:
        yield from _logical_lines(context.read_text().splitlines(), 1, "script")
    elif kind is ArtifactKind.CI_WORKFLOW:
        yield from _ci(context)
    elif kind is ArtifactKind.COMPOSE:
        for service in services(context):
            yield from _container_commands(
                service.doc, service.path, service.data, ("command", "entrypoint"), "environment"
            )
    elif kind is ArtifactKind.KUBERNETES:
        for obj in load_objects(context):
            for pod in obj.pods():
                for container in pod.containers:
                    yield from _container_commands(
                        obj.doc, container.path, container.data, ("command", "args"), "env"
                    )


def _dockerfile(text: str) -> Iterator[Command]:
    instructions = parse(text)
    starts = [i.line for i in instructions] + [text.count("\n") + 2]
    last = {line: starts[index + 1] - 1 for index, line in enumerate(starts[:-1])}
    all_stages = stages(instructions)
    for stage in all_stages:
        for instruction in stage.instructions:
            if instruction.keyword == "RUN":
                text_ = _exec_form(instruction.arguments)
                yield Command("script", text_, instruction.line, last[instruction.line])
    for keyword in ("ENTRYPOINT", "CMD"):
        for instruction in runtime_instructions(all_stages, keyword)[:1]:
            text_ = _exec_form(instruction.arguments)
            yield Command("start", text_, instruction.line, last[instruction.line])
    for instruction in runtime_instructions(all_stages, "ENV"):
        for setting in _env_settings(instruction.arguments):
            yield Command("env", setting, instruction.line)


def _exec_form(arguments: str) -> str:
    """Turn ``["a", "b"]`` into ``a b``; shell-form arguments are returned unchanged."""
    text = arguments.strip()
    if text.startswith("["):
        try:
            words = load_json(text)
        except json.JSONDecodeError:
            return text
        if isinstance(words, list):
            return " ".join(str(w) for w in words)
    return text


def _env_settings(arguments: str) -> list[str]:
    words = arguments.split()
    if words and "=" not in words[0]:  # legacy form: ENV NAME value
        return [f"{words[0]}={' '.join(words[1:])}"]
    return [word.replace('"', "").replace("'", "") for word in words]


def _logical_lines(lines: list[str], first: int, source: str) -> Iterator[Command]:
    """Join backslash continuations; skip comments; keep the line each command starts on."""
    pending: list[str] = []
    start = first
    for offset, raw in enumerate(lines):
        stripped = raw.strip()
        if not pending:
            if not stripped or stripped.startswith("#"):
                continue
            start = first + offset
        if stripped.endswith("\\"):
            pending.append(stripped[:-1])
            continue
        pending.append(stripped)
        yield Command(source, " ".join(pending), start, first + offset)
        pending = []
    if pending:
        yield Command(source, " ".join(pending), start, first + len(lines) - 1)


def _ci(context: FileContext) -> Iterator[Command]:
    lines = context.read_text().splitlines()
    workflow = github_workflow(context)
    if workflow is not None:
        yield from _variables(workflow.doc, ("env",))
        for job in workflow.jobs():
            yield from _variables(workflow.doc, (*job.path, "env"))
            for step in job.steps():
                yield from _variables(workflow.doc, (*step.path, "env"))
                if step.run is not None:
                    yield from _yaml_block(workflow.doc, (*step.path, "run"), lines)
        return
    doc = gitlab_pipeline(context)
    if doc is None:
        return
    top = mapping(doc.data)
    owners: list[tuple[tuple[str | int, ...], Mapping[str, JsonValue]]] = [
        ((), top),
        (("default",), mapping(top.get("default"))),
    ]
    owners.extend((job.path, job.data) for job in gitlab_jobs(doc))
    for base, node in owners:
        yield from _variables(doc, (*base, "variables"))
        for key in GITLAB_SCRIPT_KEYS:
            if key in node:
                yield from _yaml_block(doc, (*base, key), lines)


def _variables(doc: YamlDoc, path: tuple[str | int, ...]) -> Iterator[Command]:
    """Yield ``NAME=value`` for a CI variables mapping (GitLab's ``{value: ...}`` form too)."""
    node: JsonValue = doc.data
    for key in path:
        node = mapping(node).get(str(key)) if isinstance(key, str) else sequence(node)[key]
    for name, value in mapping(node).items():
        if isinstance(value, Mapping):
            value = mapping(value).get("value")
        if value is not None and not isinstance(value, list | dict):
            yield Command("env", f"{name}={value}", doc.line((*path, name)))


def _yaml_block(doc: YamlDoc, path: tuple[str | int, ...], lines: list[str]) -> Iterator[Command]:
    """Yield the script lines of a YAML node, read from the file so each keeps its line."""
    start, end = doc.line(path), doc.end_line(path)
    yield from _logical_lines(lines[start - 1 : end], start, "script")


def _container_commands(
    doc: YamlDoc,
    path: tuple[str | int, ...],
    data: Mapping[str, JsonValue],
    command_keys: tuple[str, str],
    env_key: str,
) -> Iterator[Command]:
    words: list[str] = []
    line = last = 0
    for key in command_keys:
        value = data.get(key)
        if value is not None:
            line = line or doc.line((*path, key))
            last = doc.end_line((*path, key))
            words.extend(str(v) for v in (value if isinstance(value, list) else [value]))
    if words:
        yield Command("start", " ".join(words), line, last)
    environment = data.get(env_key)
    for name, value in mapping(environment).items():
        if value is not None:
            yield Command("env", f"{name}={value}", doc.line((*path, env_key, name)))
    for index, item in enumerate(sequence(environment)):
        entry = mapping(item)
        if isinstance(item, str):
            text: str | None = item
        elif "name" in entry and entry.get("value") is not None:
            text = f"{entry['name']}={entry['value']}"
        else:
            text = None
        if text is not None:
            yield Command("env", text, doc.value_line((*path, env_key, index)))
