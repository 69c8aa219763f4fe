"""GitHub Actions analyzers: action pinning, PR-head checkout, script injection, permissions.

Each analyzer reads a workflow (or composite action) through :mod:`..read.ci` and reports at the
line of the step or setting concerned. Which owners count as trusted, which contexts an outsider
controls, and which refs point at a pull request's code are check parameters: policy data.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Literal

from mlsec_policy.analyzers.base import (
    AnalyzerError,
    AnalyzerSpec,
    FileContext,
    FileSkipped,
    Observation,
)
from mlsec_policy.analyzers.params import Params
from mlsec_policy.analyzers.read.ci import Job, Workflow, github_workflow, line_containing
from mlsec_policy.analyzers.read.yamldoc import mapping
from mlsec_policy.models import ArtifactKind, JsonValue

FULL_SHA = re.compile(r"^[0-9a-f]{40}$")
EXPRESSION = re.compile(r"\$\{\{(.*?)\}\}", re.DOTALL)


@dataclass(frozen=True, slots=True)
class UnpinnedActions:
    """Parameters of ``gha-unpinned-actions``."""

    trusted_owners: tuple[str, ...] = ()
    """Owners whose actions may be pinned to a tag (``actions``, your organisation)."""


@dataclass(frozen=True, slots=True)
class PrHeadCheckout:
    """Parameters of ``gha-pr-head-checkout``."""

    triggers: tuple[str, ...]
    """Triggers that run with the base repository's secrets (``pull_request_target``...)."""
    head_refs: str
    """A regular expression over ``actions/checkout``'s ``ref`` that names the PR's code."""
    fetch_commands: str | None = None
    """A regular expression over run scripts that fetch the PR's code."""


@dataclass(frozen=True, slots=True)
class ScriptInjection:
    """Parameters of ``gha-script-injection``."""

    untrusted: tuple[str, ...]
    """Regular expressions of the expression contexts an outsider controls."""


@dataclass(frozen=True, slots=True)
class Permissions:
    """Parameters of ``gha-permissions``."""

    report: tuple[Literal["write-all", "missing"], ...]


def unpinned_actions(context: FileContext, params: UnpinnedActions) -> Iterable[Observation]:
    """Report actions and reusable workflows not pinned to a full commit SHA."""
    workflow = github_workflow(context)
    if workflow is None:
        return
    trusted = {owner.lower() for owner in params.trusted_owners}
    for job in workflow.jobs():
        targets: list[tuple[tuple[str | int, ...], str]] = []
        if isinstance(job.data.get("uses"), str):
            targets.append(((*job.path, "uses"), str(job.data["uses"])))
        targets.extend(((*s.path, "uses"), s.uses) for s in job.steps() if s.uses)
        for path, uses in targets:
            problem = _pin_problem(uses, trusted)
            if problem:
                yield Observation(
                    context.at(workflow.doc.line(path)), message=problem, snippet=f"uses: {uses}"
                )


def _pin_problem(uses: str, trusted: set[str]) -> str | None:
    if uses.startswith("./"):
        return None
    if uses.startswith("docker://"):
        if "@sha256:" in uses:
            return None
        return f"the step runs the container {uses[9:]} by a mutable tag, not a digest"
    name, _, ref = uses.partition("@")
    owner = name.split("/", 1)[0].lower()
    if owner in trusted or FULL_SHA.match(ref):
        return None
    where = repr(ref) if ref else "its default branch"
    return f"{name} is used at {where}, a mutable ref, not a full commit SHA"


def pr_head_checkout(context: FileContext, params: PrHeadCheckout) -> Iterable[Observation]:
    """Report privileged-trigger workflows that check out or fetch the pull request's code."""
    workflow = github_workflow(context)
    triggers = set(params.triggers)
    if workflow is None or not triggers & workflow.triggers:
        return
    head_ref = re.compile(params.head_refs, re.IGNORECASE)
    fetch_text = params.fetch_commands
    fetch = re.compile(fetch_text, re.IGNORECASE) if fetch_text else None
    trigger = ", ".join(sorted(triggers & workflow.triggers))
    for job in workflow.jobs():
        for step in job.steps():
            ref = step.inputs.get("ref")
            uses = (step.uses or "").split("@", 1)[0].lower()
            if uses == "actions/checkout" and isinstance(ref, str) and head_ref.search(ref):
                yield Observation(
                    context.at(workflow.doc.line((*step.path, "with", "ref"))),
                    message=f"a {trigger} workflow checks out the pull request's code ({ref}) "
                    "and runs it with the base repository's secrets and write token",
                )
            match = fetch.search(step.run) if fetch and step.run else None
            if match:
                start = workflow.doc.value_line((*step.path, "run"))
                yield Observation(
                    context.at(line_containing(context.read_text(), start, match.group(0))),
                    message=f"a {trigger} workflow fetches the pull request's code in a run step",
                )


