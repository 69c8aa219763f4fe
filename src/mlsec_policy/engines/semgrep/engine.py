"""The semgrep engine: every semgrep check of every control, in one semgrep process.

Targets are passed explicitly (so semgrep's built-in ignore list, which silently drops
``tests/``, never applies). Files semgrep cannot read as they are — notebooks, Helm templates,
Dockerfiles named ``Dockerfile.prod``, extension-less scripts — are scanned through views
written to the scratch folder, and every match is mapped back to the original file and line.
Semgrep's per-file problems become ScanErrors on the controls that needed that file.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from mlsec_policy.cache import ResultStore
from mlsec_policy.engines.base import EngineOutput, Workspace
from mlsec_policy.engines.semgrep import subsets
from mlsec_policy.engines.semgrep.cached import SemgrepCache
from mlsec_policy.engines.semgrep.compile import write_rules
from mlsec_policy.engines.semgrep.formulas import RuleFormulas, prefilters
from mlsec_policy.engines.semgrep.problems import (
    process_error,
    raise_rule_errors,
    scan_errors,
    view_error,
)
from mlsec_policy.engines.semgrep.process import ARG_BUDGET, RunResult, find_binary, run_rules
from mlsec_policy.engines.semgrep.results import hits
from mlsec_policy.engines.semgrep.rulesplit import (
    part_files,
    rule_cost,
    run_divided,
    worth_splitting,
)
from mlsec_policy.engines.semgrep.schedule import (
    RERUN_BUDGET,
    gated_costs,
    in_target_order,
    isolate,
    plan_runs,
    tail_runs,
    waves,
)
from mlsec_policy.engines.semgrep.subsets import Gating, Selection, select
from mlsec_policy.engines.semgrep.target import Target, normal
from mlsec_policy.models import Artifact, Hit, Inventory, ScanError, Severity, SkippedFile
from mlsec_policy.options import SemgrepSettings
from mlsec_policy.policy.model import SemgrepCheck
from mlsec_policy.views import ViewError
from mlsec_policy.views.targets import view_for


class SemgrepEngine:
    """Runs semgrep checks; see the module docstring."""

    name = "semgrep"

    def __init__(
        self,
        settings: SemgrepSettings,
        severities: Mapping[str, Severity],
        store: ResultStore | None = None,
        launched: threading.Event | None = None,
    ) -> None:
        """Create the engine; ``severities`` gives each control's severity by id.

        With a ``store``, files whose results it holds are not scanned again (:mod:`.cached`).
        ``launched`` is set once semgrep's first processes run, or no process is needed.
        """
        self.settings = settings
        self.severities = severities
        self.store = store
        self.launched = launched or threading.Event()
        self.formulas = RuleFormulas()  # what the scan's runs fetched of semgrep's prefilters

    def run(
        self, checks: Sequence[SemgrepCheck], inventory: Inventory, workspace: Workspace
    ) -> EngineOutput:
        """Run all semgrep ``checks`` over the inventory in one semgrep process."""
        return self.run_part(checks, checks, inventory, workspace)

    def prepare(self, checks: Sequence[SemgrepCheck], workspace: Workspace) -> SemgrepEngine:
        """Fetch all ``checks``' prefilters (:mod:`.formulas`); return this engine on one core."""
        if checks and subsets.enabled():
            rules_file = workspace.scratch / "semgrep-rules.yaml"
            write_rules(rules_file, checks, self.severities)
            prefilters(rules_file, self.settings, self.store, self.formulas)
        return replace_settings(self, replace(self.settings, jobs=1))

    def run_part(
        self,
        checks: Sequence[SemgrepCheck],
        complete: Sequence[SemgrepCheck],
        inventory: Inventory,
        workspace: Workspace,
    ) -> EngineOutput:
        """Run ``checks``, a part of ``complete`` (all the policy's semgrep checks).

        A file's cached results of the complete set serve the part (:mod:`.cached`).
        """
        if not checks:
            return EngineOutput()
        kinds = {kind for check in checks for kind in check.kinds}
        artifacts = list(inventory.of_kind(*kinds))
        if self.store is None or not artifacts:
            return self._scan(checks, artifacts, workspace, None)[0]
        cache = SemgrepCache(
            self.store, checks, self.severities, self.settings, find_binary(self.settings), complete
        )
        misses, reused = cache.split(artifacts, workspace.root)
        fresh, expected = self._scan(checks, misses, workspace, cache)
        if not expected and reused:
            # semgrep is not the version the reused results were keyed under: run it on all
            return self._scan(checks, artifacts, workspace, cache)[0]
        return EngineOutput(
            tuple(h for r in reused for h in r.hits) + fresh.hits,
            tuple(e for r in reused for e in r.errors) + fresh.errors,
            fresh.version or cache.version,
            tuple(s for r in reused for s in r.skipped) + fresh.skipped,
            # the files semgrep read this time or an earlier time (their results reused)
            tuple(
                sorted({a.path for a in artifacts} - {a.path for a in misses} | set(fresh.examined))
            ),
        )

    def _launch(self, binary: Path, parts: Sequence[Path], rules: Path, *args: Any) -> RunResult:
        """Run the rules, split in ``parts`` or not (:mod:`.rulesplit`), telling ``launched``."""
        self.launched.set()
        if len(parts) > 1:
            return run_divided(binary, parts, rules, *args)
        return run_rules(binary, rules, *args)

    def _scan(
        self,
        checks: Sequence[SemgrepCheck],
        artifacts: Sequence[Artifact],
        workspace: Workspace,
        cache: SemgrepCache | None,
    ) -> tuple[EngineOutput, bool]:
        """Scan ``artifacts``; also return False when semgrep was not the version assumed."""
        targets, errors = _targets(artifacts, workspace, checks)
        skipped = tuple(_left_out(targets))
        if not targets:
            self.launched.set()
            return EngineOutput(errors=tuple(errors)), True
        rules_file = workspace.scratch / "semgrep-rules.yaml"
        write_rules(rules_file, checks, self.severities)
        binary = find_binary(self.settings)
        by_scanned = {normal(t.scanned): t for t in targets}
        by_id = {check.id: check for check in checks}
        found: list[Hit] = []
        version: str | None = None
        expected = True
        jobs = max(1, self.settings.jobs)
        sizes = [_scanned_size(t) for t in targets]
        budget = None if SOURCE_BYTES_PER_RUN is None else SOURCE_BYTES_PER_RUN // jobs
        # wave 0 is gated here, the others in a thread while the runs work (.schedule.waves)
        staged = waves([t.scanned for t in targets], sizes, jobs, budget, ARG_BUDGET)
        several = len(staged) > 1
        known = cache is not None and cache.version is not None
        left: list[Target] = []
        shared = Gating(self.formulas)  # the waves share the prefilters, words and index
        counted = 0
        gave = False
        rule_costs = {check.id: rule_cost(check.rule) for check in checks}

        def gate(number: int) -> list[_Run]:
            """Gate wave ``number`` and return its runs; the waves are gated one after another."""
            nonlocal counted, gave
            wave_targets = [targets[n] for n in staged[number]]
            wave_sizes = [sizes[n] for n in staged[number]]
            chosen = select(
                wave_targets, wave_sizes, checks, self.severities, rules_file, workspace.root,
                workspace.scratch, self.settings, self.store, shared,
            )  # fmt: skip
            last = number == len(staged) - 1
            given, given_sizes, out = (
                (wave_targets, wave_sizes, [])
                if chosen is None
                else chosen.split(wave_targets, wave_sizes, version_known=known or gave or not last)
            )
            left.extend(out)
            gave = gave or bool(given)
            if not gave and last:
                self.launched.set()  # no process will run: the native analyzers need not wait
            # at least one run per core, of about equal cost, costliest first (:mod:`.schedule`);
            # the last wave in smaller runs, so that the cores finish together
            scanned = [t.scanned for t in given]
            least = tail_runs(scanned, given_sizes, jobs) if last else 0
            # dealt by the rules each target's gate passes, not by bytes alone
            weights = gated_costs(
                scanned, given_sizes, None if chosen is None else chosen.wants, rule_costs
            )
            planned = plan_runs(scanned, given_sizes, jobs, budget, ARG_BUDGET, least, weights)
            first = [[scanned[n] for n in run] for run in planned]
            # a small run that a cut by files cannot share out is cut by rules (:mod:`.rulesplit`)
            divided = not several and worth_splitting(scanned, given_sizes, jobs)
            first = [scanned] if divided else first
            runs = [_Run((counted + n,), batch, chosen, divided) for n, batch in enumerate(first)]
            counted += len(first)
            if chosen is not None and not divided:  # written now, not when a core is free
                chosen.write_ahead(first)
            return runs

        pending = gate(0) if staged else []
        # several runs: --jobs one-core processes side by side (cheaper than semgrep's threads)
        workers = min(jobs, len(pending)) if len(pending) > 1 else 1
        workers = jobs if several else workers
        settings = self.settings if workers == 1 else replace(self.settings, jobs=1)
        done: dict[Order, tuple[list[Hit], list[ScanError]]] = {}
        reruns = RERUN_BUDGET
        with (
            ThreadPoolExecutor(max_workers=workers, thread_name_prefix="semgrep-run") as pool,
            ThreadPoolExecutor(max_workers=1, thread_name_prefix="semgrep-gates") as gating,
        ):
            later = [gating.submit(gate, number) for number in range(1, len(staged))]
            running: dict[Future[RunResult], _Run] = {}
            lock = threading.RLock()  # start() runs here and in a worker whose run has ended

            def start() -> None:
                """Start pending runs while a worker is free (a run whose process ended frees it).

                Each run starts the next when it ends, so a core never waits while this thread
                reads an ended run's results.
                """
                with lock:
                    while pending and sum(not f.done() for f in running) < workers:
                        run = pending.pop(0)
                        try:
                            _start(run)
                        except BaseException:  # kept for the next start(), which raises here
                            pending.insert(0, run)
                            raise

            def _start(run: _Run) -> None:
                rules = rules_file if run.chosen is None else run.chosen.rules_file(run.batch)
                parts = (
                    part_files(
                        checks, run.chosen, run.batch, jobs, workspace.scratch, self.severities
                    )
                    if run.divided
                    else [rules]
                )
                started = pool.submit(
                    self._launch,
                    binary, parts, rules, run.batch, workspace.root, workspace.scratch, settings,
                )  # fmt: skip
                running[started] = run
                started.add_done_callback(lambda _: start())

            while pending or running or later:
                start()
                # a run that ends, or the next wave's gates, whichever comes first
                with lock:
                    awaited: set[Future[Any]] = {*running, *later[:1]}
                finished, _ = wait(awaited, return_when=FIRST_COMPLETED)
                with lock:
                    if later and later[0].done():
                        pending.extend(later.pop(0).result())
                    ended = sorted((running[f].order, f) for f in finished if f in running)
                    ended_runs = [(future, running.pop(future)) for _, future in ended]
                start()
                for future, run in ended_runs:
                    order, batch = run.order, run.batch
                    result = future.result()
                    if result.output is None:
                        retry = isolate(batch, result, reruns)
                        if retry:
                            reruns -= len(retry)
                            with lock:
                                pending[:0] = [
                                    _Run((*order, k), half, run.chosen, run.divided)
                                    for k, half in enumerate(retry)
                                ]
                        else:
                            one = by_scanned[normal(batch[0])] if len(batch) == 1 else None
                            failed = process_error(result, checks, one)
                            done.setdefault(order, ([], []))[1].append(failed)
                        continue
                    version = version or result.output.get("version")
                    raise_rule_errors(result.output, by_id)
                    batch_hits = list(hits(result.output, by_scanned, by_id, workspace.root))
                    batch_errors = list(
                        scan_errors(
                            result.output,
                            by_scanned,
                            checks,
                            workspace.root,
                            self.settings.timeout,
                            run.gates(),
                        )
                    )
                    kept = done.setdefault(order, ([], []))
                    kept[0].extend(batch_hits)
                    kept[1].extend(batch_errors)
                    if cache is not None and isinstance(version, str):
                        expected = cache.learned(version) and expected
                        ran = [by_scanned[normal(path)] for path in batch]
                        cache.keep(ran, batch_hits, batch_errors, _left_out(ran), version)
        kept_version = version or (cache.version if cache is not None else None)
        if left and cache is not None and isinstance(kept_version, str):
            cache.keep(left, [], [], _left_out(left), kept_version)
        for order in sorted(done):
            found.extend(done[order][0])
            errors.extend(done[order][1])
        # in the order of the targets, whatever run they were in and however the runs finished
        found, errors = in_target_order(found, errors, [t.artifact.path for t in targets])
        examined = tuple(sorted({t.artifact.path for t in targets}))
        return EngineOutput(tuple(found), tuple(errors), version, skipped, examined), expected


