"""How long each stage of a scan took, read from the scan's progress messages.

The scan announces each stage as it starts (:mod:`mlsec_policy.scan`); the time from one
stage's announcement to the next is that stage's time. The summary goes to stderr after the
console summary, so report files and the console text stay the same from run to run.
"""

from __future__ import annotations

import time
from collections.abc import Callable

STAGES = (
    # semgrep's process and the native analyzers run at the same time: one stage
    ("alongside", "semgrep and native analyzers"),
    ("native analyzers", "native analyzers"),
    ("semgrep", "semgrep"),
    ("evaluating", "evaluation"),
    ("looking for automatic fixes", "fixes"),
    ("loading policy", "policy"),
    ("inventorying", "inventory"),
)
"""Words of a progress message, and the stage they start (most specific first: the engine
messages also count the files inventoried)."""


def stage_of(message: str) -> str | None:
    """Return the stage a progress message starts, or None (a message within a stage)."""
    return next((stage for words, stage in STAGES if words in message), None)


class StageTimes:
    """Records when each stage started; :meth:`summary` says how long each took."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._marks: list[tuple[str, float]] = []
        self._end: float | None = None

    def mark(self, message: str) -> None:
        """Note the stage a progress message starts, if it starts one."""
        stage = stage_of(message)
        if stage is not None and (not self._marks or self._marks[-1][0] != stage):
            self._marks.append((stage, self._clock()))

    def finish(self) -> None:
        """Note the end of the last stage (the scan is over)."""
        self._end = self._clock()

    def durations(self) -> dict[str, float]:
        """Return the seconds spent in each stage, summed when a stage came back."""
        if not self._marks:
            return {}
        end = self._end if self._end is not None else self._clock()
        spent: dict[str, float] = {}
        bounds = [*(t for _, t in self._marks[1:]), end]
        for (stage, start), stop in zip(self._marks, bounds, strict=True):
            spent[stage] = spent.get(stage, 0.0) + max(stop - start, 0.0)
        return spent

    def summary(self) -> str | None:
        """Return ``time per stage: policy 0.4s · inventory 1.2s · …`` (None: no stage seen)."""
        spent = self.durations()
        if not spent:
            return None
        return "time per stage: " + " · ".join(f"{s} {t:.1f}s" for s, t in spent.items())
