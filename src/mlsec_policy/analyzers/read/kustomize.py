"""Kustomize overlays: which kustomizations build a manifest, and what they change in it.

A kustomize *base* is not what gets deployed: the kustomizations that include it (directly or
through other kustomizations) may rename or re-tag its images (``images:``) and merge patches
onto its objects (``patches:``, ``patchesStrategicMerge:``). A patch file, for its part, is not
a whole object: it only says what changes. Judging either alone gives false findings — an
untagged placeholder that every overlay replaces, a patch "missing" the limits its base sets.

This module reads every kustomization of the inventory (``kustomization.yaml``, ``.yml``,
``Kustomization``) into an index: the files each one includes, the patches it applies and the
image overrides it declares. *Entry points* are kustomizations that no other includes; a
manifest is deployed through every chain from an entry point down to it. Nothing is rendered
or fetched: remote resources are ignored.
"""

from __future__ import annotations

import fnmatch
import posixpath
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from functools import partial

from mlsec_policy.analyzers.base import AnalyzerError, FileContext, FileSkipped
from mlsec_policy.analyzers.read.kubernetes import K8sObject, objects_from_text
from mlsec_policy.analyzers.read.yamldoc import Mapping_, mapping, sequence, yaml_docs

NAMES = frozenset({"kustomization.yaml", "kustomization.yml", "kustomization"})
_MAX_CHAINS = 64
_MAX_BYTES = 512 * 1024


@dataclass(frozen=True, slots=True)
class ImageOverride:
    """An ``images:`` entry: the image it matches and what it becomes."""

    name: str
    new_name: str | None
    new_tag: str | None
    digest: str | None

    def apply(self, reference: str) -> str | None:
        """Return ``reference`` as this override rewrites it, or None when it does not match."""
        name, tag, digest = split_reference(reference)
        if name != self.name:
            return None
        name = self.new_name or name
        if self.digest:
            return f"{name}@{self.digest}"
        if self.new_tag:
            return f"{name}:{self.new_tag}"
        return f"{name}@{digest}" if digest else f"{name}:{tag}" if tag else name


@dataclass(frozen=True, slots=True)
class Patch:
    """A patch file a kustomization applies, and the objects it selects."""

    path: str
    target_kind: str | None
    target_name: str | None


@dataclass(frozen=True, slots=True)
class Kustomization:
    """One kustomization file, its paths resolved against the scanned root."""

    path: str
    directory: str
    resources: tuple[str, ...]
    patches: tuple[Patch, ...]
    images: tuple[ImageOverride, ...]


@dataclass(frozen=True, slots=True)
class Index:
    """Every kustomization of the target and how they include each other and files."""

    root: str
    by_directory: Mapping[str, Kustomization]
    file_parents: Mapping[str, tuple[str, ...]]
    """File path → directories of the kustomizations that list it as a resource."""
    dir_parents: Mapping[str, tuple[str, ...]]
    """Kustomization directory → directories of the kustomizations that include it."""
    patch_users: Mapping[str, tuple[str, ...]]
    """Patch file path → directories of the kustomizations that apply it."""
    context: FileContext | None = None
    """The file whose analyzer asks: reads of patches are recorded as its reads."""

    def is_patch(self, path: str) -> bool:
        """Return True when a kustomization applies the file as a patch."""
        return path in self.patch_users

    def chains(self, path: str) -> list[list[Kustomization]]:
        """Return every chain of kustomizations that deploys the file, innermost first."""
        result: list[list[Kustomization]] = []
        for directory in self.file_parents.get(path, ()):
            self._climb([self.by_directory[directory]], result)
        return result[:_MAX_CHAINS]

    def _climb(self, chain: list[Kustomization], result: list[list[Kustomization]]) -> None:
        if len(result) >= _MAX_CHAINS:
            return
        parents = [
            p
            for p in self.dir_parents.get(chain[-1].directory, ())
            if all(k.directory != p for k in chain)
        ]
        if not parents:
            result.append(chain)
        for parent in parents:
            self._climb([*chain, self.by_directory[parent]], result)

    def patch_objects(self, patch: Patch) -> tuple[K8sObject, ...]:
        """Return the objects of a patch file of the inventory (none when it cannot be read)."""
        context = self.context
        if context is None or not context.artifacts(paths=(patch.path,)):
            return ()  # only files of the inventory are read (nothing outside the target)
        return context.shared(
            ("kustomize-patch", patch.path), partial(_patch_objects, context, patch.path)
        )


