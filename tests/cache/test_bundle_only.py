"""A ``bundle_only`` store (a diff scan's): new entries go to the bundle alone, in one write.

The entries are kept as the bundle keeps any entry (header, digest, atomic write), so a
damaged or foreign bundle is a miss; nothing is on disk before the store closes, and what was
put is still served to the scan that put it.
"""

from __future__ import annotations

from pathlib import Path

from mlsec_policy.cache import ResultStore, digest
from mlsec_policy.cache.store import FOLDER
from mlsec_policy.models import JsonValue

NAME = "('/repo', 'diff', ('builtin',), ())"
VALUES: dict[str, JsonValue] = {digest("file", n): {"n": n, "text": "é\n"} for n in range(30)}


def _files(tmp_path: Path) -> list[Path]:
    """Return the entry files of the store (in its shard folders, not its size record)."""
    root = tmp_path / "cache" / FOLDER
    return sorted(p for p in root.rglob("*") if p.is_file() and p.parent != root)


def _diff_scan(tmp_path: Path) -> ResultStore:
    store = ResultStore(tmp_path / "cache", 1 << 30, NAME, bundle_only=True)
    for key, value in VALUES.items():
        assert store.get(key) is None
        store.put(key, value)
    assert {key: store.get(key) for key in VALUES} == VALUES  # served before it is written
    assert _files(tmp_path) == []  # nothing written one file each
    store.close()
    return store


def test_new_entries_are_written_in_the_bundle_alone_and_the_next_scan_reads_them(
    tmp_path: Path,
) -> None:
    first = _diff_scan(tmp_path)
    assert first.bundle_key is not None
    assert _files(tmp_path) == [first.path_of(first.bundle_key)]
    assert (first.stats.written, first.stats.write_failures) == (len(VALUES), 0)
    assert first.stats.written_bytes == first.path_of(first.bundle_key).stat().st_size
    again = ResultStore(tmp_path / "cache", 1 << 30, NAME, bundle_only=True)
    assert {key: again.get(key) for key in VALUES} == VALUES
    assert (again.stats.hits, again.stats.misses) == (len(VALUES), 0)
    again.close()
    assert again.stats.written == 0


def test_entries_put_again_as_the_bundle_holds_them_are_not_counted_as_written(
    tmp_path: Path,
) -> None:
    first = _diff_scan(tmp_path)
    assert first.bundle_key is not None
    again = ResultStore(tmp_path / "cache", 1 << 30, NAME, bundle_only=True)
    for key, value in VALUES.items():  # run again under their keys, same results
        again.put(key, value)
    again.close()
    assert (again.stats.written, again.stats.written_bytes, again.stats.write_failures) == (0, 0, 0)
    assert again.stats.describe() == "result cache: 0 entries reused, 0 written"
    changed, *_ = VALUES
    third = ResultStore(tmp_path / "cache", 1 << 30, NAME, bundle_only=True)
    third.put(changed, {"n": -1})
    third.put(digest("file", "new"), {"n": "new"})
    third.close()  # the two entries alone: the bundle is written again, smaller
    size = third.path_of(first.bundle_key).stat().st_size
    assert (third.stats.written, third.stats.written_bytes) == (2, size)
    assert third.stats.describe() == f"result cache: 0 entries reused, 2 written ({size} B to disk)"


def test_a_damaged_or_foreign_bundle_is_a_miss(tmp_path: Path) -> None:
    first = _diff_scan(tmp_path)
    assert first.bundle_key is not None
    path = first.path_of(first.bundle_key)
    data = path.read_bytes()
    for damaged in (data[:-3], data.replace(b'"n":1', b'"n":9'), b""):
        path.write_bytes(damaged)
        store = ResultStore(tmp_path / "cache", 1 << 30, NAME, bundle_only=True)
        assert all(store.get(key) is None for key in VALUES)
    path.write_bytes(data)
    other = ResultStore(tmp_path / "cache", 1 << 30, NAME.replace("diff", "full"))
    assert all(other.get(key) is None for key in VALUES)  # another kind of scan runs again


def test_a_bundle_that_cannot_be_written_counts_its_entries_as_failures(tmp_path: Path) -> None:
    (tmp_path / "cache").mkdir()
    (tmp_path / "cache" / FOLDER).write_bytes(b"not a folder")  # every write fails
    store = ResultStore(tmp_path / "cache", 1 << 30, NAME, bundle_only=True)
    for key, value in VALUES.items():
        store.put(key, value)
    store.close()
    # every entry held, and the bundle's own write
    assert (store.stats.written, store.stats.write_failures) == (0, len(VALUES) + 1)
