"""The cache's counters stay exact while several threads count at once.

A scan's store is shared by the native analyzers (this thread) and semgrep's thread. A counter
bumped with ``+=`` is read, added to and written back; another thread that runs in between
loses an update. CPython 3.11 rarely switches threads there, so the test makes it switch
between any two bytecodes of the cache's own code (an opcode tracer that hands the interpreter
lock to another thread each time); the stores, reads and hashes themselves are real.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType
from typing import Any

import pytest

import mlsec_policy.cache as cache_package
from mlsec_policy.cache import ResultStore
from mlsec_policy.cache.digests import ContentDigests

THREADS = 4
ROUNDS = 100
JOIN_SECONDS = 300
"""Each worker takes well under a second alone (seconds when switching): one still running
after this long is stuck, and the test fails rather than stall the suite (daemon threads)."""
CACHE_CODE = str(Path(cache_package.__file__).parent)

Tracer = Callable[[FrameType, str, Any], Any]


def _yield_each_opcode(frame: FrameType, event: str, arg: Any) -> Tracer:
    if event == "opcode":
        time.sleep(0)  # let another thread run between any two bytecodes
    return _yield_each_opcode


def _trace_cache_code(frame: FrameType, event: str, arg: Any) -> Tracer | None:
    if event == "call" and frame.f_code.co_filename.startswith(CACHE_CODE):
        frame.f_trace_opcodes = True
        return _yield_each_opcode
    return None


@pytest.fixture
def switching() -> Iterator[None]:
    """Threads started inside switch as often as they can while in the cache's code."""
    before, interval = threading.gettrace(), sys.getswitchinterval()
    threading.settrace(_trace_cache_code)
    sys.setswitchinterval(1e-6)
    try:
        yield
    finally:
        threading.settrace(before)
        sys.setswitchinterval(interval)


def _hammer(work: Callable[[int], None]) -> None:
    start = threading.Barrier(THREADS)

    def run(worker: int) -> None:
        start.wait()
        for step in range(ROUNDS):
            work(worker * ROUNDS + step)

    threads = [threading.Thread(target=run, args=(n,), daemon=True) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + JOIN_SECONDS
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    stuck = [thread.name for thread in threads if thread.is_alive()]
    assert not stuck, f"{stuck} still counting after {JOIN_SECONDS} s: hung, not merely slow"


@pytest.mark.usefixtures("switching")
def test_store_counters_lose_no_update(tmp_path: Path) -> None:
    store = ResultStore(tmp_path / "cache", 1 << 30)
    kept = "aa" + "0" * 62
    store.put(kept, {"kept": True})
    (store.path_of("bb" + "0" * 62)).parent.mkdir(parents=True)
    (store.path_of("bb" + "0" * 62)).write_bytes(b"not an entry")

    def work(step: int) -> None:
        assert store.get(kept) == {"kept": True}
        assert store.get(f"cc{step:062d}") is None
        assert store.get("bb" + "0" * 62) is None
        store.put(f"dd{step:062d}", step)

    _hammer(work)
    total = THREADS * ROUNDS
    stats = store.stats
    assert (stats.hits, stats.misses, stats.invalid, stats.written) == (
        total,
        2 * total,
        total,
        total + 1,
    )


@pytest.mark.usefixtures("switching")
def test_digest_counters_lose_no_update(tmp_path: Path) -> None:
    for number in range(THREADS * ROUNDS):
        (tmp_path / f"f{number}.bin").write_bytes(b"x" * (number % 7 + 1))
    digests = ContentDigests(tmp_path, None, use_git=False)

    def work(step: int) -> None:
        assert len(digests.sha256(f"f{step}.bin")) == 64

    _hammer(work)
    sizes = sum(number % 7 + 1 for number in range(THREADS * ROUNDS))
    assert (digests.stats.hashed, digests.stats.hashed_bytes) == (THREADS * ROUNDS, sizes)