def overlays(context: FileContext) -> Index:
    """Return the kustomize index of the target a file belongs to (built once per scan)."""
    found = tuple(sorted(a.path for a in context.artifacts(names=NAMES)))
    index = context.shared(("kustomize-index", found), partial(_index, context, found))
    return replace(index, context=context)


def split_reference(reference: str) -> tuple[str, str | None, str | None]:
    """Split an image reference into name, tag and digest."""
    name, _, digest = reference.partition("@")
    last = name.rsplit("/", 1)[-1]
    tag = None
    if ":" in last:
        name, _, tag = name.rpartition(":")
    return name, tag, digest or None


def selects(patch: Patch, patch_object: K8sObject, target: K8sObject) -> bool:
    """Return True when a patch (or one of its objects) applies to ``target``."""
    if patch.target_kind or patch.target_name:
        kind_ok = patch.target_kind is None or patch.target_kind == target.kind
        name_ok = patch.target_name is None or fnmatch.fnmatchcase(target.name, patch.target_name)
        return kind_ok and name_ok
    return patch_object.kind == target.kind and patch_object.name == target.name


def _index(context: FileContext, files: tuple[str, ...]) -> Index:
    by_directory: dict[str, Kustomization] = {}
    for path in files:
        kustomization = _read(context, path)
        if kustomization is not None and kustomization.directory not in by_directory:
            by_directory[kustomization.directory] = kustomization
    file_parents: dict[str, list[str]] = {}
    dir_parents: dict[str, list[str]] = {}
    patch_users: dict[str, list[str]] = {}
    for directory, kustomization in by_directory.items():
        for resource in kustomization.resources:
            target = dir_parents if resource in by_directory else file_parents
            target.setdefault(resource, []).append(directory)
        for patch in kustomization.patches:
            patch_users.setdefault(patch.path, []).append(directory)
    return Index(
        str(context.root),
        by_directory,
        {k: tuple(v) for k, v in file_parents.items()},
        {k: tuple(v) for k, v in dir_parents.items()},
        {k: tuple(v) for k, v in patch_users.items()},
    )


def _head(context: FileContext, path: str) -> str:
    """Return the first bytes of a file of the target as text (a recorded read)."""
    data = context.other_bytes(path)
    if data is None:
        raise OSError(f"{path} cannot be read")
    return data[:_MAX_BYTES].decode("utf-8", errors="replace")


def _read(context: FileContext, path: str) -> Kustomization | None:
    """Read one kustomization; an unreadable one contributes nothing (it changes nothing)."""
    try:
        docs = yaml_docs(_head(context, path), helm=False)
    except (OSError, AnalyzerError, FileSkipped):
        return None
    data = mapping(docs[0].data) if docs else {}
    directory = posixpath.dirname(path)
    resources = [
        _join(directory, str(entry))
        for key in ("resources", "bases", "components")
        for entry in sequence(data.get(key))
        if isinstance(entry, str) and "://" not in entry and not entry.startswith("github.com")
    ]
    return Kustomization(
        path,
        directory,
        tuple(resources),
        tuple(_patches(directory, data)),
        tuple(_images(data)),
    )


def _patches(directory: str, data: Mapping_) -> Iterator[Patch]:
    for entry in sequence(data.get("patchesStrategicMerge")):
        if isinstance(entry, str) and "\n" not in entry:
            yield Patch(_join(directory, entry), None, None)
    for key in ("patches", "patchesJson6902"):
        for entry in sequence(data.get(key)):
            item = mapping(entry)
            path = item.get("path")
            if not isinstance(path, str):
                continue
            target = mapping(item.get("target"))
            kind, name = target.get("kind"), target.get("name")
            yield Patch(
                _join(directory, path),
                kind if isinstance(kind, str) else None,
                name if isinstance(name, str) else None,
            )


def _images(data: Mapping_) -> Iterator[ImageOverride]:
    for entry in sequence(data.get("images")):
        item = mapping(entry)
        name = item.get("name")
        if not isinstance(name, str):
            continue
        values = [item.get(key) for key in ("newName", "newTag", "digest")]
        new_name, new_tag, digest = (str(v) if v not in (None, "") else None for v in values)
        yield ImageOverride(name, new_name, new_tag, digest)


def _join(directory: str, entry: str) -> str:
    return posixpath.normpath(posixpath.join(directory, entry.strip()))


def _patch_objects(context: FileContext, path: str) -> tuple[K8sObject, ...]:
    try:
        return tuple(objects_from_text(_head(context, path), helm=False))
    except (OSError, AnalyzerError, FileSkipped):
        return ()
