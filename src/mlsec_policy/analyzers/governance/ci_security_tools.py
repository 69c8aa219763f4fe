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
from collections.abc import Iterable, Mapping

from mlsec_policy.analyzers.base import AnalyzerSpec, Observation, RepoContext
from mlsec_policy.analyzers.params import KIND_LIST, object_params
from mlsec_policy.analyzers.read.yamldoc import mapping, sequence
from mlsec_policy.models import ArtifactKind, JsonValue, Location

_READ_LIMIT = 1024 * 1024


def ci_security_tools(
    context: RepoContext, params: Mapping[str, JsonValue]
) -> Iterable[Observation]:
    """Yield one observation per required category of security tool that CI never runs."""
    pipelines = [a for a in context.all_artifacts if a.kind is ArtifactKind.CI_WORKFLOW]
    if not pipelines:
        return
    hooks = [a for a in context.all_artifacts if a.format == "pre-commit"]
    texts = [
        (a.path, context.file(a).read_bytes(_READ_LIMIT).decode("utf-8", errors="replace"))
        for a in (*pipelines, *hooks)
    ]
    present = {a.kind.value for a in context.all_artifacts}
    found: dict[str, str] = {}
    missing: list[str] = []
    for category in sequence(params.get("categories")):
        entry = mapping(category)
        needs = {str(k) for k in sequence(entry.get("when-kinds"))}
        if needs and not needs & present:
            continue
        name = str(entry["name"])
        regex = re.compile(str(entry["regex"]), re.IGNORECASE | re.MULTILINE)
        where = next((path for path, text in texts if regex.search(text)), None)
        if where is None:
            missing.append(name)
        else:
            found[name] = where
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
    params_schema=object_params(
        {
            "categories": {
                "type": "array",
                "minItems": 1,
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["name", "regex"],
                    "properties": {
                        "name": {"type": "string", "minLength": 3},
                        "regex": {"type": "string", "format": "regex"},
                        "when-kinds": KIND_LIST,
                    },
                },
            }
        },
        required=["categories"],
    ),
    repo=ci_security_tools,
)
"""The analyzer of this module, for the registry."""
