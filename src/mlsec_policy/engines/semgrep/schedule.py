"""Which targets go to which semgrep process, and in what order the processes start.

A scan's semgrep work is cut into runs (processes) for two reasons: memory (semgrep-core's
grows with the files it has done, so a run's targets stay under a byte budget) and cores
(``--jobs N`` runs N one-core processes side by side). The scan ends when its last run does,
so the runs should cost the same: a cut by bytes alone gives one process every Python file and
the other the JSON data and Markdown, which semgrep reads fifty to a hundred times faster per
byte (h2ogpt at ``a0ad192``: 43 and 5 CPU-s). Here each target's cost is estimated from its
bytes and whether semgrep reads it as Python, and the targets are dealt out costliest first to
the cheapest run that still has room (bytes and command line), so the runs come out about
equal; the runs start costliest first.

Results never depend on the plan: every rule runs on every target in exactly one run, and the
engine puts the results back in target order whatever run a target was in and whenever it ended.
"""

from __future__ import annotations

import signal
from collections.abc import Iterable, Mapping, Sequence
from pathlib import PurePosixPath

from mlsec_policy.engines.semgrep.process import RunResult
from mlsec_policy.models import Hit, ScanError

PYTHON_SUFFIXES = frozenset({".py", ".pyi", ".pyw"})
"""Suffixes of targets semgrep reads as Python (a notebook's view is written as ``.py``)."""

OTHER_BYTES_PER_PYTHON_BYTE = 32
"""How many bytes of another language cost semgrep what one byte of Python does, roughly.

Measured with ``semgrep --time`` over h2ogpt (``benchmarks/rule_cost.py``): Python 3.5 µs a
byte, JSON 0.08, Markdown 0.02, YAML 0.2 to 1.5, shell and Dockerfiles near nothing. Our
Python rules are most of the pack and the costliest (taint analysis)."""


