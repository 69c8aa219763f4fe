"""Semgrep results kept per file between scans, and the files semgrep still has to see.

A file's entry is keyed by its content digest, its path, kind and format (they decide the view
semgrep scans and which path filters apply), the digest of the semgrep checks of its kind,
semgrep's version and the settings that change what semgrep reports (mode, time and memory
limits). Semgrep's version is not asked for before a scan — starting semgrep to ask costs
what a warm scan is meant to save — but remembered from its last report, by the identity of
the binary (path, size, modification time) and of the semgrep distribution installed where
this interpreter looks (:mod:`.installed`: a pip-made ``semgrep`` script is the same bytes in
every version, and a rebuilt image may keep its times); a binary the cache has not seen makes
every file a miss, and a version that differs from the remembered one makes the scan run
again uncached.

Only complete results are kept: a file whose batch failed, or that semgrep reported a time-out,
an out-of-memory stop or any error other than a syntax error on, is scanned again next time.

A scan that runs only part of the policy's checks (a ``--diff-base`` scan runs the scope and
evidence checks on the unchanged files) first looks for the entry the policy's complete check
set wrote — a full scan's — and keeps of it the hits of the checks that ran (:func:`part_of`).
Only a part made of whole controls does so. An entry that holds an error is not reused for a
part: semgrep parses a file only for the rules whose prefilter the file passes, so a part may
not meet the syntax error the complete set met (a diff scan's reports must not depend on the
cache). A miss is scanned with the part and stored under the part's own key, never under the
complete set's.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, fields, is_dataclass, replace
from pathlib import Path

from mlsec_policy.cache import CodecError, FileResults, ResultStore, digest
from mlsec_policy.cache.codec import decode_results, encode_results
from mlsec_policy.cache.digests import content_digests
from mlsec_policy.engines.semgrep.installed import semgrep_version
from mlsec_policy.engines.semgrep.target import Target
from mlsec_policy.models import Artifact, ArtifactKind, Hit, ScanError, Severity, SkippedFile
from mlsec_policy.options import SemgrepSettings
from mlsec_policy.policy.model import SemgrepCheck

REPEATABLE_ERRORS = frozenset({"parse-error", "partial-parse"})
"""Error kinds semgrep gives again for the same bytes: a file's entry may hold them."""


class SemgrepCache:
    """Looks up and stores the semgrep results of files for one scan."""

    def __init__(
        self,
        store: ResultStore,
        checks: Sequence[SemgrepCheck],
        severities: Mapping[str, Severity],
        settings: SemgrepSettings,
        binary: Path,
        complete: Sequence[SemgrepCheck] = (),
    ) -> None:
        """Prepare the keys of one scan: the checks by kind, the settings, semgrep's identity.

        ``complete`` is the policy's whole semgrep check set when ``checks`` are a part of it.
        """
        self.store = store
        self.identity = _binary_identity(binary)
        remembered = store.get(digest("semgrep-version", self.identity))
        self.version = remembered if isinstance(remembered, str) else None
        self.settings = [settings.mode, settings.timeout, settings.max_memory_mb]
        self.checks = _digests(checks, severities)
        self.ids = frozenset(check.id for check in checks)
        self.controls = frozenset(check.control_id for check in checks)
        whole = all(c.id in self.ids for c in complete if c.control_id in self.controls)
        complete_digests = _digests(complete, severities) if whole else {}
        self.complete = {
            kind: value
            for kind, value in complete_digests.items()
            if kind in self.checks and value != self.checks[kind]
        }
        """The complete set's digest of each kind where the checks that run are a part of it."""
        self.keys: dict[str, str] = {}

    def split(
        self, artifacts: Iterable[Artifact], root: Path
    ) -> tuple[list[Artifact], list[FileResults]]:
        """Return the files semgrep must scan and the results reused for the others."""
        misses: list[Artifact] = []
        reused: list[FileResults] = []
        for artifact in artifacts:
            try:
                content = content_digests(self.store, root).sha256(artifact.path)
            except OSError:
                misses.append(artifact)
                continue
            key = self._key(artifact, content, self.checks.get(artifact.kind))
            self.keys[artifact.path] = key
            found = None
            if self.version is not None:
                found = self._reuse(artifact, content)
                if found is None:
                    found = self._load(key)
            if found is None:
                misses.append(artifact)
            else:
                reused.append(found)
        return misses, reused

    def keep(
        self,
        targets: Sequence[Target],
        hits: Iterable[Hit],
        errors: Iterable[ScanError],
        skipped: Iterable[SkippedFile],
        version: str,
    ) -> None:
        """Store the results of one semgrep batch (run by ``version``) for the files it can."""
        per_file: dict[str, FileResults] = {t.artifact.path: FileResults() for t in targets}
        errors = list(errors)
        if any(error.path is None for error in errors):
            return  # a problem semgrep did not tie to a file may concern any of them
        for hit in hits:
            path = hit.observation.location.path
            if path in per_file:
                per_file[path] = _add(per_file[path], hits=(hit,))
        for error in errors:
            if error.path in per_file:
                per_file[error.path] = _add(per_file[error.path], errors=(error,))
        for part in skipped:
            if part.path in per_file:
                per_file[part.path] = _add(per_file[part.path], skipped=(part,))
        for path, results in per_file.items():
            key = self.keys.get(path)
            if key is None or any(e.kind not in REPEATABLE_ERRORS for e in results.errors):
                continue
            self.store.put(digest(key, version), encode_results(results))

    def learned(self, version: str) -> bool:
        """Remember the version semgrep reported; return False when it is not the assumed one.

        False means the results reused in this scan, if any, were keyed under another version.
        """
        if version == self.version:
            return True
        self.store.put(digest("semgrep-version", self.identity), version)
        self.version = version
        return False

    def _reuse(self, artifact: Artifact, content: str) -> FileResults | None:
        """Return the part of the complete check set's entry for the file, when there is one."""
        complete = self.complete.get(artifact.kind)
        if complete is None:
            return None
        found = self._load(self._key(artifact, content, complete))
        if found is None or found.errors:
            # semgrep parses a file only for the rules whose prefilter it passes, so whether
            # a part of the checks meets its syntax error depends on the part: scan it again
            return None
        return part_of(found, self.ids, self.controls)

    def _key(self, artifact: Artifact, content: str, checks: str | None) -> str:
        return digest(
            "semgrep",
            artifact.path,
            artifact.kind.value,
            artifact.format,
            content,
            checks,
            self.settings,
        )

    def _load(self, key: str) -> FileResults | None:
        value = self.store.get(digest(key, self.version))
        if value is None:
            return None
        try:
            return decode_results(value)
        except CodecError:
            self.store.stats.add("invalid")
            return None


