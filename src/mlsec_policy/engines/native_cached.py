"""Native analyzer results kept per file between scans, with what they read elsewhere.

Every file analyzer whose spec is :attr:`AnalyzerSpec.cached` is cached. A file's entry holds
the results of every such analyzer that ran on it, keyed by the file's content digest, path,
kind and format, the (analyzer, parameters) pairs and the control ids, and it carries the
*dependencies* they recorded (:mod:`..analyzers.reads`: another file and its digest or its
absence, a listing of the inventory and its digest — a kustomization, a called workflow, a
requirements file a notebook installs, a configuration file that sets a URL). A lookup is a hit
only when the key matches and every dependency still has its recorded value: a changed, new or
removed file that a result depended on makes the entry a miss (counted ``stale``). Analyzers
that are not cached (integrity checks, which must hash the bytes on disk now) and repository
analyzers run on every scan, as do all analyzers on files over 16 MiB that git does not vouch
for. The content digest is the SHA-256 (:mod:`..cache.digests`: taken from git's index and the
store's mapping when it can, unread) or, over 16 MiB, git's blob id. An analyzer that crashed is
never kept: it runs again next time.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from mlsec_policy.analyzers.base import AnalyzerError, FileSkipped, Observation
from mlsec_policy.analyzers.reads import Dependency, Query, ScanReads
from mlsec_policy.cache import CodecError, ResultStore, content_digest, digest
from mlsec_policy.cache.codec import decode_observation, encode_observation
from mlsec_policy.cache.digests import content_digests
from mlsec_policy.models import Artifact, JsonValue

LARGEST_HASHED = 16 * 1024 * 1024
"""Larger files are keyed by the blob id git recorded when git vouches for their content
(:mod:`..cache.gitindex`), so they are never read to be keyed and a scan that finds their entry
reads none of their bytes. Other large files are not cached: data and other files have no size
cap, their analyzers read bounded slices, and hashing gigabytes on every scan would cost more
than those slices."""
Outcome = tuple[list[Observation], Exception | None]
"""What one analyzer gave on one file: its observations and its failure, if any."""
WorkKey = tuple[str, str, str]
"""(analyzer, canonical params, artifact path)."""


class NativeCache:
    """Looks up and stores the outcomes of self-contained analyzers, file by file."""

    def __init__(
        self,
        store: ResultStore,
        root: Path,
        known_controls: frozenset[str],
        reads: ScanReads | None = None,
    ) -> None:
        """Prepare the keys of one scan (``reads``: the scan's shared reads and listings)."""
        self.store = store
        self.root = root
        self.controls = digest("controls", sorted(known_controls))
        self.context: dict[str, str | None] = {}
        self.digests = content_digests(store, root)
        self.reads = reads if reads is not None else ScanReads(root, ())
        self.current: dict[tuple[str, str], str | None] = {}
        self.work_ids: dict[tuple[tuple[str, str], ...], str] = {}
        self.stale = 0
        """Entries found whose recorded dependencies changed (each also a miss)."""

    def key(
        self, artifact: Artifact, work: Sequence[WorkKey], also_reads: Iterable[str] = ()
    ) -> str | None:
        """Return the entry key of ``work`` on ``artifact`` (None: its bytes cannot be read).

        ``also_reads`` names the other files (relative to the root) the analyzers read. A file
        over :data:`LARGEST_HASHED` bytes has a key only when git vouches for its content.
        """
        try:
            content = self._identity(artifact)
        except OSError:
            return None
        if content is None:
            return None
        context = sorted([name, self._context_digest(name)] for name in set(also_reads))
        if context:
            context.append([".", self.root.resolve().name])
        return digest(
            "native-reads",
            artifact.path,
            artifact.kind.value,
            artifact.format,
            content,
            self.controls,
            self._work_id(tuple(sorted((name, params) for name, params, _path in work))),
            context,
        )

    def _work_id(self, pairs: tuple[tuple[str, str], ...]) -> str:
        """Return the digest of the (analyzer, parameters) pairs run on a file, once per scan.

        Most files share a few sets of analyzers; their parameters, written out in every key,
        made the keys the costliest part of a warm scan's look-ups.
        """
        found = self.work_ids.get(pairs)
        if found is None:
            found = self.work_ids[pairs] = digest("native-work", [list(p) for p in pairs])
        return found

    def _identity(self, artifact: Artifact) -> str | None:
        """Return what names the file's bytes: its SHA-256, or for a large file git's blob id.

        A large file git vouches for is named by its blob id, so no scan reads it to key it;
        other large files have no key (None).
        """
        if artifact.size <= LARGEST_HASHED:
            return self.digests.sha256(artifact.path)
        found = self.digests.blob(artifact.path)
        return None if found is None else f"git-{found.algorithm}:{found.oid}:{found.size}"

    def _context_digest(self, name: str) -> str | None:
        """Return the digest of a file at the root once per scan (None: absent, unreadable)."""
        if name not in self.context:
            try:
                path = (self.root / name).resolve()
                inside = path.is_relative_to(self.root.resolve())
                self.context[name] = content_digest(path) if inside else None
            except OSError:
                self.context[name] = None
        return self.context[name]

    def load(self, key: str, work: Sequence[WorkKey]) -> dict[WorkKey, Outcome] | None:
        """Return the stored outcome of each piece of ``work``, or None (a miss).

        An entry whose recorded dependencies no longer hold is a miss.
        """
        value = self.store.get(key)
        if value is None:
            return None
        try:
            if not isinstance(value, dict) or set(value) != {"reads", "outcomes"}:
                raise CodecError("a native entry is {reads, outcomes}")
            if not self._unchanged(_dependencies(value["reads"])):
                self.stale += 1
                return None
            return _decode(value["outcomes"], work)
        except (CodecError, ValueError, TypeError):
            self.store.stats.add("invalid")
            return None

    def keep(
        self,
        key: str,
        outcomes: Mapping[WorkKey, Outcome],
        dependencies: Sequence[Dependency] = (),
    ) -> None:
        """Store the outcomes and what they read, unless one is a crash.

        A crash is tried again next scan.
        """
        if any(not _repeatable(failure) for _seen, failure in outcomes.values()):
            return
        entry: list[JsonValue] = [
            [name, params, [encode_observation(o) for o in seen], encode_failure(failure)]
            for (name, params, _path), (seen, failure) in sorted(outcomes.items())
        ]
        reads: list[JsonValue] = [[kind, name, value] for kind, name, value in dependencies]
        self.store.put(key, {"reads": reads, "outcomes": entry})

    def _unchanged(self, dependencies: Iterable[Dependency]) -> bool:
        """Return True when every dependency has its recorded value now."""
        return all(self._now(kind, name) == value for kind, name, value in dependencies)

    def _now(self, kind: str, name: str) -> str | None:
        """Return a dependency's current value, found once per scan."""
        if (kind, name) not in self.current:
            if kind == "listing":
                self.current[(kind, name)] = self.reads.listing(Query.parse(name))[1]
            elif kind == "file":
                self.current[(kind, name)] = self._file_now(name)
            else:
                raise CodecError(f"unknown dependency kind {kind!r}")
        return self.current[(kind, name)]

    def _file_now(self, name: str) -> str | None:
        """Return the SHA-256 of a file under the root (git's index vouching when it can)."""
        if self.reads.inside(name) is None:
            return None
        try:
            return self.digests.sha256(name)
        except OSError:
            return None


def _dependencies(value: object) -> list[Dependency]:
    if not isinstance(value, list):
        raise CodecError("an entry's reads are a list")
    found: list[Dependency] = []
    for item in value:
        if not isinstance(item, list) or len(item) != 3:
            raise CodecError("a read is [kind, name, digest]")
        kind, name, seen = item
        if not isinstance(kind, str) or not isinstance(name, str):
            raise CodecError("a read names its kind and what it read")
        if seen is not None and not isinstance(seen, str):
            raise CodecError("a read's digest is text or null")
        found.append((kind, name, seen))
    return found


def _repeatable(failure: Exception | None) -> bool:
    return failure is None or isinstance(failure, AnalyzerError | FileSkipped)


def encode_failure(failure: Exception | None) -> JsonValue:
    """Return a kept outcome's failure as JSON (a skip or an analyzer error; None: none)."""
    if isinstance(failure, FileSkipped):
        return {"skipped": failure.reason}
    if isinstance(failure, AnalyzerError):
        return {
            "message": failure.message,
            "kind": failure.kind,
            "line": failure.line,
            "hint": failure.hint,
        }
    return None


def _decode(value: object, work: Sequence[WorkKey]) -> dict[WorkKey, Outcome]:
    if not isinstance(value, list):
        raise CodecError("a native entry is a list")
    wanted = {(name, params): path for name, params, path in work}
    found: dict[WorkKey, Outcome] = {}
    for item in value:
        if not isinstance(item, list) or len(item) != 4:
            raise CodecError("a native outcome is [analyzer, params, observations, failure]")
        name, params, seen, failure = item
        if (name, params) not in wanted or not isinstance(seen, list):
            raise CodecError("the entry holds work this scan did not ask for")
        found[(name, params, wanted[(name, params)])] = (
            [decode_observation(o) for o in seen],
            decode_failure(failure),
        )
    if len(found) != len(wanted):
        raise CodecError("the entry lacks work this scan asks for")
    return found


def decode_failure(value: object) -> Exception | None:
    """Return the failure :func:`encode_failure` wrote (CodecError for anything else)."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise CodecError("a failure is an object")
    if "skipped" in value:
        reason = value["skipped"]
        if not isinstance(reason, str):
            raise CodecError("a skip reason is text")
        return FileSkipped(reason)
    message, kind, line, hint = (value.get(k) for k in ("message", "kind", "line", "hint"))
    if not isinstance(message, str) or not isinstance(kind, str):
        raise CodecError("an analyzer error has a message and a kind")
    if line is not None and not isinstance(line, int):
        raise CodecError("an error line is a number")
    if hint is not None and not isinstance(hint, str):
        raise CodecError("a hint is text")
    return AnalyzerError(message, kind=kind, line=line, hint=hint)
