"""Dependency judgements: pinning of ML-critical packages, package sources, lock files.

Which manifests are judged for *pinning* is the precision rule of this module:

- *environment* manifests — requirements files, Pipfile, conda environments, and pyproject
  files that declare an application (Poetry ``package-mode = false``, uv ``package = false``)
  — say what gets installed, so ML-critical packages there must be pinned: exactly, or (by
  default) to one release series (``~=1.26.2``, ``==1.26.*``, conda ``numpy=1.26``), which
  keeps the API and defaults of a major.minor and lets only bug-fix releases in. Which
  packages are ML-critical is policy data (the check's ``packages`` and ``prefixes``);
  whether the environment as a whole is locked (any drift, patch releases included) is the
  ``dependency-lock`` analyzer's question;
- *library* metadata (PEP 621 ``dependencies``, ``setup.cfg``, Poetry package metadata) states
  what a published package accepts; ranges there are correct practice and are not reported;
- ``requirements.in`` files are inputs to a lock compiler and are not judged for pinning;
- requirements for building documentation (``docs/requirements.txt``, ``requirements-docs.txt``)
  are not judged, and neither are requirements files of a *package that deploys nothing* (a
  project with ``setup.py`` or a ``[project]`` table and no Dockerfile, compose file, Procfile
  or Binder folder): there they are development conveniences, not a deployed environment.

Whatever the manifest, a requirement held inside the affected range of an advisory the check
names is reported (``held-inside``, ids of the offline snapshot: torch below 2.6, where
``torch.load`` could run code even with ``weights_only=True``, CVE-2025-32434); so are unsafe
sources: extra indexes (dependency confusion), plain HTTP, disabled TLS checks and VCS
requirements not pinned to a commit.

The declared versions also grade other checks' findings: see
:func:`mlsec_policy.analyzers.dependencies.versions.graded_by_versions`.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from mlsec_policy.analyzers.base import (
    AnalyzerSpec,
    FileAnalyzer,
    FileContext,
    Observation,
    RepoAnalyzer,
    RepoContext,
)
from mlsec_policy.analyzers.params import NO_PARAMS, NoParams, Params
from mlsec_policy.analyzers.read.advisories import Verdict, load_snapshot
from mlsec_policy.analyzers.read.manifests import Entry, Manifest, Role, read_manifest
from mlsec_policy.analyzers.read.requirements import Pin, Spec, SpecKind, normalise
from mlsec_policy.models import (
    Artifact,
    ArtifactKind,
    Location,
    Severity,
)

LOCK_NAMES = frozenset(
    {"poetry.lock", "uv.lock", "pdm.lock", "pipfile.lock", "conda-lock.yml", "conda-lock.yaml",
     "pylock.toml"}
)  # fmt: skip


def manifest_of(context: FileContext) -> Manifest | None:
    """Return the manifest the context's file holds, or None when its format is not known."""
    return read_manifest(context.other_text, context.artifact.path, context.read_text())


@dataclass(frozen=True, slots=True)
class Pins:
    """Parameters of ``dependency-pins``: which packages are ML-critical, what counts as pinned."""

    packages: tuple[str, ...]
    """Names of ML-critical packages (any spelling; compared in PEP 503 normal form)."""
    prefixes: tuple[str, ...] = ()
    """Name prefixes that make a package ML-critical (``torch-``: torch extensions)."""
    accept_series: bool = True
    """Accept a range held to one major.minor (``~=1.26.2``, ``==1.26.*``) as pinned."""
    held_inside: tuple[str, ...] = ()
    """Ids of advisories of the offline snapshot (``policies/advisories/``) whose affected range
    no requirement may be held inside, whatever the manifest (torch < 2.6: GHSA-53q9-r3pm-6pq6)."""

    def critical(self, spec: Spec) -> bool:
        """Return True for a requirement on an ML-critical package."""
        if spec.name is None:
            return False
        names = {normalise(name) for name in self.packages}
        return spec.name in names or spec.name.startswith(
            tuple(normalise(p) for p in self.prefixes)
        )


