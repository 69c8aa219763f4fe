"""How long each fuzz test runs: a short CI budget, or a long run chosen by environment.

``MLSEC_FUZZ`` unset (CI, ``./scripts/test``): each property runs a fixed, derandomised number
of examples, so the fuzz tests stay quick and never differ between two runs.

``MLSEC_FUZZ=long``: each property draws fresh random examples, round after round, until
``MLSEC_FUZZ_SECONDS`` (default 120) have passed for that test. ``MLSEC_FUZZ_LOG`` names a
file where each test appends one JSON line: the test, the examples run and the seconds taken
(the figures of ``docs/reliability.md``). The time is a budget for how long to search, never
an assertion: a slow example fails only through hypothesis's own generous deadline.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Sequence
from datetime import timedelta
from pathlib import Path
from typing import TypeVar

from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

T = TypeVar("T")

LONG = os.environ.get("MLSEC_FUZZ", "") == "long"
"""True for the long fuzzing run."""
DEADLINE = timedelta(seconds=30)
"""Longest one example may take: far above any parser's time on the small inputs drawn here
(milliseconds), so a loaded machine never makes it flaky, while a hang still fails."""
ROUND = 50
"""Examples per round of the long run (a fresh random seed each round)."""


def fuzz(
    name: str,
    strategy: st.SearchStrategy[T],
    prop: Callable[[T], None],
    *,
    examples: int = 60,
    regressions: Sequence[T] = (),
) -> int:
    """Check ``prop`` on inputs drawn from ``strategy``; return how many examples ran.

    ``regressions`` are inputs that once broke the property: they run first, every time
    (hypothesis ``@example``). ``examples`` is the CI budget of this property.
    """
    count = 0

    def counted(value: T) -> None:
        nonlocal count
        count += 1
        prop(value)

    check = given(strategy)(counted)
    for known in regressions:
        check = example(known)(check)
    base = settings(
        deadline=DEADLINE,
        database=None,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
    )
    if not LONG:
        settings(base, max_examples=examples, derandomize=True)(check)()
        return count
    budget = float(os.environ.get("MLSEC_FUZZ_SECONDS", "120"))
    start = time.monotonic()
    rounds = settings(base, max_examples=ROUND, derandomize=False)(check)
    while time.monotonic() - start < budget:
        rounds()
    _log(name, count, time.monotonic() - start)
    return count


def _log(name: str, count: int, seconds: float) -> None:
    path = os.environ.get("MLSEC_FUZZ_LOG")
    if not path:
        return
    with Path(path).open("a", encoding="utf-8") as handle:
        line = {"test": name, "examples": count, "seconds": round(seconds, 1)}
        handle.write(json.dumps(line) + "\n")
