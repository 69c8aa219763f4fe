"""Run a command and count the bytes its whole process tree read (Linux /proc).

The kernel adds the I/O counters of a child to its parent's when the parent reaps it, so the
counters of a process that has waited for all of its descendants cover the whole tree. The
counting process makes itself a *child subreaper* (``PR_SET_CHILD_SUBREAPER``), so orphaned
grandchildren are reaped by it too and counted; it runs the command, reaps everything, and
prints its own ``/proc/self/io`` and the children's CPU time as JSON on its last line:

    python benchmarks/procio.py -- COMMAND [ARGS...]

``rchar`` is every byte returned by ``read`` and friends (files, pipes, page cache included);
``read_bytes`` only what came from the storage device (zero for cached or sparse pages).
"""

from __future__ import annotations

import ctypes
import json
import os
import resource
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

PR_SET_CHILD_SUBREAPER = 36


@dataclass(frozen=True)
class TreeIO:
    """What one command's process tree read and spent."""

    rchar: int
    read_bytes: int
    wall: float
    cpu: float
    returncode: int


def own_io() -> dict[str, int]:
    """Return this process's I/O counters (reaped descendants included)."""
    pairs = (line.split(":") for line in Path("/proc/self/io").read_text().splitlines())
    return {name.strip(): int(value) for name, value in pairs}


def run_counted(command: list[str]) -> int:
    """Run ``command`` as a subreaper, reap the whole tree, print the counters; return its code."""
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
    before = own_io()
    start = time.perf_counter()
    code = subprocess.run(command, check=False).returncode
    while True:  # orphans handed to us: reap them so their counters are ours
        try:
            os.waitpid(-1, 0)
        except ChildProcessError:
            break
    wall = time.perf_counter() - start
    after = own_io()
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(
        json.dumps(
            {
                "rchar": after["rchar"] - before["rchar"],
                "read_bytes": after["read_bytes"] - before["read_bytes"],
                "wall": wall,
                "cpu": usage.ru_utime + usage.ru_stime,
                "returncode": code,
            }
        )
    )
    return code


def measure_io(command: list[str], env: dict[str, str] | None = None) -> TreeIO:
    """Run ``command`` under the counter in a fresh process and return what its tree read."""
    wrapper = [sys.executable, str(Path(__file__).resolve()), "--", *command]
    process = subprocess.run(
        wrapper, env=env, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, check=False
    )
    data = json.loads(process.stdout.decode().strip().splitlines()[-1])
    return TreeIO(data["rchar"], data["read_bytes"], data["wall"], data["cpu"], data["returncode"])


if __name__ == "__main__":
    arguments = sys.argv[1:]
    if arguments[:1] == ["--"]:
        arguments = arguments[1:]
    if not arguments:
        sys.exit("usage: procio.py -- COMMAND [ARGS...]")
    sys.exit(run_counted(arguments))
