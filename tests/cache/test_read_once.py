"""Read-once keys: a file git vouches for is hashed by the first scan only, never trusted blindly.

Real git repositories and real files. Whether a file was read is measured, not mocked: the
bytes this process read (``/proc/self/io``) around the call that needs the file's SHA-256.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from mlsec_policy.cache import ResultStore
from mlsec_policy.cache.digests import SMALL, ContentDigests, _mapping_key, content_digests
from mlsec_policy.cache.gitindex import open_index

SIZE = 4 << 20
OLD = 1_500_000_000
"""An old modification time: no index entry written today is racily clean."""
GIT_ENV = {
    "GIT_AUTHOR_NAME": "t",
    "GIT_AUTHOR_EMAIL": "t@example.invalid",
    "GIT_COMMITTER_NAME": "t",
    "GIT_COMMITTER_EMAIL": "t@example.invalid",
}


def weights(seed: int = 0) -> bytes:
    """Return SIZE bytes that git calls binary (NUL bytes early)."""
    block = hashlib.sha256(str(seed).encode()).digest() + b"\0" * 32
    return (block * (SIZE // len(block) + 1))[:SIZE]


def git(root: Path, *arguments: str) -> str:
    """Run git in ``root`` and return its output."""
    done = subprocess.run(
        ["git", *arguments],
        cwd=root,
        env={**os.environ, **GIT_ENV},
        check=True,
        capture_output=True,
        text=True,
    )
    return done.stdout


def repository(root: Path, files: dict[str, bytes], commit: bool = True) -> Path:
    """Create a repository holding ``files`` (old times), added and committed."""
    root.mkdir(parents=True)
    git(root, "init", "-q", "-b", "main")
    for name, data in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        os.utime(path, (OLD, OLD))
    if commit:
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", "files")
    return root


def bytes_read() -> int:
    """Return the bytes this process has read so far (every file, pipe and socket)."""
    for line in Path("/proc/self/io").read_text().splitlines():
        name, _, value = line.partition(":")
        if name == "rchar":
            return int(value)
    raise AssertionError("no rchar in /proc/self/io")


def sha256_reading(root: Path, store: ResultStore, name: str) -> tuple[str, int, ContentDigests]:
    """Return the SHA-256 of ``name`` via a fresh scan's digests, and the bytes read for it."""
    digests = ContentDigests(root, store)
    before = bytes_read()
    value = digests.sha256(name)
    return value, bytes_read() - before, digests


def seeded(tmp_path: Path, store: ResultStore, name: str = "w.bin") -> bytes:
    """Let a first repository's scan hash the weights into ``store``; return the weights."""
    data = weights()
    sha256_reading(repository(tmp_path / "seed", {name: data}), store, name)
    return data


def assert_mapped(digests: ContentDigests, read: int) -> None:
    """Assert that the SHA-256 came from the mapping and the file was not read."""
    assert digests.stats.mapped == 1
    assert read < SIZE // 8


@pytest.fixture
def store(tmp_path: Path) -> ResultStore:
    return ResultStore(tmp_path / "cache", 1 << 30)


def test_a_tracked_unmodified_file_is_read_by_the_first_scan_only(
    tmp_path: Path, store: ResultStore
) -> None:
    data = weights()
    first = repository(tmp_path / "a", {"models/w.bin": data})
    second = repository(tmp_path / "b", {"vendor/copy.bin": data, "train.py": b"print(1)\n"})
    expected = hashlib.sha256(data).hexdigest()

    value, read, digests = sha256_reading(first, store, "models/w.bin")
    assert value == expected
    assert read >= SIZE
    assert (digests.stats.hashed, digests.stats.stored) == (1, 1)

    # another repository holding the same blob: only git's binary probe touches the file
    value, read, digests = sha256_reading(second, store, "vendor/copy.bin")
    assert value == expected
    assert read < SIZE // 8
    assert (digests.stats.mapped, digests.stats.hashed) == (1, 0)