def dependency_pins(context: FileContext, params: Pins) -> Iterable[Observation]:
    """Yield loosely pinned ML-critical packages in environment manifests, and torch < 2.6."""
    manifest = manifest_of(context)
    if manifest is None:
        return
    for line, problem in manifest.problems:
        yield Observation(
            Location(context.artifact.path, line),
            message=f"{problem}; what it installs cannot be checked (fix the line, or keep "
            "included files inside the repository)",
            severity=Severity.LOW,
            key=f"unreadable:{line}",
        )
    own = [e for e in manifest.entries if e.path == context.artifact.path]
    for entry in own:
        yield from _held_inside(entry, params.held_inside)
    if manifest.role is not Role.ENVIRONMENT or locked_beside(context, manifest):
        return
    if not deployed(context.root, context.artifact.path):
        return
    for entry in own:
        spec = entry.spec
        if spec.kind is not SpecKind.INDEX or not params.critical(spec):
            continue
        if spec.pin is Pin.EXACT or (spec.pin is Pin.PATCH and params.accept_series):
            continue
        how = {Pin.NONE: "is not pinned", Pin.OPEN: "has only a lower bound",
               Pin.RANGE: "is pinned to a range that admits new minor releases",
               Pin.PATCH: "is pinned to a range of patch releases"}[spec.pin]  # fmt: skip
        yield Observation(
            Location(entry.path, entry.line),
            message=f"{spec.name} {how} ({spec.text.strip()}); each install can pull a different "
            "release of an ML-critical package — pin it with == (or install from a lock file)",
            severity=Severity.MEDIUM if spec.pin in {Pin.NONE, Pin.OPEN} else Severity.LOW,
            key=f"loose:{spec.name}",
            group=f"loose:{spec.name}{spec.specifier}",
        )


def _held_inside(entry: Entry, identifiers: tuple[str, ...]) -> Iterator[Observation]:
    """Yield a requirement every release of which one of the named advisories affects."""
    spec = entry.spec
    if spec.kind is not SpecKind.INDEX or spec.name is None or not identifiers:
        return
    snapshot = load_snapshot()
    for advisory in (a for a in snapshot.of(spec.name) if a.id in identifiers):
        if advisory.judge(spec.specifier) is not Verdict.AFFECTED:
            continue
        fixed = advisory.fixed_for(str(spec.specifier).lstrip("=")) or "a fixed release"
        short = fixed.removesuffix(".0")
        why = f": {advisory.note}" if advisory.note else ""
        yield Observation(
            Location(entry.path, entry.line),
            message=f"{spec.name} is held below {short} ({spec.specifier}), inside the affected "
            f"range of {advisory.label()}{why}; allow {fixed} or later",
            severity=Severity.HIGH,
            key=f"{spec.name}-below-{short}",
            group=f"{spec.name}-below-{short}:{spec.specifier}",
        )


DOCS = re.compile(r"(?i)(?:^|[-_./])docs?(?:[-_./]|$)")
DEPLOY_GLOBS = (
    "Dockerfile*", "*/Dockerfile*", "*.Dockerfile", "Containerfile", "docker-compose*.y*ml",
    "compose*.y*ml", "Procfile", "binder/*", ".binder/*", "app.yaml", "*/app.yaml",
)  # fmt: skip


def deployed(root: Path, path: str) -> bool:
    """Return True when an environment manifest describes something that gets deployed."""
    if DOCS.search(path):
        return False
    project = _project_dir(root, PurePosixPath(path).parent)
    return project is None or _deploys(root / project)


def _project_dir(root: Path, folder: PurePosixPath) -> str | None:
    """Return the nearest folder (up to root) holding package metadata, or None."""
    for candidate in (folder, *folder.parents):
        base = root / str(candidate)
        if (base / "setup.py").is_file() or _is_package(base / "pyproject.toml"):
            return str(candidate)
    return None