def part_of(results: FileResults, ids: frozenset[str], controls: frozenset[str]) -> FileResults:
    """Return what the checks ``ids`` (all the checks of ``controls``) found of ``results``.

    Every hit names its check. An error names the controls it concerns: it is kept for those
    among ``controls``, and dropped only when it concerns none of them (a scan with those
    checks alone would not have reported it). An error that names no control is kept whole.
    """
    errors = []
    for error in results.errors:
        if not error.control_ids:
            errors.append(error)
            continue
        concerned = tuple(c for c in error.control_ids if c in controls)
        if concerned:
            errors.append(replace(error, control_ids=concerned))
    return FileResults(
        tuple(hit for hit in results.hits if hit.check_id in ids),
        tuple(errors),
        results.skipped,
    )


def _digests(
    checks: Iterable[SemgrepCheck], severities: Mapping[str, Severity]
) -> dict[ArtifactKind, str]:
    """Return the digest of the checks (and their controls' severities) of each kind."""
    by_kind: dict[ArtifactKind, list[object]] = defaultdict(list)
    for check in sorted(checks, key=lambda c: c.id):
        described = [described_check(check), severities.get(check.control_id)]
        for kind in check.kinds:
            by_kind[kind].append(described)
    return {kind: digest("semgrep-checks", rules) for kind, rules in by_kind.items()}


def described_check(check: SemgrepCheck) -> dict[str, object]:
    """Return what ``asdict(check)`` gives as JSON, without copying the rule.

    ``asdict`` deep-copies every field; a check's rule is JSON data (no dataclass inside), so
    only the fields holding dataclasses (contexts) are converted. Same JSON, same digests.
    """
    return {field.name: _plain(getattr(check, field.name)) for field in fields(check)}


def _plain(value: object) -> object:
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    if isinstance(value, Mapping) and any(is_dataclass(v) for v in value.values()):
        return {key: _plain(item) for key, item in value.items()}
    return value


def _add(
    results: FileResults,
    hits: tuple[Hit, ...] = (),
    errors: tuple[ScanError, ...] = (),
    skipped: tuple[SkippedFile, ...] = (),
) -> FileResults:
    return FileResults(results.hits + hits, results.errors + errors, results.skipped + skipped)


def _binary_identity(binary: Path) -> str:
    """Return what tells one semgrep installation from another without starting it."""
    try:
        resolved = binary.resolve()
        info = resolved.stat()
        where: list[object] = [str(resolved), info.st_size, info.st_mtime_ns]
    except OSError:
        where = [str(binary)]
    return json.dumps([*where, semgrep_version()])