def test_the_mapping_is_stored_only_when_the_bytes_read_are_the_blob(
    tmp_path: Path, store: ResultStore
) -> None:
    root = repository(tmp_path / "a", {"w.bin": weights()})
    index = open_index(root)
    assert index is not None
    found = index.blob(root / "w.bin")
    assert found is not None
    assert found.oid == git(root, "rev-parse", "HEAD:w.bin").strip()
    assert found.size == SIZE


@pytest.mark.parametrize(
    "change",
    ["modified", "same-size-rewrite", "untracked", "symlink", "racy", "text", "staged"],
)
def test_files_git_cannot_vouch_for_are_read(
    tmp_path: Path, store: ResultStore, change: str
) -> None:
    data = seeded(tmp_path, store)
    root = repository(tmp_path / "a", {"w.bin": data}, commit=change != "untracked")
    path = root / "w.bin"
    if change == "modified":
        path.write_bytes(data + b"more")
    elif change == "same-size-rewrite":
        path.write_bytes(weights(1))
    elif change == "symlink":
        (root / "real.bin").write_bytes(data)
        path.unlink()
        path.symlink_to("real.bin")
    elif change == "racy":
        stamp = path.stat().st_mtime_ns
        os.utime(root / ".git" / "index", ns=(stamp, stamp))
    elif change == "text":
        path.write_bytes(b"x = 1\r\n" * (SIZE // 7))
        os.utime(path, (OLD, OLD))
        git(root, "add", "w.bin")
    elif change == "staged":
        path.write_bytes(weights(2))
        os.utime(path, (OLD, OLD))
        git(root, "add", "w.bin")
        path.write_bytes(weights(3))
        os.utime(path, (OLD, OLD))
    value, read, digests = sha256_reading(root, store, "w.bin")
    assert value == hashlib.sha256(path.read_bytes()).hexdigest()
    assert digests.stats.mapped == 0
    assert read >= path.stat().st_size


@pytest.mark.parametrize(
    "attributes",
    [
        "*.bin filter=lfs diff=lfs merge=lfs -text\n",
        "w.bin text\n",
        "*.bin eol=crlf\n",
        "**/*.bin ident\n",
        "/w.* working-tree-encoding=UTF-16\n",
        "[attr]converted text\n*.bin converted\n",
        '"w.bin" filter=mine\n',
    ],
)
def test_an_attribute_that_may_convert_the_file_makes_it_read(
    tmp_path: Path, store: ResultStore, attributes: str
) -> None:
    data = seeded(tmp_path, store)
    root = repository(tmp_path / "a", {"w.bin": data})
    (root / ".gitattributes").write_text(attributes, encoding="utf-8")
    _value, read, digests = sha256_reading(root, store, "w.bin")
    assert digests.stats.mapped == 0
    assert read >= SIZE


def test_attributes_that_convert_nothing_or_other_files_keep_the_read_once_key(
    tmp_path: Path, store: ResultStore
) -> None:
    data = seeded(tmp_path, store, "m/w.bin")
    root = repository(tmp_path / "a", {"m/w.bin": data})
    (root / ".gitattributes").write_text(
        "*.bin -text binary\n*.txt text eol=lf\nother/*.bin filter=lfs\n", encoding="utf-8"
    )
    (root / "m" / ".gitattributes").write_text("*.csv text\n", encoding="utf-8")
    _value, read, digests = sha256_reading(root, store, "m/w.bin")
    assert_mapped(digests, read)


def test_attributes_in_the_git_folder_count(tmp_path: Path, store: ResultStore) -> None:
    data = seeded(tmp_path, store)
    root = repository(tmp_path / "a", {"w.bin": data})
    (root / ".git" / "info").mkdir(exist_ok=True)
    (root / ".git" / "info" / "attributes").write_text("* filter=x\n", encoding="utf-8")
    assert ContentDigests(root, store).blob("w.bin") is None


def test_a_filter_the_repository_configures_never_runs(tmp_path: Path, store: ResultStore) -> None:
    data = weights()
    root = repository(tmp_path / "a", {"w.bin": data})
    marker = tmp_path / "ran"
    git(root, "config", "filter.evil.clean", f"touch {marker}")
    git(root, "config", "filter.evil.smudge", f"touch {marker}")
    git(root, "config", "core.fsmonitor", f"touch {marker}")
    (root / ".gitattributes").write_text("*.bin filter=evil\n", encoding="utf-8")
    value, _read, digests = sha256_reading(root, store, "w.bin")
    assert value == hashlib.sha256(data).hexdigest()
    assert digests.stats.stored == 0
    assert not marker.exists()


@pytest.mark.parametrize("damage", ["truncated", "foreign", "not-a-digest"])
def test_a_damaged_mapping_is_a_miss(tmp_path: Path, store: ResultStore, damage: str) -> None:
    data = weights()
    first = repository(tmp_path / "a", {"w.bin": data})
    _value, _read, digests = sha256_reading(first, store, "w.bin")
    found = digests.blob("w.bin")
    assert found is not None
    entry = store.path_of(_mapping_key(found))
    if damage == "truncated":
        entry.write_bytes(entry.read_bytes()[:-10])
    elif damage == "foreign":
        entry.write_bytes(b"not an entry at all\n" + entry.read_bytes())
    else:
        store.put(_mapping_key(found), "0" * 63 + "z")
    second = repository(tmp_path / "b", {"w.bin": data})
    value, read, digests = sha256_reading(second, store, "w.bin")
    assert value == hashlib.sha256(data).hexdigest()
    assert digests.stats.mapped == 0
    assert read >= SIZE


@pytest.mark.parametrize("damage", ["truncated", "checksum", "version-4", "split"])
def test_an_index_that_cannot_be_trusted_refuses_every_file(tmp_path: Path, damage: str) -> None:
    root = repository(tmp_path / "a", {"w.bin": weights()})
    index = root / ".git" / "index"
    if damage == "truncated":
        index.write_bytes(index.read_bytes()[:-30])
    elif damage == "checksum":
        data = bytearray(index.read_bytes())
        data[20] ^= 1
        index.write_bytes(bytes(data))
    elif damage == "version-4":
        git(root, "update-index", "--index-version", "4")
    else:
        git(root, "update-index", "--split-index")
    assert open_index(root) is None


def test_a_scan_root_inside_the_work_tree_uses_the_index(
    tmp_path: Path, store: ResultStore
) -> None:
    data = seeded(tmp_path, store)
    root = repository(tmp_path / "a", {"project/models/w.bin": data})
    _value, read, digests = sha256_reading(root / "project", store, "models/w.bin")
    assert_mapped(digests, read)


def test_small_files_are_hashed_without_asking_git(tmp_path: Path, store: ResultStore) -> None:
    data = weights()[: SMALL - 1]
    first = repository(tmp_path / "a", {"w.bin": data})
    second = repository(tmp_path / "b", {"w.bin": data})
    for root in (first, second):
        value, read, digests = sha256_reading(root, store, "w.bin")
        assert value == hashlib.sha256(data).hexdigest()
        assert (digests.stats.hashed, digests.stats.stored, digests.stats.mapped) == (1, 0, 0)
        assert read >= len(data)


def test_without_git_metadata_every_file_is_read(tmp_path: Path, store: ResultStore) -> None:
    data = seeded(tmp_path, store)
    root = repository(tmp_path / "a", {"w.bin": data})
    shutil.rmtree(root / ".git")
    _value, read, digests = sha256_reading(root, store, "w.bin")
    assert digests.index is None
    assert read >= SIZE


def test_every_spelling_of_the_root_shares_one_digest_table(tmp_path: Path) -> None:
    """The root as given, resolved, or through a link: one table, each file hashed once."""
    root = tmp_path / "repo"
    root.mkdir()
    (root / "a.py").write_bytes(b"print('a')\n")
    link = tmp_path / "link"
    link.symlink_to(root, target_is_directory=True)
    store = ResultStore(tmp_path / "cache", 1 << 30)
    spellings = [root, link, Path(os.path.relpath(root)), root.resolve(), link]
    tables = [content_digests(store, spelling) for spelling in spellings]
    assert all(table is tables[0] for table in tables)
    assert tables[0].root == root.resolve()
    digests = {table.sha256("a.py") for table in tables}
    assert digests == {hashlib.sha256(b"print('a')\n").hexdigest()}
    assert tables[0].stats.hashed == 1
