"""Diff scans: a whole-repository scope or evidence check stops at its first match.

A scope check says a control applies and an evidence check says it holds as soon as one file
matches, so a ``--diff-base`` scan need not read every file for them. It searches the
repository in one fixed order (:func:`search_order`: files that spell the words such checks
look for first, then by path), in growing batches — one engine run per batch — and drops a
check from the search at the end of the first batch in which it matched, keeping only its
first match in that order. A check that never matches has been run on every file it selects:
"not found" is only ever the verdict of a complete search.

The order and the batches depend on the files alone, never on a result cache, so a diff scan
reports the same first match with and without one. Violation checks, repository analyzers
(cross-file by nature) and full scans are not concerned: they see every file as before.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path
from typing import Any, TypeVar

from mlsec_policy.analyzers.base import AnalyzerSpec
from mlsec_policy.analyzers.listing import listing_of
from mlsec_policy.engines.base import EngineOutput
from mlsec_policy.engines.semgrep import gates, prefilter, subsets
from mlsec_policy.engines.semgrep.prefilter import Known, LocatedWords, formula, located_words
from mlsec_policy.engines.semgrep.target import Target, read_scanned, words_reliable
from mlsec_policy.engines.semgrep.wordformula import TRUE, Node, holds_by
from mlsec_policy.models import (
    Artifact,
    ArtifactKind,
    CheckMode,
    ControlResult,
    ControlStatus,
    Hit,
    Inventory,
    ScanError,
    SkippedFile,
)
from mlsec_policy.policy import NativeCheck, SemgrepCheck
from mlsec_policy.policy.model import CheckBase, Control
from mlsec_policy.views import ViewError
from mlsec_policy.views.targets import view_for

CheckT = TypeVar("CheckT", bound=CheckBase)

FIRST_BATCH = 64
"""Files in the first batch; each next batch is :data:`GROWTH` times larger. Each batch
costs semgrep's start-up (about a CPU-second per process) against some 15 ms of parsing per
file: 64 then ×8 makes three batches on transformers where 32 then ×4 made five. Neither was
measurably better on small repositories under load (benchmarks/README.md, session 26). The
first match does not depend on the sizes: every batch before its own had none."""
GROWTH = 8
SCORE_READ = 16 * 1024
"""Bytes of a file read to rank it (imports and most decorators sit near the top)."""
SIGNALS: Mapping[bytes, int] = {
    # web frameworks and route decorators: the rarest scope, served first
    b"fastapi": 8,
    b"flask": 8,
    b"@app.": 8,
    b"@router.": 8,
    b"route(": 4,
    b"prometheus": 4,
    # conversion, evaluation, training, data loading
    b"onnx": 2,
    b"export": 1,
    b"convert": 1,
    b"evaluat": 1,
    b"perplexity": 2,
    b"accuracy": 1,
    b"train": 1,
    b"Trainer": 1,
    b"DataLoader": 2,
    b"load_dataset": 2,
    b"read_csv": 2,
    b"import torch": 1,
    b"sklearn": 1,
}
"""Words of the frameworks and calls that scope and evidence checks look for, with weights: a
file that spells more of them is searched earlier. The order decides speed only, never a
verdict."""

STOPPED_MODES = frozenset({CheckMode.SCOPE, CheckMode.EVIDENCE})


def stops_early(check: CheckBase, analyzers: Mapping[str, AnalyzerSpec[Any]]) -> bool:
    """Return True when one match of the check decides its part of the verdict.

    Scope and evidence checks that read one file at a time: semgrep rules and native file
    analyzers. A repository analyzer reads files together (routes and their auth, manifests
    and what they record) and always sees the whole repository. The analyzer's listing says
    which it is, so no analyzer is imported for the plan.
    """
    if check.mode not in STOPPED_MODES:
        return False
    if isinstance(check, NativeCheck):
        return not listing_of(analyzers, check.analyzer).repo
    return isinstance(check, SemgrepCheck)


def early_checks(
    controls: Sequence[Control],
    per_file: frozenset[str],
    analyzers: Mapping[str, AnalyzerSpec[Any]],
) -> frozenset[str]:
    """Return the ids of the whole-repository checks that stop at their first match."""
    return frozenset(
        check.id
        for control in controls
        if control.id not in per_file
        for check in control.checks
        if stops_early(check, analyzers)
    )


def search_order(inventory: Inventory) -> tuple[str, ...]:
    """Return every artifact's path, most likely to match first, then by path."""
    root = Path(inventory.root)
    scored = sorted((-_score(root, a.path), a.path) for a in inventory.artifacts)
    return tuple(path for _score_, path in scored)


class SearchOrder:
    """:func:`search_order` of an inventory, worked out once by the first thread that asks.

    Ranking reads the head of every file; a diff scan's plan keeps it for later, so that it
    is read beside semgrep's first processes instead of before them.
    """

    def __init__(self, inventory: Inventory) -> None:
        """Keep ``inventory``; nothing is read yet."""
        self._inventory = inventory
        self._lock = threading.Lock()
        self._paths: tuple[str, ...] | None = None

    def paths(self) -> tuple[str, ...]:
        """Return the order (the other threads asking meanwhile wait for it)."""
        with self._lock:
            if self._paths is None:
                self._paths = search_order(self._inventory)
            return self._paths


