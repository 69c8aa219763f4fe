"""The store's bundle: the entries one kind of scan used, read back in one file.

The bundle only accelerates: a scan served from it gives what the entries' own files give, a
damaged or foreign bundle is a miss (the entries' files still serve), and a result replaced
under its key (a stale entry run again) replaces the bundle's copy too.
"""

from __future__ import annotations

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
