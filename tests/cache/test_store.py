"""The result store: entries round-trip, anything it cannot verify is a miss, LRU eviction."""

from __future__ import annotations

import os
import time
from pathlib import Path

from mlsec_policy.cache import ResultStore, digest
from mlsec_policy.cache.eviction import evict
from mlsec_policy.cache.key import ENTRY_FORMAT
from mlsec_policy.models import JsonValue

VALUE: JsonValue = {"hits": [], "errors": [], "skipped": [], "note": "é"}


def _store(tmp_path: Path, max_bytes: int = 1 << 20) -> ResultStore:
    return ResultStore(tmp_path / "cache", max_bytes)


def test_an_entry_comes_back_as_written(tmp_path: Path) -> None:
    store = _store(tmp_path)
    key = digest("file", "a.py")
    assert store.get(key) is None
    store.put(key, VALUE)
    assert store.get(key) == VALUE
    assert (store.stats.hits, store.stats.misses, store.stats.written) == (1, 1, 1)
    assert store.stats.written_bytes == store.path_of(key).stat().st_size
    assert [p.name for p in store.path_of(key).parent.iterdir()] == [key[2:]]  # no temporary


def test_a_truncated_entry_is_a_miss(tmp_path: Path) -> None:
    store = _store(tmp_path)
    key = digest("file", "a.py")
    store.put(key, VALUE)
    path = store.path_of(key)
    data = path.read_bytes()
    for cut in (len(data) - 1, data.index(b"\n") + 1, data.index(b"\n"), 5, 0):
        path.write_bytes(data[:cut])
        assert store.get(key) is None
    assert store.stats.invalid == 5


def test_a_foreign_or_tampered_entry_is_a_miss(tmp_path: Path) -> None:
    store = _store(tmp_path)
    key, other = digest("file", "a.py"), digest("file", "b.py")
    store.put(key, VALUE)
    data = store.path_of(key).read_bytes()
    store.path_of(key).write_bytes(data.replace(b"\xc3\xa9", b"e!"))  # body changed
    assert store.get(key) is None
    store.path_of(other).parent.mkdir(parents=True, exist_ok=True)
    store.path_of(other).write_bytes(data)  # a valid entry, written under another key
    assert store.get(other) is None
    store.path_of(key).write_bytes(b"\x80\x02}q\x00.")  # not ours at all
    assert store.get(key) is None
    header, _, body = data.partition(b"\n")
    older = header.replace(
        f"mlsec-policy-result {ENTRY_FORMAT} ".encode(),
        f"mlsec-policy-result {ENTRY_FORMAT - 1} ".encode(),
    )
    store.path_of(key).write_bytes(older + b"\n" + body)  # another entry format
    assert store.get(key) is None
    assert store.stats.invalid == 4


def test_a_store_that_cannot_be_written_is_counted_not_raised(tmp_path: Path) -> None:
    (tmp_path / "cache").write_text("a file where the folder should be", encoding="utf-8")
    store = _store(tmp_path)
    store.put(digest("x"), VALUE)
    assert store.stats.write_failures == 1
    assert store.get(digest("x")) is None


def test_eviction_removes_least_recently_used_entries_first(tmp_path: Path) -> None:
    store = _store(tmp_path, max_bytes=10_000)
    keys = [digest("file", n) for n in range(20)]
    for number, key in enumerate(keys):
        store.put(key, {"text": "x" * 900})
        past = time.time() - 1000 + number
        os.utime(store.path_of(key), (past, past))
    assert store.get(keys[0]) is not None  # used now: the most recent
    store.close()
    kept = [key for key in keys if store.path_of(key).exists()]
    assert keys[0] in kept
    assert keys[1] not in kept and keys[2] not in kept
    assert kept[-1] == keys[-1]
    size = sum(store.path_of(key).stat().st_size for key in kept)
    assert size <= 8_000
    assert store.stats.evicted == 20 - len(kept)


def test_eviction_leaves_a_store_under_its_bound_alone_and_clears_stale_temporaries(
    tmp_path: Path,
) -> None:
    store = _store(tmp_path)
    key = digest("file")
    store.put(key, VALUE)
    shard = store.path_of(key).parent
    stale, fresh = shard / ".tmp-1-aa", shard / ".tmp-2-bb"
    stale.write_bytes(b"half")
    fresh.write_bytes(b"half")
    old = time.time() - 7200
    os.utime(stale, (old, old))
    assert evict(store.root, 1 << 20) == 0
    assert store.path_of(key).exists() and fresh.exists() and not stale.exists()


def test_keys_change_with_every_part() -> None:
    base = digest("semgrep", "a.py", "python", None, "0" * 64)
    assert digest("semgrep", "a.py", "python", None, "0" * 64) == base
    assert digest("semgrep", "b.py", "python", None, "0" * 64) != base
    assert digest("semgrep", "a.py", "python", "x", "0" * 64) != base
    assert digest("semgrep", "a.py", "python", None, "1" * 64) != base
