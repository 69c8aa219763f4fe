"""Which releases of a package a repository declares, as seen from one of its files.

A file is governed by the manifests in its own folder and in every folder above it, up to the
repository root: ``requirements*.txt``, ``pyproject.toml`` (dependencies, optional groups,
Poetry and uv tables), ``setup.cfg``, ``setup.py`` (``install_requires`` written as literals,
and the requirements files it names by path, wherever they lie: ``setup.py`` reading
``reqs/requirements_extra.txt`` declares what that file holds), Pipfile, conda environments and
lock files. :meth:`DeclaredVersions.floor` answers whether
every requirement of a package among them admits only releases from a given version on, and
names the requirements it relied on. Nothing is installed, resolved or imported.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from packaging.specifiers import SpecifierSet
from packaging.version import InvalidVersion, Version

from mlsec_policy.analyzers.read.manifests import Entry, read_manifest
from mlsec_policy.analyzers.read.paths import join
from mlsec_policy.analyzers.read.requirements import SpecKind, normalise, parse_spec
from mlsec_policy.models import Artifact, ArtifactKind
from mlsec_policy.pyparse import syntax_tree

MAX_MANIFEST_BYTES = 2 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Requirement:
    """One declared requirement of a package, where it is written."""

    path: str
    line: int
    text: str
    specifier: SpecifierSet
    pinned_elsewhere: bool = False
    """Not from an index (a VCS or URL requirement): its version cannot be read."""

    def display(self) -> str:
        """Return ``text (path:line)`` for a message."""
        return f"{' '.join(self.text.split())} ({self.path}:{self.line})"


def admits_below(specifier: SpecifierSet, version: str) -> bool:
    """Return True when ``specifier`` admits some release older than ``version``."""
    floor = Version(version)
    probes = [Version("0.1"), Version("1.0"), _just_below(floor)]
    for item in specifier:
        try:
            named = Version(item.version.removesuffix(".*"))
        except InvalidVersion:
            continue
        release = list(named.release)
        release[-1] += 1
        probes += [named, Version(".".join(map(str, release)))]
    return any(p < floor and specifier.contains(p, prereleases=True) for p in probes)


def _just_below(version: Version) -> Version:
    """Return a release just older than ``version`` (2.6 → 2.5.999; 3.0 → 2.999.999)."""
    release = [*version.release, 0, 0][:3]
    for index in range(len(release) - 1, -1, -1):
        if release[index] > 0:
            release[index] -= 1
            release[index + 1 :] = [999] * (len(release) - index - 1)
            return Version(".".join(map(str, release)))
    return Version("0")


class DeclaredVersions:
    """The package requirements of a repository, read once per manifest on demand."""

    def __init__(self, root: Path, artifacts: Iterable[Artifact]) -> None:
        self.root = root
        self.by_folder: dict[PurePosixPath, list[str]] = {}
        self.manifests: set[str] = set()
        for artifact in artifacts:
            path = PurePosixPath(artifact.path)
            manifest = artifact.kind is ArtifactKind.DEPENDENCY_MANIFEST or path.name == "setup.py"
            if manifest:
                self.by_folder.setdefault(path.parent, []).append(artifact.path)
                self.manifests.add(artifact.path)
        self._read: dict[str, list[Entry]] = {}

    def governing(self, path: str, packages: Sequence[str]) -> list[Requirement]:
        """Return the requirements of ``packages`` in the manifests that govern ``path``."""
        names = {normalise(p) for p in packages}
        folder = PurePosixPath(path).parent
        found: list[Requirement] = []
        for candidate in (folder, *folder.parents):
            for manifest in sorted(self.by_folder.get(candidate, [])):
                found += [
                    Requirement(
                        e.path or manifest,
                        e.line,
                        e.spec.text,
                        e.spec.specifier,
                        e.spec.kind is not SpecKind.INDEX,
                    )
                    for e in self._entries(manifest)
                    if e.spec.name in names
                ]
        return found

    def floor(self, path: str, packages: Sequence[str], version: str) -> list[Requirement] | None:
        """Return the requirements relied on when all of them admit only ``version`` or later.

        None when no manifest governing ``path`` declares the package, or one of them admits an
        older release (or cannot be read as a version range).
        """
        declared = self.governing(path, packages)
        if not declared:
            return None
        for requirement in declared:
            if requirement.pinned_elsewhere or admits_below(requirement.specifier, version):
                return None
        return declared

    def _entries(self, path: str) -> list[Entry]:
        if path not in self._read:
            self._read[path] = self._load(path)
        return self._read[path]

    def _load(self, path: str) -> list[Entry]:
        full = self.root / path
        try:
            if full.is_symlink() or full.stat().st_size > MAX_MANIFEST_BYTES:
                return []
            text = full.read_bytes().decode("utf-8", errors="replace")
        except OSError:
            return []
        if PurePosixPath(path).name == "setup.py":
            named = [
                entry
                for other in named_manifests(path, text)
                if other in self.manifests and PurePosixPath(other).name != "setup.py"
                for entry in self._entries(other)
            ]
            return setup_py_requirements(path, text) + named
        manifest = read_manifest(self.root, path, text)
        return manifest.entries if manifest is not None else []


def named_manifests(path: str, text: str) -> list[str]:
    """Return the paths, joined to the folder of ``path``, of the strings a ``setup.py`` writes.

    A setup script that builds ``install_requires`` by reading requirements files names them as
    string literals (``open("requirements.txt")``, a list of ``reqs/*.txt`` paths); the caller
    keeps those that are manifests of the repository.
    """
    try:
        tree = syntax_tree(text)
    except (SyntaxError, ValueError):
        return []
    folder = str(PurePosixPath(path).parent)
    named = {
        join(folder, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and node.value.endswith((".txt", ".in"))
        and "\n" not in node.value
    }
    return sorted(named)


def setup_py_requirements(path: str, text: str) -> list[Entry]:
    """Return the ``install_requires`` strings a ``setup.py`` writes as literals."""
    try:
        tree = syntax_tree(text)
    except (SyntaxError, ValueError):
        return []
    lists: dict[str, ast.expr] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name):
                lists[target.id] = node.value
    entries: list[Entry] = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        for keyword in node.keywords:
            if keyword.arg not in {"install_requires", "requires"}:
                continue
            value = keyword.value
            if isinstance(value, ast.Name):
                value = lists.get(value.id, value)
            if isinstance(value, (ast.List, ast.Tuple)):
                for item in value.elts:
                    if isinstance(item, ast.Constant) and isinstance(item.value, str):
                        spec = parse_spec(item.value)
                        if spec is not None:
                            entries.append(Entry(spec, item.lineno, path=path))
    return entries
