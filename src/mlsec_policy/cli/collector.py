"""How often the cyclic garbage collector runs while a command works.

A cold scan parses hundreds of Python files and reads semgrep's JSON: millions of objects that
live a while and die by reference counting (an :mod:`ast` tree holds no cycle). With CPython's
default thresholds (700, 10, 10) each of them is counted towards a collection, survives the
young generations while its file is analysed, and reaches the oldest one, whose growth then
triggers a full collection: a walk of every object of the process, the scan's result and its
loaded policy included. On transformers that was 57 full collections and about 4 CPU-s of the
native engine's 23 (``benchmarks/README.md``, session 32). Collecting less often changes no
result: reference counting frees the same objects at the same time, and the cycles the
collector is for are only found later (:data:`THRESHOLDS`).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

THRESHOLDS = (10_000, 10, 10)
"""``gc.set_threshold`` while a command runs: a young collection after 10,000 net allocations
of tracked objects instead of 700; the older generations as CPython's defaults count them."""


@contextmanager
def fewer_collections() -> Iterator[None]:
    """Run the block with :data:`THRESHOLDS`, then put back the thresholds there were."""
    before = gc.get_threshold()
    gc.set_threshold(*THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*before)