def _is_package(pyproject: Path) -> bool:
    try:
        text = pyproject.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return bool(re.search(r"^\[project\]|^\[tool\.poetry\]", text, re.MULTILINE)) and not re.search(
        r"package-mode\s*=\s*false|^package\s*=\s*false", text, re.MULTILINE
    )


@functools.cache
def _deploys(project: Path) -> bool:
    return any(next(project.glob(pattern), None) is not None for pattern in DEPLOY_GLOBS)


def locked_beside(context: FileContext, manifest: Manifest) -> bool:
    """Return True when a Pipfile or an application pyproject has its lock file beside it."""
    name = PurePosixPath(manifest.path).name.lower()
    if name not in {"pipfile", "pyproject.toml"}:
        return False
    folder = PurePosixPath(context.artifact.path).parent
    return any(
        context.is_file(str(folder / lock))
        for lock in ("Pipfile.lock", "poetry.lock", "uv.lock", "pdm.lock")
    )


def dependency_sources(context: FileContext, params: NoParams) -> Iterable[Observation]:
    """Yield extra indexes, plain-HTTP or unverified sources, and unpinned VCS requirements."""
    manifest = manifest_of(context)
    if manifest is None or manifest.role is Role.LOCK:
        return
    for option in manifest.options:
        if option.path != context.artifact.path:
            continue
        yield from _option(
            option.name, option.value, option.insecure, Location(option.path, option.line)
        )
    for entry in manifest.entries:
        if entry.path != context.artifact.path:
            continue
        spec = entry.spec
        where = Location(entry.path, entry.line)
        label = spec.name or spec.text
        if spec.plain_http:
            yield Observation(
                where,
                message=f"{label} is downloaded over plain HTTP, so anyone on "
                "the path can replace it; use https",
                severity=Severity.HIGH,
                key=f"http:{label}",
                group=f"http:{spec.text}",
            )
        elif spec.kind is SpecKind.VCS and not spec.vcs_pinned:
            yield Observation(
                where,
                message=f"{label} comes from a VCS reference that is not a "
                "commit hash (a branch or tag can be moved); pin @<commit sha>",
                severity=Severity.MEDIUM,
                key=f"vcs:{label}",
                group=f"vcs:{spec.url}",
            )
        elif spec.kind is SpecKind.URL and not entry.hashed and "sha256=" not in spec.text:
            yield Observation(
                where,
                message=f"{label} is installed from a URL without a hash; add "
                "--hash=sha256:… (or #sha256=…) so a changed file is refused",
                severity=Severity.LOW,
                key=f"url:{label}",
                group=f"url:{spec.url}",
            )


def _option(name: str, value: str, insecure: bool, where: Location) -> Iterator[Observation]:
    if name in {"--extra-index-url"}:
        yield Observation(
            where,
            message="--extra-index-url makes pip pick the highest version "
            "from any index, so a public package can shadow a private one "
            "(dependency confusion); use a single --index-url that proxies both",
            severity=Severity.HIGH,
            key=f"extra-index:{value}",
            group=f"extra-index:{value}",
        )
    if insecure or name == "--trusted-host":
        yield Observation(
            where,
            message=f"TLS verification is off for {value or 'a source'}; "
            "packages from it can be replaced in transit",
            severity=Severity.HIGH,
            key=f"insecure:{value}",
            group=f"insecure:{name}:{value}",
        )
    elif value.startswith("http://"):
        yield Observation(
            where,
            message=f"packages are fetched from {value.split('@')[-1]} over plain HTTP; use https",
            severity=Severity.HIGH,
            key=f"http-source:{value}",
            group=f"http-source:{value}",
        )


def dependency_lock(context: RepoContext, params: NoParams) -> Iterable[Observation]:
    """Yield environment manifests that nothing pins: not fully ``==``-pinned and no lock file."""
    manifests = [a for a in context.artifacts if a.kind is ArtifactKind.DEPENDENCY_MANIFEST]
    locks = {
        PurePosixPath(a.path).parent
        for a in context.all_artifacts
        if PurePosixPath(a.path).name.lower() in LOCK_NAMES
    }
    for artifact in manifests:
        folder = PurePosixPath(artifact.path).parent
        if folder in locks or PurePosixPath(".") in locks:
            continue
        manifest = read_manifest(context.root, artifact.path, context.file(artifact).read_text())
        if manifest is None or manifest.role is not Role.ENVIRONMENT:
            continue
        if not deployed(context.root, artifact.path):
            continue
        yield from _unlocked(artifact, manifest)


