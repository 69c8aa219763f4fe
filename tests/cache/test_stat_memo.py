"""The stat memo: a file's SHA-256 is not read again while its stat data are unchanged.

Real files on the real file system. Whether a file was read is measured (the bytes this
process read, ``/proc/self/io``), and each case ends in the digest of the bytes on disk.
"""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

import pytest

from mlsec_policy.cache import ResultStore, digest
from mlsec_policy.cache.digests import ContentDigests, content_digests, save_memos
from mlsec_policy.cache.statmemo import SETTLED_NS, StatMemo
from tests.cache.test_read_once import bytes_read

OLD = 1_500_000_000
"""A modification time long past (the change time is still the time of the last write)."""
SIZE = 64 << 10


def _settled(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` and wait until its change time is settled."""
    path.write_bytes(data)
    os.utime(path, (OLD, OLD))
    time.sleep(SETTLED_NS / 1e9 + 0.1)


def _digest(root: Path, store: ResultStore, name: str) -> tuple[str, int, ContentDigests]:
    """Return the SHA-256 a new scan's digests give ``name``, the bytes read, and the digests."""
    digests = ContentDigests(root, store)
    before = bytes_read()
    value = digests.sha256(name)
    return value, bytes_read() - before, digests


@pytest.fixture
def settled(tmp_path: Path) -> tuple[Path, ResultStore]:
    """Return a root holding a settled ``a.py`` (not a git repository) and a store."""
    root = tmp_path / "root"
    root.mkdir()
    _settled(root / "a.py", b"x = 1\n" * (SIZE // 6))
    return root, ResultStore(tmp_path / "cache", 1 << 30)


def test_a_settled_file_is_read_once_across_scans(settled: tuple[Path, ResultStore]) -> None:
    root, store = settled
    expected = hashlib.sha256((root / "a.py").read_bytes()).hexdigest()
    first, read, digests = _digest(root, store, "a.py")
    assert (first, digests.stats.hashed) == (expected, 1) and read >= SIZE
    digests.save()
    again, read, digests = _digest(root, store, "a.py")
    assert again == expected
    assert (digests.stats.remembered, digests.stats.hashed) == (1, 0)
    assert read < SIZE


def test_a_rewrite_with_the_same_size_and_modification_time_is_read_again(
    settled: tuple[Path, ResultStore],
) -> None:
    root, store = settled
    _digest(root, store, "a.py")[2].save()
    changed = b"y = 2\n" * (SIZE // 6)
    (root / "a.py").write_bytes(changed)
    os.utime(root / "a.py", (OLD, OLD))  # size and mtime as remembered: only ctime differs
    value, read, digests = _digest(root, store, "a.py")
    assert value == hashlib.sha256(changed).hexdigest()
    assert (digests.stats.remembered, digests.stats.hashed) == (0, 1) and read >= SIZE


def test_a_file_written_within_the_settling_time_is_not_remembered(tmp_path: Path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    (root / "a.py").write_bytes(b"z = 3\n")  # change time: now
    store = ResultStore(tmp_path / "cache", 1 << 30)
    _digest(root, store, "a.py")[2].save()
    _value, _read, digests = _digest(root, store, "a.py")
    assert (digests.stats.remembered, digests.stats.hashed) == (0, 1)


def test_a_symlink_is_never_remembered(settled: tuple[Path, ResultStore]) -> None:
    root, store = settled
    (root / "link.py").symlink_to(root / "a.py")
    _digest(root, store, "link.py")[2].save()
    _value, _read, digests = _digest(root, store, "link.py")
    assert (digests.stats.remembered, digests.stats.hashed) == (0, 1)


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],
        lambda data: data.replace(b'"files"', b'"fails"'),
        lambda data: data[:-68] + b"0" * 64 + data[-4:],
    ],
    ids=["truncated", "foreign", "digest-replaced"],
)
def test_a_damaged_memo_is_a_miss(settled: tuple[Path, ResultStore], damage: object) -> None:
    root, store = settled
    _digest(root, store, "a.py")[2].save()
    memo = store.path_of(StatMemo(store, str(root)).key)
    assert callable(damage)
    memo.write_bytes(damage(memo.read_bytes()))
    value, _read, digests = _digest(root, store, "a.py")
    assert value == hashlib.sha256((root / "a.py").read_bytes()).hexdigest()
    assert (digests.stats.remembered, digests.stats.hashed) == (0, 1)


def test_a_scan_saves_the_memo_of_its_roots_and_counts_no_entry(
    settled: tuple[Path, ResultStore],
) -> None:
    root, store = settled
    content_digests(store, root).sha256("a.py")
    save_memos(store)
    assert store.stats.written == 0  # the memo lives apart from results and the bundle
    later = ResultStore(store.root.parent, 1 << 30)
    content_digests(later, root).sha256("a.py")
    assert content_digests(later, root).stats.remembered == 1


def test_a_scan_that_writes_only_the_memo_bounds_the_store(tmp_path: Path) -> None:
    """The memo counts toward the store's size: writing it alone evicts old entries."""
    root = tmp_path / "root"
    root.mkdir()
    names = [f"f{n}.py" for n in range(40)]
    for name in names:
        (root / name).write_bytes(name.encode() * 200)
        os.utime(root / name, (OLD, OLD))
    time.sleep(SETTLED_NS / 1e9 + 0.1)
    cache = tmp_path / "cache"
    old = ResultStore(cache, 1 << 30)
    olds = [digest("old", n) for n in range(20)]
    for key in olds:
        old.put(key, "x" * 200)
        os.utime(old.path_of(key), (OLD, OLD))  # long unused: first to go
    store = ResultStore(cache, 8_000)  # the old entries (~6 kB) fit; with the memo they do not
    for name in names:
        content_digests(store, root).sha256(name)
    save_memos(store)
    assert store.stats.written == 0  # the memo is no result entry
    memo = store.path_of(StatMemo(store, str(root.resolve())).key)
    assert memo.stat().st_size > 2_000
    store.close()
    assert store.stats.evicted > 0
    assert memo.exists()  # written now: the most recently used
    left = [key for key in olds if old.path_of(key).exists()]
    assert len(left) == 20 - store.stats.evicted
    total = sum(p.stat().st_size for p in store.root.rglob("*") if p.is_file())
    assert total <= 8_000


def test_reading_the_memo_marks_it_used(settled: tuple[Path, ResultStore]) -> None:
    """A memo read but not rewritten (nothing changed) is not the first to be evicted."""
    root, store = settled
    content_digests(store, root).sha256("a.py")
    save_memos(store)
    memo = store.path_of(StatMemo(store, str(root.resolve())).key)
    os.utime(memo, (OLD, OLD))
    later = ResultStore(store.root.parent, 1 << 30)
    content_digests(later, root).sha256("a.py")
    assert content_digests(later, root).stats.remembered == 1
    assert memo.stat().st_mtime > OLD + 1
