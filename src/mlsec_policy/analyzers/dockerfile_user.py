"""Dockerfile analyzer: the final build stage must switch to a non-root user.

Semgrep cannot judge this reliably: a ``USER`` in an earlier build stage satisfies a
``pattern-not-inside`` and hides a final stage that runs as root (checkov misses it too). Here
the last stage is found, and its own USER instructions — or those of the stages it is built
from (``FROM builder``) — decide.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from mlsec_policy.analyzers.base import AnalyzerSpec, FileContext, Observation, no_params
from mlsec_policy.analyzers.dockerfile_parse import Stage, parse, runtime_instructions, stages
from mlsec_policy.models import ArtifactKind, JsonValue

ROOT_USERS = frozenset({"root", "0", "0:0", "root:root", "root:0", "0:root"})


def final_stage_root(
    context: FileContext, params: Mapping[str, JsonValue]
) -> Iterable[Observation]:
    """Yield an observation when the final stage runs as root."""
    all_stages = stages(parse(context.read_text()))
    if not all_stages:
        return
    final = all_stages[-1]
    user, line = _effective_user(final, all_stages)
    if user is None:
        yield Observation(
            context.at(final.start.line),
            message="the final build stage never sets USER, so the container runs as root",
            snippet=f"FROM {final.start.arguments}",
        )
    elif user.lower() in ROOT_USERS:
        yield Observation(
            context.at(line),
            message=f"the final build stage runs as {user!r}",
            snippet=f"USER {user}",
        )


def _effective_user(stage: Stage, all_stages: list[Stage]) -> tuple[str | None, int]:
    """Return the last USER of the stage, following ``FROM <earlier stage>`` chains."""
    for instruction in runtime_instructions(all_stages, "USER"):
        if instruction.arguments:
            return instruction.arguments.split()[0], instruction.line
    return None, stage.start.line


SPEC = AnalyzerSpec(
    name="dockerfile-final-user",
    description="The final Dockerfile stage runs as root (no USER, or USER root/0).",
    kinds=frozenset({ArtifactKind.DOCKERFILE}),
    params_schema=no_params(),
    file=final_stage_root,
)