def _score(root: Path, path: str) -> int:
    """Return how many of :data:`SIGNALS` the start of the file spells (0 if unreadable)."""
    try:
        fd = os.open(root / path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return 0
    try:
        head = os.read(fd, SCORE_READ)
    except OSError:
        return 0
    finally:
        os.close(fd)
    return sum(weight for word, weight in SIGNALS.items() if word in head)


Keep = Callable[[Sequence[Any], Artifact], bool]
"""Whether some of the checks still searching could match a file (False: leave it out)."""


class _SetAside(Exception):
    """A file is kept whatever the checks: unreadable, or with parts of it set aside."""


def semgrep_words(root: Path, set_aside: bool = False) -> Keep:
    """Return a :data:`Keep` that reads a Python file's words against the rules' needs.

    A Python rule cannot match a file that fails the formula of words that
    :func:`~mlsec_policy.engines.semgrep.prefilter.formula` derives from it
    (``tests/test_semgrep_prefilter.py`` proves them sound on every fixture). Files of other
    kinds are always kept, and every file when a native check is among them. A file left out
    is one semgrep would not have matched, so no first match and no "not found" changes; only
    the syntax errors of files the search never needed go unreported, as for every file after
    the first match. With ``set_aside``, a file read through a view that sets parts of it
    aside (a template of Python) is kept too, so that those parts are still reported skipped.

    The returned function is an index of words by file, filled as it is asked: each word is
    looked for in a file once, whichever check needs it and however often the file is asked
    about (a diff scan asks in :func:`by_words`, about the search's checks too, then in the
    search). A file is read only when a formula needs a word not yet looked for in it, and
    not again when the next question is about the same file.
    """
    needs: dict[str, Node] = {}
    index: dict[str, Known] = {}
    """Per file, whether each word looked for in it holds (as :func:`located_words` decides)."""
    kept: set[str] = set()
    """Files kept whatever the checks: unreadable, or (``set_aside``) with parts set aside."""
    plain: set[str] = set()
    """Files semgrep reads as they are (no view): their template test is not made twice."""

    def scanned(artifact: Artifact) -> bytes:
        """Return the text semgrep scans; raise _SetAside when the file must be kept."""
        try:
            if artifact.path in plain:
                return (root / artifact.path).read_bytes()
            view = view_for(artifact, root)
            if set_aside and view is not None and view.omitted:
                raise _SetAside
            if view is None:
                plain.add(artifact.path)
            text = read_scanned(Target(artifact, artifact.path, view), root)
        except (ViewError, OSError, UnicodeDecodeError):
            raise _SetAside from None  # the engine reports why it cannot read the file
        if not words_reliable(text):
            raise _SetAside  # no word test can rule this text out (UTF-16, binary)
        return text

    recent: dict[str, LocatedWords] = {}
    """The file asked about last, with its text once read: the next question about the same
    file (another set of checks, :func:`by_words`'s ``also``) neither reads nor lexes it again."""

    def holds(required: Sequence[Node], artifact: Artifact) -> bool:
        """Return True when a formula of ``required`` holds in the file."""
        # the file is read only when a word is not yet known of it
        found = recent.get(artifact.path)
        if found is None:
            found = located_words(lambda: scanned(artifact), index.setdefault(artifact.path, {}))
            recent.clear()
            recent[artifact.path] = found
        return any(holds_by(node, found, found.any_of) for node in required)

    def keep(checks: Sequence[Any], artifact: Artifact) -> bool:
        if artifact.kind is not ArtifactKind.PYTHON or artifact.path in kept:
            return True
        required: list[Node] = []
        for check in checks:
            if not isinstance(check, SemgrepCheck):
                return True  # a native analyzer reads what it reads
            if artifact.kind not in check.kinds:
                continue
            if check.id not in needs:
                needs[check.id] = prefilter.word_test(formula(check.rule))
            if needs[check.id] == TRUE:
                return True
            required.append(needs[check.id])
        try:
            return holds(required, artifact)
        except _SetAside:
            kept.add(artifact.path)
            return True

    return keep


def by_words(
    checks: Sequence[Any], inventory: Inventory, keep: Keep, also: Sequence[Any] = ()
) -> Inventory:
    """Return the inventory without the Python files none of the semgrep ``checks`` can match.

    ``keep`` is asked about ``also`` too, file after file, when it is asked about ``checks``:
    a keep that remembers (:func:`semgrep_words`) then answers a later question about ``also``
    without reading the file again (a diff scan's search asks it about its own checks).

    The semgrep engine's gates (:mod:`mlsec_policy.engines.semgrep.gates`) would leave those
    files out of the run anyway — a rule runs on a file only when the file satisfies the word
    formula ``keep`` tests (a stricter one: :func:`.prefilter.word_test`) *and* passes semgrep's
    formula — but only after finding every word of every file, which on a large tree costs more
    than the run (benchmarks/README.md, session 27). ``keep`` keeps those files for less. So
    the hits and errors
    are the same: a file left out is one no rule passes the gate of, whose syntax error
    concerns no check. Nothing is left out when the gates are off, when a native check is
    among ``checks``, or when no file of the checks' kinds would be left (the run still
    reports semgrep's version and any rule semgrep rejects).
    """
    if not (gates.enabled() and subsets.enabled()):
        return inventory
    if not checks or not all(isinstance(c, SemgrepCheck) for c in checks):
        return inventory
    kinds = {kind for check in checks for kind in check.kinds}
    kept = tuple(a for a in inventory.artifacts if _asked(keep, checks, also, a))
    if not any(a.kind in kinds for a in kept):
        return inventory
    return Inventory(inventory.root, kept, inventory.skipped, inventory.git)


def _asked(keep: Keep, checks: Sequence[Any], also: Sequence[Any], artifact: Artifact) -> bool:
    """Return ``keep(checks, artifact)``, having asked about ``also`` too (answer unused)."""
    answer = keep(checks, artifact)
    if also:
        keep(also, artifact)
    return answer


def first_matches(
    run: Callable[[Sequence[CheckT], Inventory], EngineOutput],
    checks: Sequence[CheckT],
    inventory: Inventory,
    order: Sequence[str],
    narrow: Callable[[Inventory, set[str]], Inventory],
    keep: Keep | None = None,
    ahead: bool = False,
) -> EngineOutput:
    """Run ``checks`` over ``inventory`` batch by batch in ``order`` until each has matched.

    Returns each matched check's first hit (earliest file in ``order``, then earliest place),
    and every error and skipped part of the batches read. A check without a match ran on
    every batch: on every file of it that ``keep`` (when given) says some check could match.
    With ``ahead`` (``run`` works in child processes), each batch runs in a thread while this
    one asks ``keep`` about the files after it, in order, until the run is done: a keep that
    remembers its answers (:func:`semgrep_words`) then decides the next batches at once.
    """
    artifacts = {a.path: a for a in inventory.artifacts}
    rank = {path: index for index, path in enumerate(order)}
    remaining = list(checks)
    first: dict[str, Hit] = {}
    errors: list[ScanError] = []
    skipped: list[SkippedFile] = []
    version: str | None = None
    start, size = 0, FIRST_BATCH
    while remaining and start < len(order):
        batch = set(order[start : start + size])
        start, size = start + size, size * GROWTH
        if keep is not None:
            batch = {p for p in batch if keep(remaining, artifacts[p])}
            if not batch:
                continue
        if keep is not None and ahead:
            output = _looking_ahead(run, remaining, narrow(inventory, batch), keep, [
                artifacts[p] for p in order[start:]
            ])  # fmt: skip
        else:
            output = run(remaining, narrow(inventory, batch))
        errors.extend(output.errors)
        skipped.extend(output.skipped)
        version = version or output.version
        found: dict[str, list[Hit]] = {}
        for hit in output.hits:
            found.setdefault(hit.check_id, []).append(hit)
        for check_id, hits in found.items():
            first[check_id] = min(hits, key=lambda h: _place(h, rank))
        remaining = [c for c in remaining if c.id not in first]
    return EngineOutput(
        tuple(first[c.id] for c in checks if c.id in first), tuple(errors), version, tuple(skipped)
    )


def _looking_ahead(
    run: Callable[[Sequence[CheckT], Inventory], EngineOutput],
    checks: Sequence[CheckT],
    batch: Inventory,
    keep: Keep,
    after: Sequence[Artifact],
) -> EngineOutput:
    """Return ``run(checks, batch)``, asking ``keep`` about ``after`` meanwhile (module doc).

    The checks still searching after the batch are some of ``checks``: their words are among
    the ones asked for here. Only this thread asks ``keep``; the run's thread never does.
    """
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="search-batch") as pool:
        running = pool.submit(run, checks, batch)
        for artifact in after:
            if running.done():
                break
            keep(checks, artifact)
        return running.result()


def _place(hit: Hit, rank: Mapping[str, int]) -> tuple[int, str, int, int, str]:
    """Sort key of a hit in the search order: file rank, then place in the file."""
    location = hit.observation.location
    return (
        rank.get(location.path, len(rank)),
        location.path,
        location.start_line or 0,
        location.start_column or 0,
        hit.observation.message or "",
    )


def stopped(
    result: ControlResult, signals: Mapping[CheckMode, Sequence[Hit]], early: frozenset[str]
) -> ControlResult:
    """Say where the diff scan stopped the control's scope and evidence searches.

    Each check that stopped at its first match is named with that match; a search that found
    nothing read every file and is not mentioned.
    """
    places = [
        f"the first {mode.value} match of {hit.check_id} ({hit.observation.location.display()})"
        for mode in (CheckMode.SCOPE, CheckMode.EVIDENCE)
        for hit in sorted(signals.get(mode, ()), key=lambda h: h.check_id)
        if hit.check_id in early
    ]
    if not places or result.status is ControlStatus.NOT_APPLICABLE:
        return result
    return replace(
        result,
        reason=f"{result.reason}; the diff scan searched the repository only up to "
        + " and ".join(places),
    )
