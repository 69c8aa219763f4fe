"""Running a diff scan's engines: which part of the checks runs on which files, and when.

:mod:`mlsec_policy.diffscope` decides what a ``--diff-base`` scan looks at; this module runs it.
An engine's checks fall in three parts: the per-file checks on the changed files (and their
dependents), the whole-repository scope and evidence checks that stop at their first match
(:mod:`mlsec_policy.firstmatch`), and the other whole-repository checks, given only the files
their words let them match (:func:`~mlsec_policy.firstmatch.by_words`).

For an engine whose work runs in child processes (semgrep), two things run beside the chain
of word test, whole-repository run and search, which decides the scan's wall time:

- the per-file checks' run on the changed files needs no word test, so it starts at once, in
  a thread and a scratch folder of its own, while the word test keeps one core busy and the
  other would be idle (measured in benchmarks/README.md, session 32); that thread first lets
  the engine fetch what every part's run would fetch (semgrep's prefilters of all the rules:
  :mod:`mlsec_policy.engines.semgrep.formulas`);
- the search's index of words is filled by the word test itself: each file read for the
  whole-repository rules is asked about the search's checks too (``by_words``'s ``also``),
  so the search's batches are decided from the index instead of reading and lexing every file
  again; the search order is ranked in a thread beside the whole-repository run, and each
  batch runs while the search asks about the files after it (``first_matches``'s ``ahead``).
  Only one thread ever reads or fills the index at a time;
- the whole-repository run starts in a thread and a scratch folder of its own, beside the
  search's first batch: neither needs the other's results.

Neither changes a result: each part runs the same checks on the same files as one after
another, and the outputs are joined in one fixed order (whole, search, changed files).
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import replace
from typing import Any, Protocol, TypeVar, runtime_checkable

from mlsec_policy.diffscope import DiffPlan, narrow
from mlsec_policy.engines.base import CheckEngine, EngineOutput, Workspace
from mlsec_policy.firstmatch import SearchOrder, by_words, first_matches, semgrep_words
from mlsec_policy.models import Inventory
from mlsec_policy.policy.model import CheckBase

CheckT = TypeVar("CheckT", bound=CheckBase)
NONE = EngineOutput()


def run_split(
    engine: CheckEngine[CheckT],
    checks: Sequence[CheckT],
    inventory: Inventory,
    workspace: Workspace,
    scope: DiffPlan | None,
    worded: threading.Event | None = None,
    beside: bool = False,
) -> EngineOutput:
    """Run the engine: repository-wide checks on every file, per-file ones on the plan's files.

    Without a ``scope`` (a full scan) the engine runs every check on the inventory. In a diff
    scan the output's ``examined`` lists the files the per-file checks read. ``worded`` is set
    once :func:`by_words` is done (the scan's native analyzers wait for it). With ``beside``
    (an engine whose work runs in child processes) the changed files' run and the search's
    index start beside the chain (module docstring); without it the parts run in turn.
    """
    if scope is None:
        return engine.run(checks, inventory, workspace)
    whole = [c for c in checks if c.control_id not in scope.per_file and c.id not in scope.early]
    early = [c for c in checks if c.id in scope.early]
    limited = [c for c in checks if c.control_id in scope.per_file]
    words = semgrep_words(workspace.root, set_aside=True)
    with ThreadPoolExecutor(max_workers=3, thread_name_prefix="diff-part") as pool:
        changed: Future[EngineOutput] | None = None
        ready = threading.Event()  # set once the engine has prepared for every part
        if beside:
            space = _own(workspace, "changed")
            changed = pool.submit(_prepared, engine, limited, checks, scope.inventory, space, ready)
        else:
            ready.set()
        # the search's words are looked for in each file while it is read for these
        files = by_words(whole, inventory, words, early if beside else ())
        if worded is not None:
            worded.set()
        order = scope.order or SearchOrder(inventory)
        if beside and early:
            pool.submit(order.paths)  # ranked beside the whole-repository run
        ready.wait()
        whole_run: Future[EngineOutput] | None = None
        if beside and whole and early:  # the search's first batch need not wait for it
            space = _own(workspace, "whole")
            whole_run = pool.submit(_run_part, engine, whole, checks, files, space)
            first = NONE
        else:
            first = _run_part(engine, whole, checks, files, workspace) if whole else NONE
        searched = NONE
        if early:
            searched = first_matches(
                lambda part, batch: _run_part(engine, part, checks, batch, workspace),
                early,
                inventory,
                order.paths(),
                narrow,
                words,
                ahead=beside,
            )
        if whole_run is not None:
            first = whole_run.result()
        if changed is not None:
            second = changed.result()  # NONE when there were no per-file checks
        elif limited:
            second = _run_part(engine, limited, checks, scope.inventory, workspace)
        else:
            second = NONE
    return EngineOutput(
        first.hits + searched.hits + second.hits,
        first.errors + searched.errors + second.errors,
        first.version or searched.version or second.version,
        first.skipped + searched.skipped + second.skipped,
        second.examined,
    )


def _prepared(
    engine: CheckEngine[CheckT],
    part: Sequence[CheckT],
    complete: Sequence[CheckT],
    inventory: Inventory,
    workspace: Workspace,
    ready: threading.Event,
) -> EngineOutput:
    """Let the engine prepare for all the parts (:class:`Prepares`), then run ``part``.

    The part runs on the engine the preparation gives for work beside the others (semgrep on
    one core: the chain's word test keeps the other busy).

    ``ready`` is set once the preparation is over (done or failed): the other parts wait for
    it, so that none fetches what it fetches.
    """
    runner: Any = engine
    try:
        if isinstance(engine, Prepares):
            runner = engine.prepare(complete, workspace)
    finally:
        ready.set()
    return _run_part(runner, part, complete, inventory, workspace) if part else NONE


def _own(workspace: Workspace, name: str) -> Workspace:
    """Return the workspace with a scratch folder of the part's own.

    Each engine run writes its rules file and views under the scratch folder by fixed names:
    a part that runs beside another must not share them.
    """
    folder = workspace.scratch / f"part-{name}"
    folder.mkdir(exist_ok=True)
    return replace(workspace, scratch=folder)


@runtime_checkable
class Prepares(Protocol):
    """An engine that can fetch, beside other work, what each of its parts would fetch."""

    def prepare(self, checks: Sequence[Any], workspace: Workspace) -> Any:
        """Fetch what runs of ``checks`` need; return the engine for a part run beside."""
        ...


@runtime_checkable
class RunsParts(Protocol):
    """An engine that, given part of the policy's checks, reuses what all of them cached."""

    def run_part(
        self,
        checks: Sequence[Any],
        complete: Sequence[Any],
        inventory: Inventory,
        workspace: Workspace,
    ) -> EngineOutput:
        """Run ``checks``, a part of ``complete``; see :meth:`CheckEngine.run`."""
        ...


def _run_part(
    engine: CheckEngine[CheckT],
    part: Sequence[CheckT],
    complete: Sequence[CheckT],
    inventory: Inventory,
    workspace: Workspace,
) -> EngineOutput:
    """Run ``part`` of the engine's checks, telling an engine that can use it the whole set.

    A diff scan's parts would otherwise miss every cached result a full scan wrote: those are
    keyed by the whole set (the semgrep engine, :mod:`mlsec_policy.engines.semgrep.cached`).
    """
    if isinstance(engine, RunsParts):
        return engine.run_part(part, complete, inventory, workspace)
    return engine.run(part, inventory, workspace)