def _unlocked(artifact: Artifact, manifest: Manifest) -> Iterator[Observation]:
    installs = [e for e in manifest.entries if e.spec.kind is not SpecKind.PATH]
    loose = [e for e in installs if _drifts(e)]
    own = [e for e in loose if e.path == artifact.path]
    if loose:
        first = (own or loose)[0]
        line = first.line if first.path == artifact.path else 1
        names = ", ".join(sorted({normalise(e.spec.name or e.spec.text) for e in loose})[:5])
        series = all(e.spec.kind is SpecKind.INDEX and e.spec.pin is Pin.PATCH for e in loose)
        how = "are held only to a release series" if series else "are not pinned with =="
        yield Observation(
            Location(artifact.path, line),
            message=f"{len(loose)} of {len(installs)} requirements {how} ({names}"
            f"{' …' if len(loose) > 5 else ''}) and no lock file pins them"
            + ("; only patch releases can change what is installed" if series else ""),
            severity=Severity.LOW if series else None,
            key="unlocked",
            group="unlocked:" + " ".join(sorted({_label(e) for e in loose})),
        )
        return
    index = [e for e in installs if e.spec.kind is SpecKind.INDEX]
    if index and PurePosixPath(artifact.path).suffix == ".txt" and not any(e.hashed for e in index):
        own_index = [e for e in index if e.path == artifact.path]
        yield Observation(
            Location(artifact.path, own_index[0].line if own_index else 1),
            message="the requirements are pinned but carry no --hash, so a replaced release file "
            "with the same version would still install; generate hashes (pip-compile "
            "--generate-hashes, uv pip compile --generate-hashes)",
            severity=Severity.LOW,
            key="no-hashes",
            group="no-hashes:" + " ".join(sorted({_label(e) for e in index})),
        )


def _drifts(entry: Entry) -> bool:
    """Return True when what the requirement installs can change without an edit."""
    spec = entry.spec
    if spec.kind is SpecKind.INDEX:
        return spec.pin is not Pin.EXACT
    return spec.kind is SpecKind.VCS and not spec.vcs_pinned


def _label(entry: Entry) -> str:
    spec = entry.spec
    return f"{spec.name}{spec.specifier}" if spec.name else spec.text


def _spec(
    name: str,
    description: str,
    file: FileAnalyzer[Any] | None = None,
    repo: RepoAnalyzer[Any] | None = None,
    params: Params[Any] = NO_PARAMS,
    cached: bool = True,
) -> AnalyzerSpec[Any]:
    kinds = frozenset({ArtifactKind.DEPENDENCY_MANIFEST})
    return AnalyzerSpec(name, description, kinds, params, file=file, repo=repo, cached=cached)


SPEC_PINS = _spec(
    "dependency-pins",
    "ML-critical packages not pinned in environment manifests; torch < 2.6.",
    file=dependency_pins,
    params=Params.beside(Pins, __name__, "dependency-pins"),
    # whether a project gets deployed is a glob over its folder on disk, not a recorded read
    cached=False,
)
SPEC_SOURCES = _spec(
    "dependency-sources",
    "Extra indexes, plain HTTP or unverified sources, VCS requirements without a sha.",
    file=dependency_sources,
)
SPEC_LOCK = _spec(
    "dependency-lock",
    "Environment manifests neither fully pinned nor covered by a lock file.",
    repo=dependency_lock,
)

SPECS: tuple[AnalyzerSpec[Any], ...] = (SPEC_LOCK, SPEC_PINS, SPEC_SOURCES)
"""The analyzers of this domain, for the registry."""
