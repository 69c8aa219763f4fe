"""Container image references, and whether they are pinned to a version tag or a digest.

One analyzer serves every place an image is named: ``FROM`` lines of Dockerfiles (all stages,
with build arguments resolved from their defaults and references to earlier stages skipped),
Kubernetes containers, compose services, GitLab CI ``image:``/``services:``, and GitHub
Actions job containers and service containers. References built from variables that cannot be
resolved (``FROM $BASE`` without a default, a Helm expression, ``${TAG}`` in compose) are not
judged: nobody can say from the file what they pull.

What a file names is not always what gets pulled. A compose service that also has a ``build:``
section and a bare local name (``app:dev``) names the image it builds, not one it pulls. A
Kubernetes manifest that kustomize overlays include is deployed as they rewrite it:
``images:`` entries re-tag or pin it, and a patch that sets the container's image replaces it
(the patch is judged where it is written).
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
from mlsec_policy.analyzers.read.dockerfile import Instruction, lineage, parse, stages
from mlsec_policy.analyzers.read.kubernetes import Container, K8sObject, load_objects
from mlsec_policy.analyzers.read.kustomize import Index, Kustomization, overlays, selects
from mlsec_policy.analyzers.read.yamldoc import (
    YamlDoc,
    is_templated_value,
    mapping,
    sequence,
    unconditional,
)
from mlsec_policy.models import ArtifactKind, JsonValue

DIGEST = re.compile(r"@sha256:[0-9a-f]{64}$")
_VARIABLE = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}?")


@dataclass(frozen=True, slots=True)
class ImageRef:
    """An image named somewhere in a file."""

    text: str
    line: int
    deployed: tuple[tuple[str, str], ...] = ()
    """(reference, kustomization) for each way overlays deploy the image; empty: as written."""


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
        if not image.deployed:
            message = problem(image.text, require)
            if message:
                yield Observation(context.at(image.line), message=message, key=image.text)
            continue
        for reference, via in image.deployed:
            message = problem(reference, require)
            if message:
                if reference != image.text:
                    message += f" (what {via} deploys {image.text} as)"
                yield Observation(context.at(image.line), message=message, key=image.text)
                break


def _references(context: FileContext) -> Iterator[ImageRef]:
    kind = context.artifact.kind
    if kind is ArtifactKind.DOCKERFILE:
        yield from dockerfile_images(context.read_text())
    elif kind is ArtifactKind.KUBERNETES:
        yield from _kubernetes_images(context)
    elif kind is ArtifactKind.COMPOSE:
        for service in services(context):
            image = service.data.get("image")
            if isinstance(image, str) and not _built_locally(service.data, image):
                yield from _judgeable(image, service.line("image"))
    elif kind is ArtifactKind.CI_WORKFLOW:
        yield from _ci_images(context)


def _built_locally(service: Mapping[str, JsonValue], image: str) -> bool:
    """Return True when a compose service's ``image`` only names what its ``build`` produces.

    With both keys, compose may try the registry first: a name with a namespace or registry
    (``owner/app:1.0``) can really be pulled and is judged; a bare local name (``app:dev``)
    is the build's tag. ``pull_policy`` says it outright when given.
    """
    if "build" not in service:
        return False
    policy = str(service.get("pull_policy") or "")
    if policy == "build":
        return True
    return policy != "always" and "/" not in image.split("@", 1)[0]


def _kubernetes_images(context: FileContext) -> Iterator[ImageRef]:
    kustomize = overlays(context)
    path = context.artifact.path
    chains = [] if kustomize.is_patch(path) else kustomize.chains(path)
    for obj in load_objects(context):
        for pod in obj.pods():
            for container in (*pod.containers, *pod.others):
                image = container.data.get("image")
                if not isinstance(image, str):
                    continue
                line = obj.doc.line((*container.path, "image"))
                deployed = [_through(kustomize, chain, obj, container, image) for chain in chains]
                kept = tuple(d for d in deployed if d is not None)
                if deployed and not kept:
                    continue  # every overlay's patch replaces the image
                for ref in _judgeable(image, line):
                    yield ImageRef(ref.text, ref.line, kept)


def _through(
    kustomize: Index, chain: list[Kustomization], obj: K8sObject, container: Container, image: str
) -> tuple[str, str] | None:
    """Return (reference, kustomization) as a chain deploys an image; None when a patch sets it."""
    reference, via = image.strip(), chain[0].path
    for kustomization in chain:
        for patch in kustomization.patches:
            for patch_object in kustomize.patch_objects(patch):
                if selects(patch, patch_object, obj) and _sets_image(patch_object, container):
                    return None
        for override in kustomization.images:
            rewritten = override.apply(reference)
            if rewritten is not None:
                reference, via = rewritten, kustomization.path
    return reference, via


def _sets_image(patch_object: K8sObject, container: Container) -> bool:
    return any(
        c.data.get("name") == container.data.get("name") and "image" in c.data
        for pod in patch_object.pods()
        for c in (*pod.containers, *pod.others)
    )


def _global_args(instructions: list[Instruction]) -> dict[str, str]:
    """Return the defaults of the ``ARG`` instructions declared before the first FROM."""
    defaults: dict[str, str] = {}
    for instruction in instructions:
        if instruction.keyword == "FROM":
            break
        if instruction.keyword == "ARG":
            name, _, value = instruction.arguments.partition("=")
            defaults[name.strip()] = value.strip().strip("\"'")
    return defaults


def final_base_image(text: str) -> str | None:
    """Return the image the final stage is built on (through earlier stages), if it is known."""
    instructions = parse(text)
    all_stages = stages(instructions)
    if not all_stages:
        return None
    root = lineage(all_stages[-1], all_stages)[-1]
    words = [w for w in root.start.arguments.split() if not w.startswith("--")]
    return substitute(words[0], _global_args(instructions)) if words else None


def dockerfile_images(text: str) -> Iterator[ImageRef]:
    """Yield the base images of every stage, resolving ``ARG`` defaults declared before FROM."""
    instructions = parse(text)
    defaults = _global_args(instructions)
    seen_stages: set[str] = set()
    for stage in stages(instructions):
        words = [w for w in stage.start.arguments.split() if not w.startswith("--")]
        if words:
            image = substitute(words[0], defaults)
            if image and image.lower() != "scratch" and image.lower() not in seen_stages:
                yield from _judgeable(image, stage.start.line)
        if stage.name:
            seen_stages.add(stage.name.lower())


def substitute(text: str, values: Mapping[str, str]) -> str | None:
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
