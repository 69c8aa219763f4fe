"""Repository analyzers that cost nothing on a warm scan: per-file facts and linked results.

A repository analyzer that declares :attr:`AnalyzerSpec.facts` splits its work in two: what
each file can contribute, taken from its bytes alone (:class:`FactsReader`: kept in the result
store by the file's content digest, so a file is examined once for all scans), and the linking
of those facts across the repository, which reads the few files it needs through
:meth:`RepoContext.read_bytes`. :class:`RepoResults` keeps the linked result with what it
consulted — the content digest of every file it read, and of every file whose facts it used,
with the digest of those facts — under a key of the analyzer, its parameters and selection
(paths, kinds and formats), the control ids and our own code. A later scan reuses the result
when every file read is unchanged and every file consulted either is unchanged or still gives
the same facts; otherwise the analyzer runs again, on facts mostly from the store. An entry
that is unreadable, damaged or foreign is a miss; a crash is never kept.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from mlsec_policy.analyzers.base import (
    AnalyzerError,
    AnalyzerSpec,
    Facts,
    FileContext,
    Observation,
    RepoContext,
    RepoReadLog,
)
from mlsec_policy.cache import CodecError, ResultStore, digest
from mlsec_policy.cache.codec import decode_observation, encode_observation
from mlsec_policy.cache.digests import ContentDigests, content_digests
from mlsec_policy.engines.native_cached import decode_failure, encode_failure
from mlsec_policy.models import Artifact, JsonValue

Outcome = tuple[list[Observation], Exception | None]
"""What one analyzer gave: its observations and its failure, if any."""


class FactsReader:
    """The per-file facts of one scan (see the module docstring); a :data:`FactsOf`.

    Facts are kept by content digest in one table per facts name and scanned root (one store
    entry, not one per file: a cold scan of a large tree would otherwise spend more time
    creating entries than extracting facts). A table entry that is damaged or foreign, or a
    value ``decode`` refuses, is a miss.
    """

    def __init__(self, root: Path, store: ResultStore | None) -> None:
        """Read facts under ``root``, kept in ``store`` (None: extracted once per scan)."""
        self.root = root
        self.store = store
        self.digests: ContentDigests | None = (
            None if store is None else content_digests(store, root)
        )
        self.memo: dict[tuple[str, str], JsonValue] = {}
        self.tables: dict[str, dict[str, JsonValue]] = {}
        self.added: dict[str, dict[str, JsonValue]] = {}
        self.used: dict[str, set[str]] = {}
        self.limits: dict[str, int] = {}

    def __call__(self, artifact: Artifact, facts: Facts[Any]) -> JsonValue:
        """Return the undecoded facts of ``artifact``; raise OSError when it cannot be read."""
        memo_key = (artifact.path, facts.name)
        if memo_key in self.memo:
            return self.memo[memo_key]
        content = self.content(artifact.path)
        value = None if content is None else self._stored(content, facts)
        if value is None:
            value = facts.extract(FileContext(self.root, artifact).read_bytes(facts.limit))
            facts.decode(value)  # an extractor that breaks its own contract fails here
            if content is not None:
                self.added.setdefault(facts.name, {})[content] = value
        if content is not None:
            self.used.setdefault(facts.name, set()).add(content)
        self.memo[memo_key] = value
        return value

    def close(self) -> None:
        """Write the tables that gained facts (entries no file of this scan used go first)."""
        if self.store is None:
            return
        for name, added in sorted(self.added.items()):
            limit = self.limits[name]
            table = dict(self.tables.get(name, {}))
            used = self.used.get(name, set())
            if len(table) + len(added) > 2 * max(len(used), 1):
                table = {k: v for k, v in table.items() if k in used}
            table.update(added)
            self.store.put(self._table_key(name, limit), dict(sorted(table.items())))
        self.added.clear()

    def content(self, path: str) -> str | None:
        """Return the SHA-256 of a file under the root (None: no store, or unreadable)."""
        if self.digests is None:
            return None
        try:
            return self.digests.sha256(path)
        except OSError:
            return None

    def _table_key(self, name: str, limit: int) -> str:
        return digest("facts-table", name, limit, str(self.root.resolve()))

    def _stored(self, content: str, facts: Facts[Any]) -> JsonValue | None:
        if self.store is None:
            return None
        self.limits[facts.name] = facts.limit
        if facts.name not in self.tables:
            value = self.store.get(self._table_key(facts.name, facts.limit))
            self.tables[facts.name] = value if isinstance(value, dict) else {}
        found = self.tables[facts.name].get(content)
        if found is None:
            return None
        try:
            facts.decode(found)
        except (ValueError, TypeError):
            self.store.stats.add("invalid")
            return None
        return found


class RepoResults:
    """Keeps and reuses the results of repository analyzers that declare facts."""

    def __init__(self, store: ResultStore, facts: FactsReader, known_controls: frozenset[str]):
        """Prepare the keys of one scan."""
        self.store = store
        self.facts = facts
        self.controls = digest("controls", sorted(known_controls))

    def run(
        self,
        name: str,
        spec: Callable[[], AnalyzerSpec[Any]],
        params: str,
        selection: str,
        context: RepoContext,
        call: Callable[[RepoContext], Outcome],
    ) -> Outcome:
        """Return the stored outcome of analyzer ``name`` when still valid, else run ``call``.

        ``spec`` returns the analyzer's spec; it is asked for (its module imported) only when
        a fact the entry relies on must be extracted again.
        """
        listed = [[a.path, a.kind.value, a.format] for a in context.artifacts]
        key = digest("repo", name, params, selection, self.controls, listed)
        artifacts = {a.path: a for a in context.artifacts}
        known = self._load(key, spec, artifacts)
        if known is not None:
            return known
        log = RepoReadLog()
        outcome = call(replace(context, log=log))
        failure = outcome[1]
        if failure is None or isinstance(failure, AnalyzerError):
            self._keep(key, log, outcome)
        return outcome

    def _keep(self, key: str, log: RepoReadLog, outcome: Outcome) -> None:
        files: list[JsonValue] = []
        for path in sorted(log.files):
            content = self.facts.content(path)
            if content is None:
                return
            files.append([path, content])
        facts: list[JsonValue] = []
        for (path, name), value in sorted(log.facts.items()):
            content = self.facts.content(path)
            if content is None:
                return
            facts.append([path, name, content, digest("fact", value)])
        seen, failure = outcome
        entry: dict[str, JsonValue] = {
            "files": files,
            "facts": facts,
            "observations": [encode_observation(o) for o in seen],
            "failure": encode_failure(failure),
        }
        self.store.put(key, entry)

    def _load(
        self, key: str, spec: Callable[[], AnalyzerSpec[Any]], artifacts: Mapping[str, Artifact]
    ) -> Outcome | None:
        value = self.store.get(key)
        if value is None:
            return None
        try:
            return self._valid(value, spec, artifacts)
        except (CodecError, ValueError, TypeError, KeyError):
            self.store.stats.add("invalid")
            return None

    def _valid(
        self,
        value: JsonValue,
        spec: Callable[[], AnalyzerSpec[Any]],
        artifacts: Mapping[str, Artifact],
    ) -> Outcome | None:
        """Return the entry's outcome when nothing it consulted changed (None: run again)."""
        if not isinstance(value, dict):
            raise CodecError("a repository entry is an object")
        files, facts = value["files"], value["facts"]
        seen, failure = value["observations"], value["failure"]
        if not isinstance(files, list) or not isinstance(facts, list):
            raise CodecError("consulted files and facts are lists")
        if not isinstance(seen, list):
            raise CodecError("observations are a list")
        for item in files:
            if not isinstance(item, list) or len(item) != 2:
                raise CodecError("a file read is [path, digest]")
            if self.facts.content(str(item[0])) != item[1]:
                return None
        by_name: dict[str, Facts[Any]] | None = None
        for item in facts:
            if not isinstance(item, list) or len(item) != 4:
                raise CodecError("a fact is [path, name, digest, facts digest]")
            path, name, content, summary = (str(part) for part in item)
            if self.facts.content(path) == content:
                continue
            if by_name is None:
                by_name = {f.name: f for f in spec().facts}
            if path not in artifacts or name not in by_name:
                return None
            try:
                current = self.facts(artifacts[path], by_name[name])
            except OSError:
                return None
            if digest("fact", current) != summary:
                return None
        return [decode_observation(o) for o in seen], decode_failure(failure)
