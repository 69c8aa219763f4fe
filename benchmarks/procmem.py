"""Run a command and sample the resident memory of its whole process tree (Linux /proc)."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

PAGE = 4096


@dataclass(frozen=True)
class Measured:
    """Wall time, peak tree RSS, exit code and CPU time of one command."""

    seconds: float
    peak_mib: float
    returncode: int
    stdout: bytes
    cpu_seconds: float = 0.0
    """User + system time of the command's whole process tree (what its descendants' parents
    waited for), which other work on a shared machine does not inflate the way it does wall
    time; exact when no other child process of ours ends meanwhile (one command at a time)."""
    timed_out: bool = False
    """The command ran past its time limit and its whole process group was killed."""


def children(pid: int) -> list[int]:
    """Return the ids of the child processes of every thread of ``pid`` (none when gone)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def _tree_rss(pid: int) -> int:
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            total += int(Path(f"/proc/{current}/statm").read_text().split()[1]) * PAGE
        except (OSError, ValueError, IndexError):
            continue
        stack += children(current)
    return total


def measure(
    command: Sequence[str],
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    interval: float = 0.05,
    timeout: float | None = None,
) -> Measured:
    """Run ``command`` to completion and return its wall time, peak tree RSS and CPU time.

    With ``timeout`` (seconds), a command still running then is killed with its whole process
    group (semgrep's workers too) and the result says so (``timed_out``).
    """
    before = _children_cpu()
    start = time.perf_counter()
    process = subprocess.Popen(
        command,
        cwd=cwd,
        env=dict(env) if env else None,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss(process.pid))
            time.sleep(interval)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    timed_out = False
    try:
        stdout, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        os.killpg(process.pid, signal.SIGKILL)
        stdout, _ = process.communicate()
    done.set()
    sampler.join()
    seconds = time.perf_counter() - start
    spent = _children_cpu() - before
    return Measured(seconds, peak / 2**20, process.returncode, stdout, spent, timed_out)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime
