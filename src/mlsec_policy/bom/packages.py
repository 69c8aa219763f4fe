"""``library`` components from the dependency manifests, ``container`` ones from Dockerfiles.

Manifests are read by :mod:`mlsec_policy.analyzers.read.manifests` (requirements with their
``--hash`` options, pyproject, Pipfile, conda environments, poetry/uv/pdm locks) and, here,
``Pipfile.lock`` (JSON). One component per package: its version only when some manifest pins
exactly one (``==``, a lock file); it is ``direct`` when a manifest a person writes names it,
``locked`` when a lock file or a hash-pinned requirement fixes it. Every place it is declared
is kept with its specifier, so an open requirement reads "version unknown", never "safe".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import quote

from packaging.version import InvalidVersion, Version

from mlsec_policy.analyzers.read.dockerfile import parse, stages
from mlsec_policy.analyzers.read.manifests import Role, line_of, read_manifest
from mlsec_policy.analyzers.read.requirements import Pin, SpecKind, normalise
from mlsec_policy.bom.files import read_text
from mlsec_policy.bom.parts import Basis, Kind, Part, Source, ref_for
from mlsec_policy.models import ArtifactKind, Inventory
from mlsec_policy.textfile import load_json


@dataclass(frozen=True, slots=True, order=True)
class Declared:
    """One requirement of a package in one manifest."""

    name: str
    path: str
    line: int
    specifier: str
    """The version constraint as written (``==2.5.1``, ``>=4.30``; empty when none)."""
    exact: str | None
    """The one version the requirement admits, when it admits one."""
    locked: bool
    """From a lock file, or pinned with ``--hash``."""
    direct: bool
    """From a manifest a person writes (not a lock, not a compiled file)."""
    url: str | None = None


def declarations(root: Path, inventory: Inventory) -> list[Declared]:
    """Return every package requirement of every dependency manifest, sorted."""
    found: list[Declared] = []
    for artifact in inventory.of_kind(ArtifactKind.DEPENDENCY_MANIFEST):
        text = read_text(root / artifact.path)
        if text is None:
            continue
        if PurePosixPath(artifact.path).name.lower() == "pipfile.lock":
            found.extend(_pipfile_lock(artifact.path, text))
            continue
        manifest = read_manifest(root, artifact.path, text)
        if manifest is None:
            continue
        compiled = bool(manifest.entries) and all(e.hashed for e in manifest.entries)
        for entry in manifest.entries:
            spec = entry.spec
            name = spec.name or _name_from_url(spec.url)
            if name is None:
                continue
            exact = _exact(str(spec.specifier)) if spec.pin is Pin.EXACT else None
            locked = manifest.role is Role.LOCK or (entry.hashed and exact is not None)
            found.append(
                Declared(
                    name,
                    entry.path or artifact.path,
                    entry.line,
                    str(spec.specifier),
                    exact,
                    locked,
                    manifest.role is not Role.LOCK and not compiled,
                    spec.url if spec.kind in {SpecKind.VCS, SpecKind.URL} else None,
                )
            )
    return sorted(set(found))


def _name_from_url(url: str | None) -> str | None:
    """Return a project name read from a VCS or archive URL's last path segment."""
    if not url:
        return None
    tail = url.split("#", 1)[0].split("@")[-2 if url.count("@") > 1 else 0].rstrip("/")
    segment = tail.rsplit("/", 1)[-1].removesuffix(".git")
    if segment.endswith((".whl", ".zip", ".tar.gz", ".tgz")):
        return None
    return normalise(segment) if re.fullmatch(r"[A-Za-z0-9][\w.-]*", segment) else None


def _exact(specifier: str) -> str | None:
    items = [s.strip() for s in specifier.split(",") if s.strip()]
    for item in items:
        for operator in ("===", "=="):
            if item.startswith(operator) and "*" not in item:
                return item[len(operator) :].strip()
    return None


def _pipfile_lock(path: str, text: str) -> list[Declared]:
    try:
        document = load_json(text)
    except ValueError:
        return []
    found: list[Declared] = []
    for section in ("default", "develop"):
        table = document.get(section) if isinstance(document, dict) else None
        for name, entry in (table or {}).items() if isinstance(table, dict) else []:
            version = entry.get("version") if isinstance(entry, dict) else None
            if isinstance(version, str):
                exact = _exact(version)
                line = line_of(text, f'"{name}": {{')
                found.append(Declared(normalise(name), path, line, version, exact, True, False))
    return found


def library_parts(declared: list[Declared]) -> list[Part]:
    """Return one library component per package, sorted by name."""
    by_name: dict[str, list[Declared]] = {}
    for item in declared:
        by_name.setdefault(item.name, []).append(item)
    parts: list[Part] = []
    for name, items in sorted(by_name.items()):
        versions = sorted({i.exact for i in items if i.exact})
        version = _one_version(items)
        part = Part(Kind.LIBRARY, ref_for(Kind.LIBRARY, f"pypi/{name}"), name)
        part.purl = purl_pypi(name, version)
        pinned = next((i for i in items if i.exact == version), items[0])
        basis = Basis.OBSERVED if pinned.locked else Basis.DECLARED
        if version is not None:
            part.version = version
            part.note("version", Source(basis, pinned.path, pinned.line))
        elif len(versions) > 1:
            part.fill("versions", ",".join(versions), Source(basis, pinned.path, pinned.line))
        else:
            part.fill("version", "unknown (not pinned)", Source(basis, pinned.path, pinned.line))
        part.note("purl", Source(basis, pinned.path, pinned.line))
        roles = [r for r, hit in (("direct", any(i.direct for i in items)),) if hit]
        roles += ["locked"] if any(i.locked for i in items) else []
        part.fill("dependency", ",".join(roles) or "declared", Source(basis, items[0].path))
        part.fill(
            "declared-in",
            "; ".join(f"{i.path}:{i.line} {i.specifier or '(any)'}" for i in items),
            Source(Basis.DECLARED, items[0].path, items[0].line),
        )
        part.locations.update(f"{i.path}:{i.line}" for i in items)
        urls = sorted({i.url for i in items if i.url})
        if urls:
            part.fill("source-url", urls[0], Source(Basis.DECLARED, items[0].path, items[0].line))
        parts.append(part)
    return parts


def _one_version(items: list[Declared]) -> str | None:
    """Return the version the exact pins agree on, or None when there is none or they disagree.

    ``2.13.0`` and ``2.13.0+cpu`` agree: the locked, more specific one is kept.
    """
    exact = [i for i in items if i.exact]
    publics = {_public(i.exact or "") for i in exact}
    if len(publics) != 1:
        return None
    best = sorted(exact, key=lambda i: (not i.locked, -len(i.exact or ""), i.exact or ""))
    return best[0].exact


def _public(version: str) -> str:
    try:
        return Version(version).public
    except InvalidVersion:
        return version


def purl_pypi(name: str, version: str | None) -> str:
    """Return the package URL of a PyPI project (version percent-encoded: ``2.5.1%2Bcpu``)."""
    base = f"pkg:pypi/{normalise(name)}"
    return base if version is None else f"{base}@{quote(version, safe='')}"


def container_parts(root: Path, inventory: Inventory) -> list[Part]:
    """Return one container component per base image of every Dockerfile stage."""
    parts: dict[str, Part] = {}
    for artifact in inventory.of_kind(ArtifactKind.DOCKERFILE):
        text = read_text(root / artifact.path)
        if text is None:
            continue
        all_stages = stages(parse(text))
        names = {s.name.lower() for s in all_stages if s.name}
        for stage in all_stages:
            words = [w for w in stage.start.arguments.split() if not w.startswith("--")]
            if not words or words[0].lower() in names | {"scratch"} or "$" in words[0]:
                continue
            image = words[0]
            part = parts.get(image) or _container(image, artifact.path, stage.start.line)
            part.locations.add(f"{artifact.path}:{stage.start.line}")
            parts[image] = part
    return [parts[key] for key in sorted(parts)]


def _container(image: str, path: str, line: int) -> Part:
    reference, _, digest = image.partition("@")
    slash = reference.rfind("/")
    colon = reference.rfind(":")
    name, tag = (reference[:colon], reference[colon + 1 :]) if colon > slash else (reference, "")
    part = Part(Kind.CONTAINER, ref_for(Kind.CONTAINER, image), name)
    source = Source(Basis.DECLARED, path, line)
    part.version = digest or tag or "latest"
    part.note("version", source)
    qualifiers = f"?tag={quote(tag, safe='')}" if tag and digest else ""
    part.purl = f"pkg:docker/{quote(name, safe='/')}@{quote(part.version, safe='')}{qualifiers}"
    part.note("purl", source)
    part.fill("image", image, source)
    part.fill("digest-pinned", "true" if digest else "false", source)
    if digest:
        algorithm, _, value = digest.partition(":")
        if algorithm == "sha256" and len(value) == 64:
            part.hashes["SHA-256"] = value
            part.note("hashes", source)
    return part