def cost(scanned: str, size: int) -> int:
    """Return the estimated semgrep cost of one target (Python bytes; others count less)."""
    if PurePosixPath(scanned).suffix.lower() in PYTHON_SUFFIXES:
        return size
    return -(-size // OTHER_BYTES_PER_PYTHON_BYTE)


PARSE_COST = 10
"""What parsing a target costs semgrep, in units of :func:`.rulesplit.rule_cost` (one rule
pattern): on transformers' ``tests/test_modeling_common.py`` the parse took 0.3 s, a search
rule about 0.03 s per pattern (benchmarks/README.md, session 26)."""


def gated_cost(scanned: str, size: int, rule_costs: Iterable[int]) -> int:
    """Return a target's estimated cost from its bytes and the rules its gate passes.

    ``rule_costs`` are the :func:`.rulesplit.rule_cost` of the rules that will run on the
    target. semgrep parses a target once and runs each of those rules over its tree, so the
    cost grows with the bytes times (the parse + the rules): a large file that many rules
    (a taint rule above all) pass costs many times a file of its size that one search rule
    passes, which a plan by bytes alone cannot see (h2ogpt's ``src/gradio_runner.py``).
    """
    return cost(scanned, size) * (PARSE_COST + sum(rule_costs))


def gated_costs(
    scanned: Sequence[str],
    sizes: Sequence[int],
    wants: Mapping[str, frozenset[str]] | None,
    rule_costs: Mapping[str, int],
) -> list[int] | None:
    """Return each target's :func:`gated_cost` from the rules it passes (``wants``, by rule id).

    None when the rules each target passes are not known (no subsets: every rule runs on it).
    """
    if wants is None:
        return None
    return [
        gated_cost(path, size, (rule_costs[rule] for rule in wants.get(path, ())))
        for path, size in zip(scanned, sizes, strict=True)
    ]


def plan_runs(
    targets: Sequence[str],
    sizes: Sequence[int],
    jobs: int,
    source_budget: int | None,
    arg_budget: int,
    least: int = 0,
    weights: Sequence[int] | None = None,
) -> list[list[int]]:
    """Return the runs as lists of target positions, costliest run first.

    ``sizes`` are the targets' bytes; a run holds at most ``source_budget`` bytes of targets
    (None: no limit, one run unless the command line needs more) and ``arg_budget`` bytes of
    paths on its command line, unless it holds a single target. With a budget there are at
    least ``jobs`` runs (when there are as many targets), a multiple of ``jobs`` when the bytes
    allow, and at least ``least`` (:func:`tail_runs`), each of about the same estimated cost:
    ``weights`` (:func:`gated_cost`, when the targets' gates are known) or else :func:`cost`.
    Within a run the targets keep their order.
    """
    if not targets:
        return []
    if source_budget is None:
        count, source_budget = 1, sum(sizes)
    else:
        jobs = max(1, jobs)
        rounds = -(-sum(sizes) // max(1, jobs * source_budget))
        count = min(len(targets), max(jobs * max(1, rounds), least))
    by_bytes = [cost(target, size) for target, size in zip(targets, sizes, strict=True)]
    if weights is None:
        return _deal(targets, sizes, by_bytes, count, source_budget, arg_budget)
    if len(weights) != len(targets):
        raise ValueError("one weight per target")
    planned = _deal(targets, sizes, list(weights), count, source_budget, arg_budget)
    if len(planned) <= count:
        return planned
    # dealt by weight, the bytes overflow into more runs than planned (each a semgrep start-up)
    return min(
        planned,
        _deal(targets, sizes, by_bytes, count, source_budget, arg_budget),
        key=len,
    )


def _deal(
    targets: Sequence[str],
    sizes: Sequence[int],
    costs: Sequence[int],
    count: int,
    source_budget: int,
    arg_budget: int,
) -> list[list[int]]:
    """Deal the targets costliest first to the cheapest of ``count`` runs with room for them.

    A target that no run has room for (bytes, command line) opens another run.
    """
    members: list[list[int]] = [[] for _ in range(count)]
    spent = [0] * count
    held = [0] * count
    paths = [0] * count
    for number in sorted(range(len(targets)), key=lambda n: (-costs[n], n)):
        path = len(targets[number].encode()) + 1
        fits = [
            run
            for run in range(len(members))
            if not members[run]
            or (held[run] + sizes[number] <= source_budget and paths[run] + path <= arg_budget)
        ]
        if not fits:
            members.append([])
            spent.append(0)
            held.append(0)
            paths.append(0)
            fits = [len(members) - 1]
        run = min(fits, key=lambda r: (spent[r], r))
        members[run].append(number)
        spent[run] += costs[number]
        held[run] += sizes[number]
        paths[run] += path
    order = sorted(range(len(members)), key=lambda r: (-spent[r], r))
    return [sorted(members[run]) for run in order if members[run]]


TAIL_RUNS_PER_CORE = 2
"""Runs per core the scan's last wave is cut into (:func:`tail_runs`)."""

TAIL_RUN_COST = 2 * 2**20
"""Estimated cost (Python bytes, :func:`cost`) a run of the last wave keeps at least: about
4 to 10 CPU-s of semgrep on transformers, against about a second to start a process."""


def tail_runs(scanned: Sequence[str], sizes: Sequence[int], jobs: int) -> int:
    """Return how many runs the scan's last targets should at least be cut into.

    The scan ends when its last run does. The cores come free at different times (the runs
    before were not equal, and our own process shares the cores), and each core then takes
    the next run: with one run per core the last run ends alone, up to a whole run later than
    the other (about 20 s of one idle core on transformers, session 28). Cut into
    :data:`TAIL_RUNS_PER_CORE` runs per core, costliest first, the core that comes free first
    takes more of them, and the ends differ by a fraction of a smaller run. Each run costs a
    semgrep start-up, so no run is cut below :data:`TAIL_RUN_COST`.
    """
    if jobs < 2:
        return 0
    total = sum(cost(path, size) for path, size in zip(scanned, sizes, strict=True))
    return min(TAIL_RUNS_PER_CORE * jobs, total // TAIL_RUN_COST)


def waves(
    targets: Sequence[str],
    sizes: Sequence[int],
    jobs: int,
    source_budget: int | None,
    arg_budget: int,
) -> list[list[int]]:
    """Return the targets in the order their gates are worth computing, as lists of positions.

    The gates (:mod:`.subsets`) read every target before any run can start; on transformers
    that kept one core idle for about 15 s. When the plan by bytes has more runs than ``jobs``,
    each wave is the targets of ``jobs`` runs of that plan, costliest first: the first wave is
    enough to start every core, and each further one is gated while the runs before it work,
    so that it is ready when a core is free. Otherwise one wave of every target. Each wave
    keeps the targets' order.
    """
    jobs = max(1, jobs)
    plan = plan_runs(targets, sizes, jobs, source_budget, arg_budget)
    if len(plan) <= jobs:
        return [list(range(len(targets)))] if targets else []
    return [sorted(n for run in plan[k : k + jobs] for n in run) for k in range(0, len(plan), jobs)]


def in_target_order(
    hits: Sequence[Hit], errors: Sequence[ScanError], paths: Sequence[str]
) -> tuple[list[Hit], list[ScanError]]:
    """Return hits and errors ordered by their file's place in ``paths`` (the targets).

    The sort is stable: a file's results keep semgrep's order. Errors of files that are not
    targets (a view that could not be made) come first, errors of no file last.
    """
    place = {path: number for number, path in reversed(list(enumerate(paths)))}

    def of_hit(hit: Hit) -> int:
        return place.get(hit.observation.location.path, len(paths))

    def of_error(error: ScanError) -> int:
        return len(paths) if error.path is None else place.get(error.path, -1)

    return sorted(hits, key=of_hit), sorted(errors, key=of_error)


RERUN_BUDGET = 24
"""Extra semgrep processes a scan may start to isolate files that sink a whole process: enough
to corner a few bad files among thousands (two runs per halving), few enough that a broken
installation, which fails every run, costs seconds and not one run per file."""


def isolate(batch: list[str], result: RunResult, budget: int) -> list[list[str]]:
    """Return the halves to run again when one file may have sunk a whole semgrep process.

    A process that ends without a usable result loses every file's results. When it failed
    by itself (not stopped by our time limit) and held several files, each half runs on its
    own: a half that fails again is split further, so a bad file ends up alone and its error
    names it, while the other files' results are kept.
    """
    stopped = result.returncode == -signal.SIGKILL
    if len(batch) < 2 or stopped or budget < 2:
        return []
    middle = len(batch) // 2
    return [batch[:middle], batch[middle:]]
