"""The store's size bound from a remembered total: a walk only when the total is not trusted.

A scan that wrote adds its bytes to the remembered total; the store is walked (and the least
recently used entries evicted) when that total is missing, damaged, over the bound with the
scan's bytes, or older than :data:`REWALK`. A stale temporary file in a shard shows whether a
walk happened: the walk removes it.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from mlsec_policy.cache import ResultStore, digest
from mlsec_policy.cache.eviction import REWALK, STALE_TEMPORARY, TALLY

OLD = time.time() - 10 * STALE_TEMPORARY


def _scan(cache: Path, tag: str, count: int = 3, max_bytes: int = 1 << 20) -> ResultStore:
    store = ResultStore(cache, max_bytes)
    for number in range(count):
        store.put(digest(tag, number), {"text": "x" * 900})
    store.close()
    return store


def _stale_temporary(store: ResultStore) -> Path:
    shard = store.path_of(digest("first", 0)).parent
    leftover = shard / ".tmp-1-1-1"
    leftover.write_bytes(b"half")
    os.utime(leftover, (OLD, OLD))
    return leftover


def _on_disk(store: ResultStore) -> int:
    files = [p for p in store.root.glob("*/*") if p.is_file() and not p.name.startswith(".tmp-")]
    return sum(p.stat().st_size for p in files)


def _tally(store: ResultStore) -> tuple[int, int]:
    magic, total, walked = (store.root / TALLY).read_bytes().split(b" ")
    assert magic == b"mlsec-policy-size"
    return int(total), int(walked)


def test_a_scan_under_the_bound_adds_to_the_total_and_does_not_walk(tmp_path: Path) -> None:
    first = _scan(tmp_path / "cache", "first")
    assert _tally(first)[0] == _on_disk(first)  # no total yet: walked, and remembered
    leftover = _stale_temporary(first)
    second = _scan(tmp_path / "cache", "second")
    assert leftover.exists()  # not walked
    assert _tally(second)[0] == _on_disk(second)  # the entries' bytes added
    assert _tally(second)[1] == _tally(first)[1]  # the time of the last walk kept


def test_a_missing_damaged_or_old_total_walks_the_store_again(tmp_path: Path) -> None:
    first = _scan(tmp_path / "cache", "first")
    tally = first.root / TALLY
    damaged = [b"", b"mlsec-policy-size 12", b"mlsec-policy-size x 1\n", b"other 1 1\n"]
    old = b"mlsec-policy-size 1 %d\n" % int(time.time() - REWALK - 60)
    for number, text in enumerate([*damaged, old, None]):
        leftover = _stale_temporary(first)
        if text is None:
            tally.unlink()
        else:
            tally.write_bytes(text)
        later = _scan(tmp_path / "cache", f"later{number}")
        assert not leftover.exists(), text  # walked
        assert _tally(later)[0] == _on_disk(later)  # and the true total remembered


def test_the_remembered_total_over_the_bound_evicts_least_recently_used(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    stores = []
    for number in range(8):  # about 3 kB a scan against a bound of 10 kB
        stores.append(_scan(cache, f"scan{number}", max_bytes=10_000))
        for key in (digest(f"scan{number}", n) for n in range(3)):
            past = time.time() - 1000 + number
            os.utime(stores[-1].path_of(key), (past, past))
        assert _on_disk(stores[-1]) <= 10_000
    assert sum(store.stats.evicted for store in stores) > 0
    last = stores[-1]
    assert all(last.path_of(digest("scan7", n)).exists() for n in range(3))
    assert not last.path_of(digest("scan0", 0)).exists()  # the least recently used went
    assert _tally(last)[0] == _on_disk(last)


def test_a_scan_that_writes_nothing_leaves_the_total_alone(tmp_path: Path) -> None:
    first = _scan(tmp_path / "cache", "first")
    before = (first.root / TALLY).read_bytes()
    reader = ResultStore(tmp_path / "cache", 1 << 20)
    assert reader.get(digest("first", 0)) is not None
    reader.close()
    assert (first.root / TALLY).read_bytes() == before
