"""Security tooling in CI: the categories of scanner the pipelines run, and those missing.

A check lists categories (static analysis, dependency audit, model scanning...), each a
regular expression over the text of CI pipeline files and the pre-commit configuration. A
category may apply only when the repository holds files of some kinds (model scanning only
where there are models). One finding per category that no pipeline runs is attached to the
first CI file; its message names the categories CI does run and where, so it is clear which
part is missing.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from mlsec_policy.analyzers.base import AnalyzerSpec, Observation, RepoContext
from mlsec_policy.analyzers.params import Params
from mlsec_policy.models import ArtifactKind, Location

_READ_LIMIT = 1024 * 1024


@dataclass(frozen=True, slots=True)
class ToolCategory:
    """A category of security tool CI must run."""

    name: str
    regex: str
    """Matched against the text of the CI pipelines and the pre-commit configuration."""
    when_kinds: tuple[ArtifactKind, ...] = ()
    """Required only when the repository holds files of one of these kinds (empty: always)."""


@dataclass(frozen=True, slots=True)
class CiSecurityTools:
    """Parameters of ``ci-security-tools``."""

    categories: tuple[ToolCategory, ...]


def ci_security_tools(context: RepoContext, params: CiSecurityTools) -> Iterable[Observation]:
    """Yield one observation per required category of security tool that CI never runs."""
    pipelines = [a for a in context.all_artifacts if a.kind is ArtifactKind.CI_WORKFLOW]
    if not pipelines:
        return
    hooks = [a for a in context.all_artifacts if a.format == "pre-commit"]
    texts = [
        (a.path, context.file(a).read_bytes(_READ_LIMIT).decode("utf-8", errors="replace"))
        for a in (*pipelines, *hooks)
    ]
    present = {a.kind for a in context.all_artifacts}
    found: dict[str, str] = {}
    missing: list[str] = []
    for category in params.categories:
        needs = set(category.when_kinds)
        if needs and not needs & present:
            continue
        regex = re.compile(category.regex, re.IGNORECASE | re.MULTILINE)
        where = next((path for path, text in texts if regex.search(text)), None)
        if where is None:
            missing.append(category.name)
        else:
            found[category.name] = where
    ran = "; ".join(f"it does run {name.split(' (')[0]} ({where})" for name, where in found.items())
    for name in missing:
        yield Observation(
            Location(pipelines[0].path),
            message=f"no CI pipeline runs {name}" + (f"; {ran}" if ran else ""),
            key=name,
        )


SPEC = AnalyzerSpec(
    name="ci-security-tools",
    description="Categories of security scanner (SAST, SCA, model scanning) no CI pipeline runs.",
    kinds=frozenset({ArtifactKind.CI_WORKFLOW, ArtifactKind.CONFIG}),
    params=Params.beside(CiSecurityTools, __name__, "ci-security-tools"),
    repo=ci_security_tools,
)
"""The analyzer of this module, for the registry."""
