"""The native engine: dispatches native checks to analyzers and collects what they observe.

Each (analyzer, parameters, file) combination runs once, however many checks share it. File
analyzers run file by file: every analyzer of one file shares a memo, so a manifest read by
fifteen Kubernetes checks is parsed once, and the memo is dropped before the next file. An
analyzer that raises becomes a ScanError on the controls of the checks that needed it — a
crashed analyzer never reads as a pass.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from functools import partial
from pathlib import Path
from typing import Any

from mlsec_policy.analyzers.base import (
    AnalyzerError,
    AnalyzerSpec,
    FileContext,
    FileSkipped,
    Memo,
    Observation,
    RepoContext,
)
from mlsec_policy.analyzers.listing import Listing, bound, listing_of
from mlsec_policy.analyzers.reads import ReadLog, ScanReads
from mlsec_policy.cache import ResultStore
from mlsec_policy.cache.digests import ContentDigests
from mlsec_policy.engines.base import EngineOutput, Workspace
from mlsec_policy.engines.native_cached import NativeCache
from mlsec_policy.engines.native_facts import FactsReader, RepoResults
from mlsec_policy.models import Artifact, ErrorLevel, Hit, Inventory, ScanError, SkippedFile
from mlsec_policy.pathmatch import PathFilter
from mlsec_policy.policy.model import NativeCheck

_Key = tuple[str, str, str]
"""(analyzer, canonical params, artifact path — or, for repo analyzers, the check's selection)."""


class NativeEngine:
    """Runs native checks; see the module docstring."""

    name = "native"

    def __init__(
        self,
        analyzers: Mapping[str, AnalyzerSpec[Any]],
        known_controls: frozenset[str] = frozenset(),
        hash_cache: Path | None = None,
        store: ResultStore | None = None,
        context: tuple[Artifact, ...] | None = None,
        tick: Callable[[int, int], None] | None = None,
    ) -> None:
        """Create the engine over analyzers, the policy's control ids and a digest cache file.

        With a ``store``, cached analyzers are not run again on a file whose results it holds
        while what they read elsewhere is unchanged (:mod:`.native_cached`). ``context`` is
        every artifact of the target, which file analyzers may consult (the kustomizations
        that build a manifest) when the inventory handed to :meth:`run` is a part of it (a
        diff-limited scan); None: the inventory's own artifacts. ``tick`` is told the files
        done and the files in all as each file is done.
        """
        self.analyzers = analyzers
        self.known_controls = known_controls
        self.hash_cache = hash_cache
        self.store = store
        self.context = context
        self.tick = tick
        self.runs = 0
        """How many times a file analyzer ran on a file (not found in the result cache)."""
        self._listings: dict[str, Listing] = {}
        self._params: dict[tuple[str, str], object] = {}
        self._keys: dict[int, tuple[NativeCheck, str]] = {}
        """Each check's canonical parameters by ``id``; the check is held so the id stays its."""

    def _listing(self, name: str) -> Listing:
        """Return what the plan needs of analyzer ``name`` (its module is not imported)."""
        listing = self._listings.get(name)
        if listing is None:
            listing = self._listings[name] = listing_of(self.analyzers, name)
        return listing

    def _spec(self, check: NativeCheck) -> tuple[AnalyzerSpec[Any], object]:
        """Return the spec of the check's analyzer and its parameters read into their type."""
        spec = self.analyzers[check.analyzer]
        key = (check.analyzer, self._params_key(check))
        if key not in self._params:
            self._params[key] = bound(self.analyzers, check.analyzer, check.params)
        return spec, self._params[key]

    def _params_key(self, check: NativeCheck) -> str:
        """Return the check's parameters as canonical JSON, worked out once per check."""
        known = self._keys.get(id(check))
        if known is None or known[0] is not check:
            known = self._keys[id(check)] = (check, json.dumps(check.raw_params, sort_keys=True))
        return known[1]

    def _run_repo(
        self, check: NativeCheck, context: RepoContext
    ) -> tuple[list[Observation], Exception | None]:
        """Run the check's repository analyzer (a failure to read its parameters included)."""

        def observe() -> Iterable[Observation]:
            spec, params = self._spec(check)
            if spec.repo is None:
                raise TypeError(f"{spec.name} is not a repository analyzer")
            return spec.repo(context, params)

        return _call(observe)

    def _observe(self, check: NativeCheck, context: FileContext) -> Iterable[Observation]:
        """Run the check's file analyzer on one file."""
        spec, params = self._spec(check)
        if spec.file is None:
            raise TypeError(f"{spec.name} is not a file analyzer")
        return spec.file(context, params)

    def run(
        self, checks: Sequence[NativeCheck], inventory: Inventory, workspace: Workspace
    ) -> EngineOutput:
        """Run every native check and return hits and errors."""
        cache: dict[_Key, tuple[list[Observation], Exception | None]] = {}
        root = Path(inventory.root)
        everything = inventory.artifacts if self.context is None else self.context
        # integrity checks take a file's SHA-256 from here: each file is read once per scan.
        # Never from the result cache's mappings: those trust the target's git index (stat
        # data), and a tamper check must hash the bytes that are there now.
        digests = ContentDigests(root.resolve(), None, use_git=False)
        # what each check reads, in the order hits and errors are reported: check by check
        plan: list[tuple[NativeCheck, Listing, _Key, Artifact | None]] = []
        per_file: dict[str, dict[_Key, tuple[NativeCheck, Artifact]]] = {}
        # repository analyzers that declare per-file facts share them, kept by content
        facts = FactsReader(root, self.store)
        linked = None if self.store is None else RepoResults(self.store, facts, self.known_controls)
        selections: dict[tuple[object, ...], tuple[Artifact, ...]] = {}  # checks share them
        for check in checks:
            spec = self._listing(check.analyzer)
            params_key = self._params_key(check)
            chosen = (tuple(check.kinds), check.include, check.exclude)
            if chosen not in selections:
                selections[chosen] = _select(inventory.artifacts, check)
            selected = selections[chosen]
            if spec.repo:
                # a repo analyzer sees only the check's selection: checks that select
                # differently (kinds, include/exclude) must not share a cached answer
                selection = json.dumps([check.kinds, check.include, check.exclude])
                key = (spec.name, params_key, selection)
                if key not in cache:
                    context = RepoContext(
                        root,
                        selected,
                        inventory.artifacts,
                        self.known_controls,
                        self.hash_cache,
                        sha256=digests.sha256,
                        facts=facts,
                    )
                    run = partial(self._run_repo, check)
                    if linked is None or not spec.facts:
                        cache[key] = run(context)
                    else:
                        real = partial(self.analyzers.__getitem__, check.analyzer)
                        cache[key] = linked.run(
                            spec.name, real, params_key, selection, context, run
                        )
                plan.append((check, spec, key, None))
                continue
            for artifact in selected:
                if artifact.kind not in spec.kinds:
                    continue
                key = (spec.name, params_key, artifact.path)
                work = per_file.setdefault(artifact.path, {})
                work.setdefault(key, (check, artifact))
                plan.append((check, spec, key, artifact))
        facts.close()
        shared = ScanReads(root, everything)  # other files and listings, read once per scan
        results = (
            None
            if self.store is None
            else NativeCache(self.store, root, self.known_controls, shared)
        )
        for done, work in enumerate(per_file.values(), start=1):
            self._run_file(work, cache, results, shared, digests)
            if self.tick is not None:
                self.tick(done, len(per_file))
        hits: list[Hit] = []
        errors: list[ScanError] = []
        skipped: dict[SkippedFile, None] = {}
        for check, spec, key, reading in plan:
            hits.extend(_hits(check, cache[key][0]))
            failure = cache[key][1]
            if reading is not None and isinstance(failure, FileSkipped):
                skipped[SkippedFile(reading.path, failure.reason, reading.kind)] = None
                continue
            errors.extend(_errors(check, spec, reading, failure))
        return EngineOutput(
            tuple(hits), tuple(errors), skipped=tuple(skipped), examined=tuple(sorted(per_file))
        )

    def _run_file(
        self,
        work: dict[_Key, tuple[NativeCheck, Artifact]],
        cache: dict[_Key, tuple[list[Observation], Exception | None]],
        results: NativeCache | None,
        shared: ScanReads,
        digests: ContentDigests,
    ) -> None:
        """Run (or find in the result cache) every analyzer of one file.

        The file's analyzers share one memo of what they read from it and one log of what they
        read elsewhere; a cached analyzer's outcome is kept with that log.
        """
        memo: Memo = {}
        log = ReadLog()
        kept = [k for k in work if self._listing(k[0]).cached]
        entry = None
        subject = next(iter(work.values()))[1]
        root = shared.root
        if results is not None and kept:
            reads = [name for k in kept for name in self._listing(k[0]).also_reads]
            entry = results.key(subject, kept, reads)
            known = None if entry is None else results.load(entry, kept)
            if known is not None:
                cache.update(known)
                work = {k: v for k, v in work.items() if k not in known}
        for key, (owner, artifact) in work.items():
            context_file = FileContext(
                root,
                artifact,
                self.known_controls,
                self.hash_cache,
                shared.inventory,
                memo,
                sha256=digests.sha256,
                reads=log if self._listing(key[0]).cached else None,
                scan=shared,
            )
            self.runs += 1
            cache[key] = _call(partial(self._observe, owner, context_file))
        if results is not None and entry is not None and all(k in work for k in kept):
            results.keep(entry, {k: cache[k] for k in kept}, log.dependencies())


def _select(artifacts: Iterable[Artifact], check: NativeCheck) -> tuple[Artifact, ...]:
    path_filter = PathFilter.of(check)
    kinds = set(check.kinds)
    return tuple(
        a for a in artifacts if (not kinds or a.kind in kinds) and path_filter.allows(a.path)
    )


def _call(run: Callable[[], Iterable[Observation]]) -> tuple[list[Observation], Exception | None]:
    """Run an analyzer, keeping what it yielded before any failure."""
    observations: list[Observation] = []
    try:
        observations.extend(run())
    except (AnalyzerError, FileSkipped) as exc:
        return observations, exc
    except (
        OSError,
        ValueError,
        KeyError,
        IndexError,
        TypeError,
        UnicodeError,
        RecursionError,
        MemoryError,
        OverflowError,
        EOFError,
    ) as exc:
        return observations, exc
    return observations, None


def _hits(check: NativeCheck, observations: Iterable[Observation]) -> Iterable[Hit]:
    for observation in observations:
        yield Hit(check.control_id, check.id, observation)


def _errors(
    check: NativeCheck, spec: Listing, artifact: Artifact | None, error: Exception | None
) -> Iterable[ScanError]:
    if error is None:
        return
    if isinstance(error, FileSkipped):  # a repository analyzer cannot skip a file it needs
        error = AnalyzerError(error.reason, kind="parse-error")
    if isinstance(error, AnalyzerError):
        yield ScanError(
            f"native:{spec.name}",
            error.kind,
            error.message,
            path=artifact.path if artifact else None,
            line=error.line,
            control_ids=(check.control_id,),
            level=ErrorLevel.ERROR,
            hint=error.hint,
        )
        return
    yield ScanError(
        f"native:{spec.name}",
        "crash",
        f"analyzer {spec.name} failed: {type(error).__name__}: {error}",
        path=artifact.path if artifact else None,
        control_ids=(check.control_id,),
        level=ErrorLevel.ERROR,
        hint="this is a bug in mlsec-policy or a file it cannot handle; please report it",
    )
