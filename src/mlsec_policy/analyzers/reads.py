"""What a file analyzer consulted beyond its own file, so its results can be kept and trusted.

A file analyzer looks at other files of the target only through its :class:`.base.FileContext`
(another file by path, whether a file exists, the inventory's artifacts of a kind or a name).
Each of those records a *dependency* in the file's :class:`ReadLog`:

- ``("file", path, sha256)`` — the bytes of another file, ``sha256`` None when the file is
  absent, not a regular file, outside the target or unreadable;
- ``("listing", query, digest)`` — the artifacts of the inventory a query matched (their paths,
  kinds and formats), so a new or removed file the analyzer would have listed counts.

The result cache stores a file's dependencies with its analyzers' outcomes and trusts them only
while every dependency still has the recorded value (:mod:`..engines.native_cached`).
:class:`ScanReads` is shared by every file of one scan: another file is read (and hashed) at
most once per scan, a listing computed once, and what an analyzer derives from other files
(a module's constants, a configuration key's value) built once together with the dependencies
its building recorded.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TypeVar, cast

from mlsec_policy.models import Artifact, ArtifactKind

T = TypeVar("T")
Dependency = tuple[str, str, str | None]
"""(``file`` or ``listing``, the path or the query, the digest — None: absent)."""
_Known = dict[tuple[str, str], str | None]
KEPT_BYTES = 1024 * 1024
"""Files up to this size are kept for the rest of the scan once read; larger ones are read
again when asked for (their digest is kept)."""


@dataclass(frozen=True, slots=True)
class Query:
    """Which artifacts of the inventory an analyzer lists: of a kind, named so, at a path."""

    kind: ArtifactKind | None = None
    names: tuple[str, ...] = ()
    """Lower-case file names (any folder); empty: any name."""
    paths: tuple[str, ...] = ()
    """Exact paths; empty: any path."""

    def matches(self, artifact: Artifact) -> bool:
        """Return True when ``artifact`` is one the query lists."""
        if self.kind is not None and artifact.kind is not self.kind:
            return False
        if self.names and PurePosixPath(artifact.path).name.lower() not in self.names:
            return False
        return not self.paths or artifact.path in self.paths

    def text(self) -> str:
        """Return the query as canonical text (how a cache entry names it)."""
        kind = None if self.kind is None else self.kind.value
        return json.dumps([kind, sorted(self.names), sorted(self.paths)])

    @classmethod
    def parse(cls, text: str) -> Query:
        """Return the query :meth:`text` wrote (ValueError when it is not one)."""
        value = json.loads(text)
        if not isinstance(value, list) or len(value) != 3:
            raise ValueError("a listing query is [kind, names, paths]")
        kind, names, paths = value
        if not isinstance(names, list) or not isinstance(paths, list):
            raise ValueError("a listing query holds two lists")
        return cls(
            None if kind is None else ArtifactKind(kind),
            tuple(str(n) for n in names),
            tuple(str(p) for p in paths),
        )


def listing_digest(artifacts: tuple[Artifact, ...]) -> str:
    """Return the digest of a listing: its artifacts' paths, kinds and formats, in order."""
    rows = [[a.path, a.kind.value, a.format] for a in artifacts]
    return hashlib.sha256(json.dumps(rows).encode()).hexdigest()


class ReadLog:
    """The dependencies the analyzers of one file recorded (see the module docstring)."""

    def __init__(self) -> None:
        """Start with nothing consulted."""
        self.known: _Known = {}
        self._captures: list[_Known] = []

    def add(self, kind: str, name: str, value: str | None) -> None:
        """Record that ``name`` (a path or a query) had ``value`` when it was consulted."""
        self.known[(kind, name)] = value
        for capture in self._captures:
            capture[(kind, name)] = value

    def extend(self, dependencies: _Known) -> None:
        """Record dependencies that a value built earlier in the scan recorded."""
        for (kind, name), value in dependencies.items():
            self.add(kind, name, value)

    @contextmanager
    def capture(self) -> Iterator[_Known]:
        """Collect, besides the log, what is recorded inside the ``with`` block."""
        found: _Known = {}
        self._captures.append(found)
        try:
            yield found
        finally:
            self._captures.remove(found)

    def dependencies(self) -> list[Dependency]:
        """Return every dependency, sorted."""
        return sorted((kind, name, value) for (kind, name), value in self.known.items())


class ScanReads:
    """What file analyzers read beyond their own file, read once per scan for every file."""

    def __init__(self, root: Path, inventory: tuple[Artifact, ...]) -> None:
        """Serve reads of files under ``root`` and listings of ``inventory``."""
        self.root = root
        self.resolved_root = root.resolve()
        self.inventory = inventory
        self._files: dict[str, tuple[bytes | None, str | None]] = {}
        self._listings: dict[Query, tuple[tuple[Artifact, ...], str]] = {}
        self._built: dict[Hashable, tuple[object, _Known]] = {}

    def inside(self, relative: str) -> Path | None:
        """Return the path of ``relative`` when it names a regular file inside the root."""
        if relative.startswith("..") or PurePosixPath(relative).is_absolute():
            return None
        candidate = self.root / relative
        try:
            resolved = candidate.resolve(strict=False)
            if not resolved.is_relative_to(self.resolved_root) or not resolved.is_file():
                return None
        except (OSError, RuntimeError):
            return None
        return candidate

    def read(self, relative: str) -> tuple[bytes | None, str | None]:
        """Return the bytes of a file under the root and their SHA-256 (None, None: absent)."""
        relative = posixpath_normal(relative)
        if relative not in self._files:
            path = self.inside(relative)
            try:
                data = None if path is None else path.read_bytes()
            except OSError:
                data = None
            digest = None if data is None else hashlib.sha256(data).hexdigest()
            kept = data if data is None or len(data) <= KEPT_BYTES else None
            self._files[relative] = (kept, digest)
            return data, digest
        data, digest = self._files[relative]
        if data is None and digest is not None:  # too large to keep: read again
            path = self.inside(relative)
            try:
                data = None if path is None else path.read_bytes()
            except OSError:
                data = None
            if data is None or hashlib.sha256(data).hexdigest() != digest:
                raise OSError(f"{relative} changed during the scan")
        return data, digest

    def listing(self, query: Query) -> tuple[tuple[Artifact, ...], str]:
        """Return the artifacts a query lists, in inventory order, and their digest."""
        if query not in self._listings:
            found = tuple(a for a in self.inventory if query.matches(a))
            self._listings[query] = (found, listing_digest(found))
        return self._listings[query]

    def build(self, key: Hashable, log: ReadLog, make: Callable[[], T]) -> T:
        """Return ``make()`` built once per scan; its recorded dependencies go to ``log``."""
        if key in self._built:
            value, dependencies = self._built[key]
            log.extend(dependencies)
            return cast(T, value)
        with log.capture() as dependencies:
            value = make()
        self._built[key] = (value, dict(dependencies))
        return value


def posixpath_normal(relative: str) -> str:
    """Return ``relative`` with ``.`` parts and doubled slashes removed (``..`` kept)."""
    parts = [p for p in relative.replace("\\", "/").split("/") if p not in ("", ".")]
    return "/".join(parts) or "."
