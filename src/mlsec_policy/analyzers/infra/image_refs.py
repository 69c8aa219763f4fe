"""Container image references, and whether they are pinned to a version tag or a digest.

One analyzer serves every place an image is named: ``FROM`` lines of Dockerfiles (all stages,
with build arguments resolved from their defaults and references to earlier stages skipped),
Kubernetes containers, compose services, GitLab CI ``image:``/``services:``, and GitHub
Actions job containers and service containers. References built from variables that cannot be
resolved (``FROM $BASE`` without a default, a Helm expression, ``${TAG}`` in compose) are not
judged: nobody can say from the file what they pull.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Literal

from mlsec_policy.analyzers.base import AnalyzerSpec, FileContext, Observation
from mlsec_policy.analyzers.params import Params
from mlsec_policy.analyzers.read.ci import github_workflow, gitlab_jobs, gitlab_pipeline
from mlsec_policy.analyzers.read.compose import services
from mlsec_policy.analyzers.read.dockerfile import parse, stages
from mlsec_policy.analyzers.read.kubernetes import load_objects
from mlsec_policy.analyzers.read.yamldoc import (
    YamlDoc,
    is_templated_value,
    mapping,
    sequence,
    unconditional,
)
from mlsec_policy.models import ArtifactKind

DIGEST = re.compile(r"@sha256:[0-9a-f]{64}$")
_VARIABLE = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}?")


@dataclass(frozen=True, slots=True)
class ImageRef:
    """An image named somewhere in a file."""

    text: str
    line: int


def problem(reference: str, require: str) -> str | None:
    """Return what is wrong with ``reference`` under ``require`` (``tag`` or ``digest``)."""
    if DIGEST.search(reference):
        return None
    if require == "digest":
        return f"the image {reference} is not pinned by digest (@sha256:...)"
    name = reference.rsplit("/", 1)[-1]
    if ":" not in name:
        return f"the image {reference} has no tag, so it pulls whatever :latest is today"
    if name.rsplit(":", 1)[1] == "latest":
        return f"the image {reference} uses the mutable :latest tag"
    return None


@dataclass(frozen=True, slots=True)
class ImagePinning:
    """Parameters of ``image-pinning``."""

    require: Literal["tag", "digest"]
    """Whether a version tag suffices or only a digest pins an image."""


def image_pinning(context: FileContext, params: ImagePinning) -> Iterable[Observation]:
    """Report image references that are not pinned as the check requires."""
    require = params.require
    for image in _references(context):
        message = problem(image.text, require)
        if message:
            yield Observation(context.at(image.line), message=message, key=image.text)


def _references(context: FileContext) -> Iterator[ImageRef]:
    kind = context.artifact.kind
    if kind is ArtifactKind.DOCKERFILE:
        yield from dockerfile_images(context.read_text())
    elif kind is ArtifactKind.KUBERNETES:
        for obj in load_objects(context):
            for pod in obj.pods():
                for container in (*pod.containers, *pod.others):
                    image = container.data.get("image")
                    if isinstance(image, str):
                        line = obj.doc.line((*container.path, "image"))
                        yield from _judgeable(image, line)
    elif kind is ArtifactKind.COMPOSE:
        for service in services(context):
            image = service.data.get("image")
            if isinstance(image, str):
                yield from _judgeable(image, service.line("image"))
    elif kind is ArtifactKind.CI_WORKFLOW:
        yield from _ci_images(context)


def dockerfile_images(text: str) -> Iterator[ImageRef]:
    """Yield the base images of every stage, resolving ``ARG`` defaults declared before FROM."""
    instructions = parse(text)
    defaults: dict[str, str] = {}
    for instruction in instructions:
        if instruction.keyword == "FROM":
            break
        if instruction.keyword == "ARG":
            name, _, value = instruction.arguments.partition("=")
            defaults[name.strip()] = value.strip().strip("\"'")
    seen_stages: set[str] = set()
    for stage in stages(instructions):
        words = [w for w in stage.start.arguments.split() if not w.startswith("--")]
        if words:
            image = _substitute(words[0], defaults)
            if image and image.lower() != "scratch" and image.lower() not in seen_stages:
                yield from _judgeable(image, stage.start.line)
        if stage.name:
            seen_stages.add(stage.name.lower())


def _substitute(text: str, values: Mapping[str, str]) -> str | None:
    """Expand ``$VAR``/``${VAR}``/``${VAR:-default}``; None when a variable has no value."""
    missing = False

    def expand(match: re.Match[str]) -> str:
        nonlocal missing
        value = values.get(match.group(1)) or match.group(2)
        if not value:
            missing = True
            return ""
        return value

    result = _VARIABLE.sub(expand, text)
    return None if missing else result


def _judgeable(image: str, line: int) -> Iterator[ImageRef]:
    text = image.strip()
    if text and "$" not in text and "{{" not in text and not is_templated_value(text):
        yield ImageRef(text, line)


def _ci_images(context: FileContext) -> Iterator[ImageRef]:
    workflow = github_workflow(context)
    if workflow is not None:
        for job in workflow.jobs():
            container = job.data.get("container")
            path = (*job.path, "container")
            if isinstance(container, Mapping):
                path = (*path, "image")
                container = mapping(container).get("image")
            if isinstance(container, str):
                yield from _judgeable(container, workflow.doc.line(path))
            for name, service in mapping(job.data.get("services")).items():
                image = mapping(service).get("image")
                if isinstance(image, str):
                    line = workflow.doc.line((*job.path, "services", name, "image"))
                    yield from _judgeable(image, line)
        return
    doc = gitlab_pipeline(context)
    if doc is None:
        return
    yield from _gitlab_images(doc, ())
    yield from _gitlab_images(doc, ("default",))
    for job in gitlab_jobs(doc):
        yield from _gitlab_images(doc, job.path)


def _gitlab_images(doc: YamlDoc, base: tuple[str | int, ...]) -> Iterator[ImageRef]:
    node = mapping(doc.data)
    for key in base:
        node = mapping(node.get(str(key)))
    image = node.get("image")
    image_path: tuple[str | int, ...] = (*base, "image")
    if isinstance(image, Mapping):
        image, image_path = mapping(image).get("name"), (*image_path, "name")
    if isinstance(image, str):
        yield from _judgeable(image, doc.line(image_path))
    for index, service in enumerate(sequence(node.get("services"))):
        path: tuple[str | int, ...] = (*base, "services", index)
        if isinstance(service, Mapping):
            service, path = mapping(service).get("name"), (*path, "name")
        if isinstance(service, str):
            yield from _judgeable(service, doc.value_line(path))


SPEC = AnalyzerSpec(
    name="image-pinning",
    description="Container images referenced by :latest, without a tag, or without a digest.",
    kinds=frozenset(
        {
            ArtifactKind.DOCKERFILE,
            ArtifactKind.KUBERNETES,
            ArtifactKind.COMPOSE,
            ArtifactKind.CI_WORKFLOW,
        }
    ),
    params=Params.beside(ImagePinning, __name__, "image-pinning"),
    file=unconditional(image_pinning),
)
"""The analyzer of this module, for the registry."""