def replace_settings(engine: SemgrepEngine, settings: SemgrepSettings) -> SemgrepEngine:
    """Return ``engine`` with other settings, sharing its store, prefilters and events."""
    other = copy.copy(engine)
    other.settings = settings
    return other


Order = tuple[int, ...]
"""A run's place among a scan's runs; the halves of a run that sank get one more part."""


@dataclass(frozen=True, slots=True)
class _Run:
    """One semgrep run to start: its place, its targets and the gates they were given."""

    order: Order
    batch: list[str]
    chosen: Selection | None
    divided: bool
    """True when the run is cut by rules into parallel processes (:mod:`.rulesplit`)."""

    def gates(self) -> dict[str, frozenset[str]] | None:
        """Return the rules each target's gate passes, when the run was gated (else None)."""
        return self.chosen.wants if self.chosen is not None and self.chosen.gated else None


SOURCE_BYTES_PER_RUN: int | None = 10 * 2**20
"""Bytes of targets one semgrep process is given (None: all of them, one process); see
:func:`.schedule.plan_runs`. Results do not depend on it: every rule runs on every file.

semgrep-core's memory grows with the files it has done (1,132 MiB after one ``--jobs 1`` run
over transformers 5.23.0's 60 MB; 368 MiB after its first 12 MiB), and each run costs
semgrep's start-up (about a second): benchmarks/README.md, "semgrep in runs of 12 MiB". With
``--jobs N`` and several runs, N one-core processes run side by side, each given 1/N of the
budget: on transformers with ``--jobs 2`` the tree peaked at 609 MiB at 12 MiB, 568 MiB at 10,
the same findings and CPU (session 24). A tree under the budget is shared out too: h2ogpt's
4 MB in one process took 79 s, 111 CPU-s, 621 MiB; in two one-core runs 62 s, 80 CPU-s and
445 MiB, the same findings."""


