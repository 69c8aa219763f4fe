"""The contract every native analyzer follows.

An analyzer is a pure function. A *file* analyzer receives one artifact (through a context that
reads bytes, never loads or imports them) and its check's parameters, already read into the
analyzer's own frozen type (:mod:`.params`); a *repo* analyzer receives the whole filtered
inventory. Both yield :class:`Observation` values. What an observation means — a violation,
evidence, or scope — is decided by the check, not the analyzer.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Hashable, Iterable, Mapping, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Generic, TypeAlias, TypeVar, cast

from mlsec_policy.analyzers.params import Params
from mlsec_policy.analyzers.reads import Query, ReadLog, ScanReads
from mlsec_policy.analyzers.reads import posixpath_normal as normal_path
from mlsec_policy.models import Artifact, ArtifactKind, JsonValue, Location, Observation

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

__all__ = [
    "AnalyzerError",
    "AnalyzerSpec",
    "Facts",
    "FactsOf",
    "FileAnalyzer",
    "FileContext",
    "FileSkipped",
    "Memo",
    "Observation",
    "ReadLog",
    "RepoAnalyzer",
    "RepoContext",
]

T = TypeVar("T")


class AnalyzerError(Exception):
    """The analyzer could not examine an artifact; becomes a ScanError on the check's control."""

    def __init__(
        self,
        message: str,
        *,
        kind: str = "analyzer-error",
        line: int | None = None,
        hint: str | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.kind = kind
        self.line = line
        self.hint = hint


class FileSkipped(Exception):
    """The file is not what the analyzer reads, though valid for its own tools.

    A template that stays a template once its actions are neutralised is one. It is listed with
    the reason among the skipped files of every report, and is neither an error nor a pass.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


Sha256Of: TypeAlias = Callable[[str], str]
"""The scan's shared SHA-256 of a file under the root (raises OSError when it cannot be read)."""
Memo: TypeAlias = MutableMapping[Hashable, tuple[object, AnalyzerError | FileSkipped | None]]
"""What was read from one file, by key: the value, or the failure to raise again."""


@dataclass(frozen=True, slots=True)
class FileContext:
    """Read access to one artifact of the target."""

    root: Path
    artifact: Artifact
    known_controls: frozenset[str] = frozenset()
    """Every control id the loaded policy defines (for analyzers that check references)."""
    hash_cache: Path | None = None
    """File where integrity analyzers may remember digests (None: no cache)."""
    listing: tuple[Artifact, ...] = ()
    """Every artifact of the scan; empty when unknown. Analyzers list it through
    :meth:`artifacts` (or :attr:`inventory`), which record what they listed."""
    memo: Memo | None = field(default=None, compare=False)
    """What the analyzers of this file have already read from it (shared by the engine for
    one file at a time); None: nothing is remembered."""
    sha256: Sha256Of | None = field(default=None, compare=False)
    """The SHA-256 of a target file by its path under ``root``, each file read at most once
    per scan (none when the result cache maps its git blob id); None: hash it yourself."""
    reads: ReadLog | None = field(default=None, compare=False)
    """Where the reads beyond this file are recorded (shared by the file's analyzers); None:
    nothing is recorded (the results are not cached)."""
    scan: ScanReads | None = field(default=None, compare=False)
    """Reads beyond this file shared by the whole scan; None: read each time."""
    foreign: bool = False
    """True for a context on another file opened through :meth:`within`: reading its own
    bytes is a recorded read of another file."""

    @property
    def path(self) -> Path:
        """Return the absolute path of the artifact."""
        return self.root / self.artifact.path

    @property
    def inventory(self) -> tuple[Artifact, ...]:
        """Return every artifact of the scan, recorded as a listing of them all.

        Prefer :meth:`artifacts` with a kind or names: a narrower listing survives more
        changes of the target in the result cache.
        """
        return self.artifacts()

    def _shared(self) -> ScanReads:
        return self.scan if self.scan is not None else ScanReads(self.root, self.listing)

    def artifacts(
        self,
        kind: ArtifactKind | None = None,
        names: Iterable[str] = (),
        paths: Iterable[str] = (),
    ) -> tuple[Artifact, ...]:
        """Return the scan's artifacts that match, recording the listing.

        ``kind``, ``names`` (lower-case file names) and ``paths`` filter only when given.
        """
        query = Query(kind, tuple(sorted(set(names))), tuple(sorted(set(paths))))
        found, digest = self._shared().listing(query)
        if self.reads is not None:
            self.reads.add("listing", query.text(), digest)
        return found

    def other_bytes(self, relative: str) -> bytes | None:
        """Return the bytes of another file of the target, recording the read.

        ``relative`` is relative to the root; None when the file is absent, not a regular file
        or outside the target.
        """
        if self.reads is None:
            return self._shared().read(relative)[0]
        name = normal_path(relative)
        self.reads.add("file", name, None)  # recorded before it is opened, digest once read
        data, digest = self._shared().read(relative)
        self.reads.add("file", name, digest)
        return data

    def other_text(self, relative: str) -> str | None:
        """Return another file as text, recording the read (None: see :meth:`other_bytes`).

        Decoded as UTF-8, undecodable bytes replaced, a byte-order mark kept.
        """
        data = self.other_bytes(relative)
        return None if data is None else data.decode("utf-8", errors="replace")

    def is_file(self, relative: str) -> bool:
        """Return True when another file of the target exists (a recorded read of it)."""
        shared = self._shared()
        if shared.inside(relative) is None:
            if self.reads is not None:
                self.reads.add("file", normal_path(relative), None)
            return False
        return self.other_bytes(relative) is not None

    def within(self, artifact: Artifact) -> FileContext:
        """Return a context on another artifact whose reads are recorded as this file's."""
        return FileContext(
            self.root,
            artifact,
            self.known_controls,
            self.hash_cache,
            self.listing,
            None,
            self.sha256,
            self.reads,
            self.scan,
            foreign=True,
        )

    def shared(self, key: Hashable, build: Callable[[], T]) -> T:
        """Return ``build()``, built once per scan for every file that asks.

        What its building records is recorded for each file that asks. ``build`` must read
        only through this context and depend on nothing of this file but what ``key`` names.
        """
        if self.scan is None or self.reads is None:
            return build()
        return self.scan.build(key, self.reads, build)

    def remember(self, key: Hashable, build: Callable[[], T]) -> T:
        """Return ``build()``, computed once per file when the engine shares a memo.

        Every analyzer of the file gets the same object, so what is remembered (parsed
        documents, the text) must never be changed. A failure to read (AnalyzerError) or a
        skipped file (FileSkipped) is remembered too and raised again for each analyzer that asks.
        """
        if self.memo is None:
            return build()
        if key not in self.memo:
            try:
                self.memo[key] = (build(), None)
            except (AnalyzerError, FileSkipped) as exc:
                self.memo[key] = (None, exc)
        value, error = self.memo[key]
        if error is not None:
            raise error
        return cast(T, value)

    def read_bytes(self, limit: int | None = None) -> bytes:
        """Return the file's bytes (at most ``limit``)."""
        if self.foreign:
            data = self.other_bytes(self.artifact.path)
            if data is None:
                raise OSError(f"{self.artifact.path} cannot be read")
            return data if limit is None else data[:limit]
        with self.path.open("rb") as handle:
            return handle.read() if limit is None else handle.read(limit)

    def read_text(self) -> str:
        """Return the file decoded as UTF-8, undecodable bytes replaced, byte-order mark dropped."""
        if self.foreign:
            return _decode(self.read_bytes())
        return self.remember("text", lambda: _decode(self.path.read_bytes()))

    def open(self) -> IO[bytes]:
        """Open the file for streaming reads (for large model files)."""
        if self.foreign:
            return io.BytesIO(self.read_bytes())
        return self.path.open("rb")

    def at(self, line: int | None = None, **extra: Any) -> Location:
        """Return a location in this artifact."""
        return Location(self.artifact.path, line, **extra)


def _decode(data: bytes) -> str:
    return data.decode("utf-8", errors="replace").removeprefix("\ufeff")


@dataclass(frozen=True, slots=True)
class Facts(Generic[T]):
    """What a repository analyzer takes from one file's first bytes alone, as plain JSON.

    ``extract`` must depend on the bytes only (never the path or another file): the engine
    keeps its value by the file's content digest and ``name``. ``decode`` turns it into the
    analyzer's type and raises ValueError for a value ``extract`` cannot give, so a foreign or
    damaged entry is extracted again, never trusted.
    """

    name: str
    limit: int
    extract: Callable[[bytes], JsonValue]
    decode: Callable[[JsonValue], T]


FactsOf: TypeAlias = Callable[[Artifact, Facts[Any]], JsonValue]
"""The engine's per-file facts: the (undecoded) value of ``facts`` on an artifact."""


@dataclass(slots=True)
class RepoReadLog:
    """What a repository analyzer consulted: files it read, and per-file facts with their value."""

    files: dict[str, None] = field(default_factory=dict)
    facts: dict[tuple[str, str], JsonValue] = field(default_factory=dict)
    """(path, facts name): the value given."""


@dataclass(frozen=True, slots=True)
class RepoContext:
    """Read access to the whole target, with the artifacts a check may look at."""

    root: Path
    artifacts: tuple[Artifact, ...]
    """Artifacts of the check's kinds that pass its include/exclude filter."""
    all_artifacts: tuple[Artifact, ...] = field(default=())
    """Every artifact of the inventory (to check for the presence of any file)."""
    known_controls: frozenset[str] = frozenset()
    """Every control id the loaded policy defines (for analyzers that check references)."""
    hash_cache: Path | None = None
    """File where integrity analyzers may remember digests (None: no cache)."""
    sha256: Sha256Of | None = field(default=None, compare=False)
    """The SHA-256 of a target file by its path under ``root``, each file read at most once
    per scan (none when the result cache maps its git blob id); None: hash it yourself."""

    facts: FactsOf | None = field(default=None, compare=False)
    """Where per-file facts are kept (:meth:`fact`); None: extracted on every call."""
    log: RepoReadLog | None = field(default=None, compare=False)
    """Where :meth:`read_bytes` and :meth:`fact` note what the analyzer consulted."""

    def read_bytes(self, artifact: Artifact, limit: int | None = None) -> bytes:
        """Return the first ``limit`` bytes of an artifact, noting that the analyzer read it."""
        if self.log is not None:
            self.log.files[artifact.path] = None
        return self.file(artifact).read_bytes(limit)

    def fact(self, artifact: Artifact, facts: Facts[T]) -> T:
        """Return the facts of an artifact (its first ``facts.limit`` bytes), decoded.

        Through the engine they come from the result store when the file's content was seen.
        """
        if self.facts is None:
            value = facts.extract(self.file(artifact).read_bytes(facts.limit))
        else:
            value = self.facts(artifact, facts)
        if self.log is not None:
            self.log.facts[(artifact.path, facts.name)] = value
        return facts.decode(value)

    def file(self, artifact: Artifact) -> FileContext:
        """Return a file context for one artifact."""
        return FileContext(
            self.root,
            artifact,
            self.known_controls,
            self.hash_cache,
            self.all_artifacts,
            sha256=self.sha256,
        )


P = TypeVar("P", bound="DataclassInstance")

FileAnalyzer = Callable[[FileContext, P], Iterable[Observation]]
"""A file analyzer: one artifact and the check's typed parameters."""
RepoAnalyzer = Callable[[RepoContext, P], Iterable[Observation]]
"""A repository analyzer: the check's selection of artifacts and its typed parameters."""


@dataclass(frozen=True, slots=True)
class AnalyzerSpec(Generic[P]):
    """A registered analyzer: its name, what it reads, its parameters, its function."""

    name: str
    description: str
    kinds: frozenset[ArtifactKind]
    """Kinds a file analyzer can read; for a repo analyzer, the kinds it usually looks at."""
    params: Params[P]
    """The type a check's ``params`` are read into, and their JSON Schema."""
    file: FileAnalyzer[P] | None = None
    repo: RepoAnalyzer[P] | None = None
    inline_suppressible: bool = True
    """False when an inline comment must not silence this analyzer's findings (the analyzer
    that reports broken suppression comments cannot be silenced by one)."""
    cached: bool = True
    """True when what a file analyzer observes depends only on the file's bytes, path, kind and
    format, its parameters, the policy's control ids, the files in :attr:`also_reads` and what
    it reads through the recording methods of :class:`FileContext` (other files, listings of
    the inventory): its results are kept in the result cache with those reads, and trusted
    while each is unchanged. False runs the analyzer on every scan: an integrity check must
    hash the bytes on disk now, and a store outside the inventory is not recorded."""
    facts: tuple[Facts[Any], ...] = ()
    """For a repository analyzer: the per-file facts it consults (:meth:`RepoContext.fact`).
    An analyzer that declares them reads every other byte through
    :meth:`RepoContext.read_bytes`, and what it observes depends only on those reads, those
    facts, its selection's paths, kinds and formats, its parameters and the control ids: its
    result is kept in the result cache and reused while none of them changed."""
    also_reads: tuple[str, ...] = ()
    """Files, relative to the scanned root, that an analyzer reads besides its own without
    recording them (what the repository says about its publisher: README, ``pyproject.toml``
    ...). Their contents and the root folder's name join the cache key of its results."""

    @property
    def params_schema(self) -> Mapping[str, Any]:
        """Return the JSON Schema of the ``params`` a check may give (checked at load time)."""
        return self.params.schema

    def parse_params(self, raw: Mapping[str, JsonValue]) -> P:
        """Return a check's parameters, valid against the schema, as the analyzer's type."""
        return self.params.parse(raw)

    def __post_init__(self) -> None:
        if (self.file is None) == (self.repo is None):
            raise ValueError(f"analyzer {self.name} must have exactly one of file/repo")
