"""Analyzer ``dockerfile-final-user``: the user the shipped image runs as.

Semgrep cannot judge the final user reliably: a ``USER`` in an earlier build stage satisfies a
``pattern-not-inside`` and hides a final stage that runs as root (checkov misses it too). Here
the last stage is found, and its own USER instructions — or those of the stages it is built
from (``FROM builder``) — decide.

A final stage without any USER runs as whatever user its base image declares. Images cannot be
pulled during a scan, so that user is looked up in the check's ``non-root-images`` table:
well-known images that declare a non-root user (``gcr.io/distroless/...:nonroot``, Ray's
images, the Jupyter stacks). An image in the table passes; the message of any other says the
verdict rests on the image not being in it. When the repository's compose files build the
Dockerfile and run every such service as a non-root ``user:``, the finding stays — any other
runtime still starts the image as root — but is graded low and says so.
"""

from __future__ import annotations

import fnmatch
import posixpath
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from mlsec_policy.analyzers.base import (
    AnalyzerError,
    AnalyzerSpec,
    FileContext,
    FileSkipped,
    Observation,
)
from mlsec_policy.analyzers.infra.image_refs import final_base_image, substitute
from mlsec_policy.analyzers.params import Params
from mlsec_policy.analyzers.read.compose import services
from mlsec_policy.analyzers.read.dockerfile import Stage, parse, runtime_instructions, stages
from mlsec_policy.analyzers.read.yamldoc import mapping
from mlsec_policy.models import ArtifactKind, Severity

ROOT_USERS = frozenset({"root", "0", "0:0", "root:root", "root:0", "0:root"})
_REGISTRY_PREFIXES = ("docker.io/library/", "docker.io/", "index.docker.io/", "library/")


@dataclass(frozen=True, slots=True)
class FinalUser:
    """Parameters of ``dockerfile-final-user``."""

    non_root_images: tuple[str, ...] = ()
    """Base images (``name:tag`` globs; a bare name means any tag) that declare a non-root user."""


def final_stage_root(context: FileContext, params: FinalUser) -> Iterable[Observation]:
    """Yield an observation when the final stage runs as root."""
    text = context.read_text()
    all_stages = stages(parse(text))
    if not all_stages:
        return
    final = all_stages[-1]
    user, line = _effective_user(final, all_stages)
    if user is not None and user.lower() not in ROOT_USERS:
        return
    if user is None:
        base = final_base_image(text)
        if base is not None and _non_root_image(base, params.non_root_images):
            return
        message = (
            "the final build stage never sets USER, and its base image "
            + (f"{base} " if base and "{" not in base else "")
            + "is not one known to declare a non-root user, so the container runs as root"
        )
        snippet = f"FROM {final.start.arguments}"
    else:
        message = f"the final build stage runs as {user!r}"
        snippet = f"USER {user}"
    runners = list(_compose_users(context))
    if runners and all(u.split(":", 1)[0] not in {"root", "0"} for _path, u in runners):
        shown = ", ".join(sorted({f"{path} runs it as user {u}" for path, u in runners}))
        yield Observation(
            context.at(line),
            message=f"{message}; {shown}, but any other runtime starts it as root",
            severity=Severity.LOW,
            snippet=snippet,
        )
        return
    yield Observation(context.at(line), message=message, snippet=snippet)


def _effective_user(stage: Stage, all_stages: list[Stage]) -> tuple[str | None, int]:
    """Return the last USER of the stage, following ``FROM <earlier stage>`` chains."""
    for instruction in runtime_instructions(all_stages, "USER"):
        if instruction.arguments:
            return instruction.arguments.split()[0], instruction.line
    return None, stage.start.line


def _non_root_image(reference: str, table: tuple[str, ...]) -> bool:
    """Return True when the image matches an entry of the non-root table (``name:tag`` globs)."""
    name = reference.split("@", 1)[0]
    for prefix in _REGISTRY_PREFIXES:
        if name.startswith(prefix):
            name = name[len(prefix) :]
            break
    if ":" not in name.rsplit("/", 1)[-1]:
        name += ":latest"
    bare = name.rsplit(":", 1)[0]
    return any(fnmatch.fnmatchcase(name, p) or fnmatch.fnmatchcase(bare, p) for p in table)


def _compose_users(context: FileContext) -> Iterator[tuple[str, str]]:
    """Yield (compose file, user) for each compose service that builds this Dockerfile."""
    target = context.artifact.path
    here = posixpath.dirname(target)
    for artifact in context.artifacts(ArtifactKind.COMPOSE):
        folder = posixpath.dirname(artifact.path)
        if not (here == folder or here.startswith(folder + "/") or folder == ""):
            continue
        try:
            found = list(services(context.within(artifact)))
        except (AnalyzerError, FileSkipped):
            continue
        for service in found:
            build = service.data.get("build")
            if build is None:
                continue
            spec = mapping(build) if not isinstance(build, str) else {"context": build}
            folder_of = posixpath.join(folder, str(spec.get("context") or "."))
            dockerfile = str(spec.get("dockerfile") or "Dockerfile")
            if posixpath.normpath(posixpath.join(folder_of, dockerfile)) != target:
                continue
            user = service.data.get("user")
            shown = substitute(str(user), {}) if user is not None else None
            yield artifact.path, shown or "root"


SPEC = AnalyzerSpec(
    name="dockerfile-final-user",
    description="The final Dockerfile stage runs as root (no USER, or USER root/0); a base "
    "image listed in non-root-images counts as a non-root user.",
    kinds=frozenset({ArtifactKind.DOCKERFILE}),
    params=Params.beside(FinalUser, __name__, "dockerfile-final-user"),
    file=final_stage_root,
)
"""The analyzer of this module, for the registry."""