def _scanned_size(target: Target) -> int:
    """Return the bytes semgrep reads for a target (a view's text, or the file's size)."""
    if target.view is not None:
        return len(target.view.text.encode("utf-8"))
    return target.artifact.size


def _targets(
    artifacts: Iterable[Artifact], workspace: Workspace, checks: Sequence[SemgrepCheck]
) -> tuple[list[Target], list[ScanError]]:
    """Return what semgrep scans: each file as it is, or its view written to the scratch."""
    targets: list[Target] = []
    errors: list[ScanError] = []
    views_root = workspace.scratch / "views"
    for number, artifact in enumerate(artifacts):
        try:
            view = view_for(artifact, workspace.root)
        except (ViewError, OSError, UnicodeDecodeError) as exc:
            errors.append(view_error(artifact, exc, checks))
            continue
        if view is None:
            targets.append(Target(artifact, artifact.path, None))
            continue
        folder = views_root / str(number)
        folder.mkdir(parents=True, exist_ok=True)
        scanned = folder / view.file_name
        scanned.write_text(view.text, encoding="utf-8")
        targets.append(Target(artifact, str(scanned), view))
    return targets, errors


def _left_out(targets: Iterable[Target]) -> Iterator[SkippedFile]:
    """Yield the parts of files that views set aside (a notebook cell that is not Python)."""
    for target in targets:
        if target.view is None:
            continue
        for omission in target.view.omitted:
            yield SkippedFile(
                target.artifact.path, omission.reason, target.artifact.kind, line=omission.line
            )
