"""Dependency update automation: Dependabot or Renovate must cover every ecosystem in use.

The ecosystems a repository uses are read from its inventory: Python dependency manifests
(``pip``), Dockerfiles (``docker``) and GitHub Actions workflows (``github-actions``). Dependabot
covers an ecosystem when ``.github/dependabot.yml`` has an ``updates`` entry for it. Renovate
covers every ecosystem by default; when its configuration lists ``enabledManagers`` only those
count. For each ecosystem nobody updates, one finding is attached to the first file of that
ecosystem, so the report says exactly what is left to rot.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable

from mlsec_policy.analyzers.base import AnalyzerSpec, Observation, RepoContext
from mlsec_policy.analyzers.params import NO_PARAMS, NoParams
from mlsec_policy.analyzers.read.yamldoc import mapping, sequence, yaml_docs
from mlsec_policy.models import Artifact, ArtifactKind, JsonValue, Location
from mlsec_policy.textfile import decode, load_json

DEPENDABOT = (".github/dependabot.yml", ".github/dependabot.yaml")
RENOVATE = (
    "renovate.json",
    "renovate.json5",
    ".renovaterc",
    ".renovaterc.json",
    ".renovaterc.json5",
    ".github/renovate.json",
    ".github/renovate.json5",
    ".gitlab/renovate.json",
    ".gitlab/renovate.json5",
)
DEPENDABOT_NAMES = {
    "pip": frozenset({"pip", "uv"}),
    "docker": frozenset({"docker", "docker-compose"}),
    "github-actions": frozenset({"github-actions"}),
}
RENOVATE_MANAGERS = {
    "pip": frozenset(
        {"pip_requirements", "pip_setup", "pipenv", "poetry", "pep621", "pip-compile", "setup-cfg"}
    ),
    "docker": frozenset({"dockerfile", "docker-compose"}),
    "github-actions": frozenset({"github-actions"}),
}
_MANAGERS = re.compile(r"enabledManagers['\"]?\s*:\s*\[([^\]]*)\]", re.DOTALL)
_READ_LIMIT = 512 * 1024


def update_automation(context: RepoContext, params: NoParams) -> Iterable[Observation]:
    """Yield one observation per ecosystem in use that no update bot covers."""
    used = _ecosystems(context.all_artifacts)
    if not used:
        return
    paths = {artifact.path: artifact for artifact in context.all_artifacts}
    covered: set[str] = set()
    tools: list[str] = []
    for name in DEPENDABOT:
        if name in paths:
            tools.append(name)
            covered |= _dependabot(context, paths[name])
    for name in RENOVATE:
        if name in paths:
            tools.append(name)
            covered |= _renovate(context, paths[name])
    for ecosystem, first in sorted(used.items()):
        if ecosystem in covered:
            continue
        by = " and ".join(tools) + " does not update" if tools else "nothing updates"
        yield Observation(
            Location(first.path),
            message=f"{by} the {ecosystem} dependencies (first seen in {first.path})",
            key=ecosystem,
        )


def _ecosystems(artifacts: Iterable[Artifact]) -> dict[str, Artifact]:
    found: dict[str, Artifact] = {}
    for artifact in artifacts:
        ecosystem = None
        if artifact.kind is ArtifactKind.DEPENDENCY_MANIFEST and artifact.format != "conda":
            ecosystem = "pip"
        elif artifact.kind is ArtifactKind.DOCKERFILE:
            ecosystem = "docker"
        elif artifact.kind is ArtifactKind.CI_WORKFLOW and artifact.format == "github-actions":
            ecosystem = "github-actions"
        if ecosystem and ecosystem not in found:
            found[ecosystem] = artifact
    return found


def _dependabot(context: RepoContext, artifact: Artifact) -> set[str]:
    text = decode(context.file(artifact).read_bytes(_READ_LIMIT))
    docs = yaml_docs(text, helm=False)
    updates = sequence(mapping(docs[0].data).get("updates")) if docs else []
    names = {str(mapping(entry).get("package-ecosystem", "")) for entry in updates}
    return {ecosystem for ecosystem, accepted in DEPENDABOT_NAMES.items() if accepted & names}


def _renovate(context: RepoContext, artifact: Artifact) -> set[str]:
    text = decode(context.file(artifact).read_bytes(_READ_LIMIT))
    managers: set[str] | None = None
    try:
        data: JsonValue = load_json(text)
    except json.JSONDecodeError:  # JSON5 with comments: look for the one setting that matters
        match = _MANAGERS.search(text)
        if match:
            managers = set(re.findall(r"[\w-]+", match.group(1)))
    else:
        listed = mapping(data).get("enabledManagers")
        if isinstance(listed, list):
            managers = {str(item) for item in listed}
    if managers is None:
        return set(RENOVATE_MANAGERS)
    return {ecosystem for ecosystem, names in RENOVATE_MANAGERS.items() if names & managers}


SPEC = AnalyzerSpec(
    name="update-automation",
    description="Ecosystems in use (pip, docker, github-actions) that no update bot covers.",
    kinds=frozenset(
        {ArtifactKind.DEPENDENCY_MANIFEST, ArtifactKind.DOCKERFILE, ArtifactKind.CI_WORKFLOW}
    ),
    params=NO_PARAMS,
    repo=update_automation,
)
"""The analyzer of this module, for the registry."""
