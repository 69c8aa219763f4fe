"""The benchmark's manifest: which public repositories, at which commit, and why."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

HERE = Path(__file__).resolve().parent
MANIFEST = HERE / "manifest.yaml"
JUDGEMENTS = HERE / "judgements.csv"
DEFAULT_CORPUS = Path("/work/corpus/realworld")
DEFAULT_RESULTS = Path("/work/corpus/realworld-results")

_SHA = re.compile(r"^[0-9a-f]{40}$")
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


@dataclass(frozen=True)
class Repo:
    """One pinned public repository of the benchmark."""

    name: str
    """Folder under the corpus directory; also the `repo` column of every row."""
    url: str
    commit: str
    """Full 40-hex commit sha the clone's HEAD must equal."""
    kind: str
    why: str
    absent: tuple[str, ...]
    """Files of the commit that the local snapshot lacks (too large for the fetch tool)."""


class ManifestError(Exception):
    """The manifest file is not of the expected form."""


def _text(entry: dict[str, object], key: str, where: str) -> str:
    value = entry.get(key)
    if not isinstance(value, str) or not value.strip():
        raise ManifestError(f"{where}: '{key}' must be a non-empty string")
    return value


def load_manifest(path: Path = MANIFEST) -> list[Repo]:
    """Read and check the manifest; names are unique and commits are full shas."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        raise ManifestError(f"{path}: not valid YAML: {error}") from error
    if not isinstance(data, dict) or data.get("schema") != 1:
        raise ManifestError(f"{path}: expected a mapping with 'schema: 1'")
    entries = data.get("repos")
    if not isinstance(entries, list) or not entries:
        raise ManifestError(f"{path}: 'repos' must be a non-empty list")
    repos: list[Repo] = []
    seen: set[str] = set()
    for number, entry in enumerate(entries, start=1):
        where = f"{path}: repos[{number}]"
        if not isinstance(entry, dict):
            raise ManifestError(f"{where}: each entry must be a mapping")
        name = _text(entry, "name", where)
        commit = _text(entry, "commit", where)
        if not _NAME.match(name) or name in seen:
            raise ManifestError(f"{where}: name {name!r} is not a plain folder name or repeats")
        if not _SHA.match(commit):
            raise ManifestError(f"{where}: commit {commit!r} is not a full 40-hex sha")
        absent = entry.get("absent", [])
        if not isinstance(absent, list) or not all(isinstance(a, str) for a in absent):
            raise ManifestError(f"{where}: 'absent' must be a list of paths")
        seen.add(name)
        repos.append(
            Repo(
                name=name,
                url=_text(entry, "url", where),
                commit=commit,
                kind=_text(entry, "kind", where),
                why=_text(entry, "why", where),
                absent=tuple(absent),
            )
        )
    return repos
