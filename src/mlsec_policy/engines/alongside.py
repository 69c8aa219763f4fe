"""Two engines at once: semgrep's processes in a thread, the native analyzers in this one.

The native analyzers are Python and hold the interpreter lock while they work; semgrep's
thread needs that lock to prepare its targets (every file is opened to decide its view) and to
start its processes. Started together, the two threads share the lock and semgrep's first
process waits for both: on transformers (2,885 targets) it started after 2.8 to 2.9 CPU-s of
the scan's work past the inventory, 1.3 to 1.5 when the analyzers wait (benchmarks/README.md,
session 25). So the native work waits until semgrep's processes run (or its thread has ended):
those are the critical path of a cold scan, and from then on semgrep's thread mostly waits for
them, without the lock.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from mlsec_policy.engines.base import EngineOutput

POLL_SECONDS = 0.05
"""How often the wait for semgrep's start also checks whether its thread has ended."""


def side_by_side(
    processes: Callable[[], EngineOutput],
    in_process: Callable[[], EngineOutput],
    launched: threading.Event,
) -> tuple[EngineOutput, EngineOutput]:
    """Return the outputs of ``processes`` (run in a thread) and ``in_process`` (run here).

    ``in_process`` starts once ``launched`` is set (``processes`` has started its child
    processes) or ``processes`` has ended, whichever is first; an error of ``processes`` is
    raised after ``in_process`` is done.
    """
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="semgrep") as pool:
        running = pool.submit(processes)
        while not launched.wait(POLL_SECONDS) and not running.done():
            pass
        second = in_process()
        return running.result(), second
