"""Read CI pipeline files — GitHub Actions workflows and GitLab CI — into small typed views.

Workflows are read safely with line positions. Under YAML 1.1 the ``on:`` key of a GitHub
workflow reads as the boolean true; :mod:`mlsec_policy.yamlpos` spells such keys ``'true'``,
and this module hides that. Jobs and steps keep their document paths so that analyzers can
report at the exact line of a ``uses:``, a ``ref:`` or the line of a ``run:`` block holding an
expression.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from mlsec_policy.analyzers.base import FileContext
from mlsec_policy.analyzers.read.yamldoc import YamlDoc, file_docs, mapping, sequence
from mlsec_policy.models import JsonValue

GITHUB_FORMATS = frozenset({"github-actions", "github-action"})
GITLAB_RESERVED = frozenset(
    {
        "image",
        "services",
        "stages",
        "types",
        "before_script",
        "after_script",
        "variables",
        "cache",
        "include",
        "default",
        "workflow",
        "spec",
    }
)
"""Top-level GitLab CI keys that are not jobs."""


@dataclass(frozen=True, slots=True)
class Step:
    """One step of a GitHub Actions job (or of a composite action)."""

    doc: YamlDoc
    path: tuple[str | int, ...]
    data: Mapping[str, JsonValue]

    @property
    def uses(self) -> str | None:
        """Return the action the step uses, if any."""
        value = self.data.get("uses")
        return value.strip() if isinstance(value, str) else None

    @property
    def run(self) -> str | None:
        """Return the step's shell script, if any."""
        value = self.data.get("run")
        return value if isinstance(value, str) else None

    @property
    def inputs(self) -> Mapping[str, JsonValue]:
        """Return the step's ``with:`` inputs."""
        return mapping(self.data.get("with"))


@dataclass(frozen=True, slots=True)
class Job:
    """One job of a workflow (GitHub) or pipeline (GitLab)."""

    doc: YamlDoc
    id: str
    path: tuple[str | int, ...]
    data: Mapping[str, JsonValue]

    def steps(self) -> Iterator[Step]:
        """Yield the job's steps (GitHub)."""
        for index, step in enumerate(sequence(self.data.get("steps"))):
            if isinstance(step, Mapping):
                yield Step(self.doc, (*self.path, "steps", index), step)


@dataclass(frozen=True, slots=True)
class Workflow:
    """A GitHub Actions workflow, or a composite action (whose steps form one job)."""

    doc: YamlDoc
    data: Mapping[str, JsonValue]
    triggers: frozenset[str]

    def jobs(self) -> Iterator[Job]:
        """Yield the jobs; a composite action yields one job named ``action``."""
        runs = mapping(self.data.get("runs"))
        if runs:
            yield Job(self.doc, "action", ("runs",), runs)
            return
        for job_id, job in mapping(self.data.get("jobs")).items():
            if isinstance(job, Mapping):
                yield Job(self.doc, job_id, ("jobs", job_id), job)


def github_workflow(context: FileContext) -> Workflow | None:
    """Return the workflow of a GitHub Actions file, or None for other CI formats."""
    if context.artifact.format not in GITHUB_FORMATS:
        return None
    docs = file_docs(context, helm=False)
    if not docs or not isinstance(docs[0].data, Mapping):
        return None
    data = mapping(docs[0].data)
    return Workflow(docs[0], data, _triggers(data.get("on", data.get("true"))))


def _triggers(value: JsonValue) -> frozenset[str]:
    if isinstance(value, str):
        return frozenset({value})
    if isinstance(value, list):
        return frozenset(str(v) for v in value)
    return frozenset(str(k) for k in mapping(value))


def gitlab_pipeline(context: FileContext) -> YamlDoc | None:
    """Return the document of a GitLab CI file, or None for other CI formats."""
    if context.artifact.format != "gitlab-ci":
        return None
    docs = file_docs(context, helm=False)
    return docs[0] if docs and isinstance(docs[0].data, Mapping) else None


def gitlab_jobs(doc: YamlDoc) -> Iterator[Job]:
    """Yield the jobs of a GitLab pipeline (hidden ``.template`` jobs included)."""
    for name, job in mapping(doc.data).items():
        if name not in GITLAB_RESERVED and isinstance(job, Mapping):
            yield Job(doc, name, (name,), job)


def line_containing(text: str, start: int, needle: str) -> int:
    """Return the first line at or after ``start`` whose text contains ``needle``."""
    lines = text.splitlines()
    for number in range(max(start, 1), len(lines) + 1):
        if needle in lines[number - 1]:
            return number
    return start
