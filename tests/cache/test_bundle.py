"""The store's bundle: the entries one kind of scan used, read back in one file.

The bundle only accelerates: a scan served from it gives what the entries' own files give, a
damaged or foreign bundle is a miss (the entries' files still serve), and a result replaced
under its key (a stale entry run again) replaces the bundle's copy too.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from mlsec_policy.cache import ResultStore, digest
from mlsec_policy.models import JsonValue

NAME = "('/repo', 'full', ('builtin',), ())"
VALUES: dict[str, JsonValue] = {digest("file", n): {"n": n, "text": "é\n"} for n in range(5)}


def _scan(tmp_path: Path, name: str = NAME) -> ResultStore:
    return ResultStore(tmp_path / "cache", 1 << 30, name)


def _first_scan(tmp_path: Path) -> ResultStore:
    store = _scan(tmp_path)
    for key, value in VALUES.items():
        assert store.get(key) is None
        store.put(key, value)
    store.close()
    return store


def _drop_entry_files(store: ResultStore) -> None:
    for key in VALUES:
        store.path_of(key).unlink()


def test_the_next_scan_reads_the_bundle_not_the_entries(tmp_path: Path) -> None:
    first = _first_scan(tmp_path)
    assert first.bundle_key is not None and first.path_of(first.bundle_key).is_file()
    _drop_entry_files(first)  # only the bundle can serve them now
    again = _scan(tmp_path)
    assert {key: again.get(key) for key in VALUES} == VALUES
    assert (again.stats.hits, again.stats.misses) == (len(VALUES), 0)
    bundle = again.path_of(first.bundle_key).read_bytes()
    again.close()  # the same entries: the bundle is not written again
    assert again.stats.written == 0
    assert again.path_of(first.bundle_key).read_bytes() == bundle


def test_another_kind_of_scan_has_its_own_bundle(tmp_path: Path) -> None:
    first = _first_scan(tmp_path)
    _drop_entry_files(first)
    other = _scan(tmp_path, NAME.replace("full", "diff"))
    assert other.bundle_key != first.bundle_key
    assert all(other.get(key) is None for key in VALUES)


def test_a_damaged_or_foreign_bundle_is_a_miss_and_the_entries_still_serve(
    tmp_path: Path,
) -> None:
    first = _first_scan(tmp_path)
    assert first.bundle_key is not None
    path = first.path_of(first.bundle_key)
    data = path.read_bytes()
    for damaged in (data[:-3], data.replace(b'"n":1', b'"n":9'), b"", data.replace(b"\n", b"", 1)):
        path.write_bytes(damaged)
        store = _scan(tmp_path)
        assert {key: store.get(key) for key in VALUES} == VALUES  # from the entries' files
        assert store.stats.invalid == 1
    path.write_bytes(data)
    _drop_entry_files(first)
    foreign = first.path_of(digest("bundle", "elsewhere"))
    foreign.parent.mkdir(parents=True, exist_ok=True)
    foreign.write_bytes(data)  # a valid bundle, under another name
    store = _scan(tmp_path, "elsewhere")
    assert all(store.get(key) is None for key in VALUES)


def test_a_result_replaced_under_its_key_replaces_the_bundled_copy(tmp_path: Path) -> None:
    _first_scan(tmp_path)
    key = next(iter(VALUES))
    store = _scan(tmp_path)
    for each in VALUES:
        store.get(each)
    store.put(key, {"n": "run again"})  # e.g. a native entry whose dependencies changed
    store.close()
    later = _scan(tmp_path)
    assert later.get(key) == {"n": "run again"}


def test_a_bundle_holds_what_the_scan_used_and_nothing_else(tmp_path: Path) -> None:
    _first_scan(tmp_path)
    kept = list(VALUES)[:2]
    store = _scan(tmp_path)
    for key in kept:
        store.get(key)
    store.close()
    assert store.bundle_key is not None
    reader = ResultStore(tmp_path / "cache", 1 << 30)  # a bundle is a JSON entry too
    bundled = reader.get(store.bundle_key)
    assert isinstance(bundled, dict)
    assert bundled == {key: VALUES[key] for key in kept}


def _many(tmp_path: Path, count: int = 40) -> tuple[ResultStore, dict[str, JsonValue]]:
    """Run a first scan of ``count`` entries; its bundle is written whole."""
    values: dict[str, JsonValue] = {
        digest("many", n): {"n": n, "text": "é" * 50} for n in range(count)
    }
    store = _scan(tmp_path)
    for key, value in values.items():
        store.put(key, value)
    store.close()
    return store, values


def _rescan(
    tmp_path: Path, values: Mapping[str, JsonValue], changed: Mapping[str, JsonValue]
) -> ResultStore:
    """Re-scan using ``values``, with ``changed`` run again (new keys or new results)."""
    store = _scan(tmp_path)
    for key in values.keys() - changed.keys():
        assert store.get(key) == values[key]
    for key, value in changed.items():
        store.put(key, value)
    store.close()
    return store


def test_one_changed_entry_writes_a_small_delta_not_the_whole_bundle(tmp_path: Path) -> None:
    first, values = _many(tmp_path)
    assert first.bundle_key is not None and first.delta_key is not None
    base = first.path_of(first.bundle_key)
    before = base.read_bytes()
    os.utime(base, (1, 1))  # the base rewritten would show a new modification time
    old, new = next(iter(values)), digest("many", "new")
    rescan: dict[str, JsonValue] = {
        **{k: v for k, v in values.items() if k != old},
        new: {"n": "new"},
    }
    _rescan(tmp_path, rescan, {new: {"n": "new"}})
    assert base.read_bytes() == before and base.stat().st_mtime > 1  # read (touched), not written
    delta = first.path_of(first.delta_key)
    assert len(delta.read_bytes()) < len(before) // 10
    for key in values:
        first.path_of(key).unlink()  # only the bundle's two parts can serve now
    first.path_of(new).unlink()
    again = _scan(tmp_path)
    assert {key: again.get(key) for key in rescan} == rescan
    assert again.stats.misses == 0
    again.close()  # the same entries again: neither part is written
    assert base.read_bytes() == before and delta.exists()
    assert again.stats.written == 0


def test_a_damaged_delta_is_a_miss_and_the_entries_still_serve(tmp_path: Path) -> None:
    first, values = _many(tmp_path)
    assert first.delta_key is not None
    key = digest("many", "new")
    _rescan(tmp_path, values, {key: {"n": "new"}})
    delta = first.path_of(first.delta_key)
    data = delta.read_bytes()
    for damaged in (data[:-2], data.replace(b'"new"', b'"old"'), b""):
        delta.write_bytes(damaged)
        store = _scan(tmp_path)
        assert store.get(key) == {"n": "new"}  # from the entry's own file
        assert (store.stats.invalid, store.stats.hits) == (1, 1)
        first.path_of(key).rename(tmp_path / "aside")
        assert _scan(tmp_path).get(key) is None  # the damaged delta served nothing
        (tmp_path / "aside").rename(first.path_of(key))


def test_a_delta_grown_past_its_share_rewrites_the_bundle_and_drops_the_delta(
    tmp_path: Path,
) -> None:
    first, values = _many(tmp_path)
    assert first.bundle_key is not None and first.delta_key is not None
    keys = list(values)
    small: dict[str, JsonValue] = {keys[0]: {"n": "again"}}
    _rescan(tmp_path, values, small)
    assert first.path_of(first.delta_key).exists()
    large: dict[str, JsonValue] = {key: {"n": "again"} for key in keys[: len(keys) // 2]}
    _rescan(tmp_path, values, large)
    assert not first.path_of(first.delta_key).exists()
    reader = ResultStore(tmp_path / "cache", 1 << 30)  # the base alone holds the scan's entries
    assert reader.get(first.bundle_key) == {**values, **large}


def test_a_delta_no_entry_is_used_from_is_dropped(tmp_path: Path) -> None:
    first, values = _many(tmp_path)
    assert first.delta_key is not None
    key = next(iter(values))
    _rescan(tmp_path, values, {key: {"n": "run again"}})
    assert first.path_of(first.delta_key).exists()
    _rescan(tmp_path, values, {key: values[key]})  # back to the base's result
    assert not first.path_of(first.delta_key).exists()