def script_injection(context: FileContext, params: ScriptInjection) -> Iterable[Observation]:
    """Report ``${{ }}`` expressions over attacker-controlled contexts inside scripts."""
    workflow = github_workflow(context)
    if workflow is None:
        return
    untrusted = [re.compile(p) for p in params.untrusted]
    text = context.read_text()
    for job in workflow.jobs():
        for path, script in _scripts(job):
            start = workflow.doc.value_line(path)
            seen: set[int] = set()
            for match in EXPRESSION.finditer(script):
                expression = " ".join(match.group(1).split())
                if not any(pattern.search(expression) for pattern in untrusted):
                    continue
                line = line_containing(text, start, match.group(0).split("\n", 1)[0])
                if line in seen:
                    continue
                seen.add(line)
                yield Observation(
                    context.at(line),
                    message=f"${{{{ {expression} }}}} is written into a script: whoever controls "
                    "it can inject shell commands; pass it through env: instead",
                    snippet=match.group(0),
                )


def _scripts(job: Job) -> Iterator[tuple[tuple[str | int, ...], str]]:
    for step in job.steps():
        if step.run:
            yield (*step.path, "run"), step.run
        script = step.inputs.get("script")
        if (step.uses or "").startswith("actions/github-script") and isinstance(script, str):
            yield (*step.path, "with", "script"), script


def permissions(context: FileContext, params: Permissions) -> Iterable[Observation]:
    """Report write-all permissions, or a workflow that leaves a job on the default token.

    A job that calls a local reusable workflow restricting its own permissions is not left on
    the default token.
    """
    workflow = github_workflow(context)
    if workflow is None or workflow.data.get("runs"):
        return
    report = set(params.report)
    top = workflow.data.get("permissions")
    jobs = list(workflow.jobs())
    if "write-all" in report:
        yield from _write_all(context, workflow, top, jobs)
    bare = [j.id for j in jobs if "permissions" not in j.data and not _restricted_call(context, j)]
    if "missing" in report and top is None and bare:
        yield Observation(
            context.at(workflow.doc.line(("jobs",))),
            message="the workflow sets no top-level permissions, so job(s) "
            + ", ".join(bare)
            + " get the repository's default token, which may be read-write",
        )


def _restricted_call(context: FileContext, job: Job) -> bool:
    """Return True when a job calls a local reusable workflow that restricts its own token.

    A called workflow can only narrow the token its caller passes, so a ``permissions`` block
    at its top (or on each of its jobs) bounds what the calling job gets.
    """
    uses = job.data.get("uses")
    if not isinstance(uses, str) or not uses.startswith("./"):
        return False
    path = posixpath.normpath(uses.split("@", 1)[0])
    called = next(iter(context.artifacts(paths=(path,))), None)
    if called is None:
        return False
    try:
        workflow = github_workflow(context.within(called))
    except (AnalyzerError, FileSkipped):
        return False
    if workflow is None:
        return False
    top = workflow.data.get("permissions")
    if top is not None:
        return not _grants_write_all(top)
    jobs = list(workflow.jobs())
    return bool(jobs) and all("permissions" in j.data for j in jobs)


def _write_all(
    context: FileContext, workflow: Workflow, top: JsonValue, jobs: list[Job]
) -> Iterator[Observation]:
    if _grants_write_all(top):
        yield Observation(
            context.at(workflow.doc.line(("permissions",))),
            message="the workflow grants its token write access to everything (write-all)",
        )
    elif len(jobs) > 1 and any(v == "write" for v in mapping(top).values()):
        writes = sorted(k for k, v in mapping(top).items() if v == "write")
        yield Observation(
            context.at(workflow.doc.line(("permissions",))),
            message="top-level permissions give every job write access to "
            + ", ".join(writes)
            + "; grant write only to the job that needs it",
        )
    for job in jobs:
        if _grants_write_all(job.data.get("permissions")):
            yield Observation(
                context.at(workflow.doc.line((*job.path, "permissions"))),
                message=f"job {job.id!r} grants its token write access to everything (write-all)",
            )


def _grants_write_all(value: JsonValue) -> bool:
    return isinstance(value, str) and value.strip() == "write-all"


CI = frozenset({ArtifactKind.CI_WORKFLOW})

SPECS = (
    AnalyzerSpec(
        name="gha-unpinned-actions",
        description="Actions, reusable workflows and docker:// steps not pinned immutably.",
        kinds=CI,
        params=Params.beside(UnpinnedActions, __name__, "gha-unpinned-actions"),
        file=unpinned_actions,
    ),
    AnalyzerSpec(
        name="gha-pr-head-checkout",
        description="pull_request_target/workflow_run workflows that check out PR code.",
        kinds=CI,
        params=Params.beside(PrHeadCheckout, __name__, "gha-pr-head-checkout"),
        file=pr_head_checkout,
    ),
    AnalyzerSpec(
        name="gha-script-injection",
        description="Attacker-controlled ${{ }} expressions interpolated into run scripts.",
        kinds=CI,
        params=Params.beside(ScriptInjection, __name__, "gha-script-injection"),
        file=script_injection,
    ),
    AnalyzerSpec(
        name="gha-permissions",
        description="write-all token permissions, or no top-level permissions block.",
        kinds=CI,
        params=Params.beside(Permissions, __name__, "gha-permissions"),
        file=permissions,
    ),
)
"""The analyzers of this module, for the registry."""
