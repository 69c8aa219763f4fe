"""Atomic replacement: the new file whole, or the old one untouched and no temporary left."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from mlsec_policy import atomicfile
from mlsec_policy.atomicfile import replace_bytes, replace_file


def _listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_the_new_bytes_replace_the_file_with_ordinary_permissions(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    target.write_text("old", encoding="utf-8")
    replace_file(target, lambda out: out.write("new\n"), text=True)
    assert target.read_bytes() == b"new\n"
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask
    assert _listing(tmp_path) == ["report.json"]


def test_a_failing_writer_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "entry"
    target.write_bytes(b"old")

    def broken(out: object) -> None:
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError):
        replace_file(target, broken, prefix=".tmp-")
    assert target.read_bytes() == b"old"
    assert _listing(tmp_path) == ["entry"]


def test_a_check_that_refuses_stops_the_rename(tmp_path: Path) -> None:
    target = tmp_path / "train.py"
    target.write_bytes(b"old")

    def refuse() -> None:
        raise ValueError("the path changed under us")

    with pytest.raises(ValueError, match="changed"):
        replace_file(target, lambda out: out.write(b"new"), mode=0o600, check=refuse)
    assert target.read_bytes() == b"old"
    assert _listing(tmp_path) == ["train.py"]
    replace_file(target, lambda out: out.write(b"new"), mode=0o600)
    assert target.stat().st_mode & 0o777 == 0o600


def _umask() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return umask


def test_bytes_replace_the_file_with_ordinary_permissions_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "entry"
    target.write_bytes(b"old")
    replace_bytes(target, b"new\n" * 5000, prefix=".tmp-")
    assert target.read_bytes() == b"new\n" * 5000
    assert target.stat().st_mode & 0o777 == 0o666 & ~_umask()
    assert _listing(tmp_path) == ["entry"]


def test_a_missing_folder_is_made_only_when_asked(tmp_path: Path) -> None:
    target = tmp_path / "ab" / "cd" / "entry"
    with pytest.raises(FileNotFoundError):
        replace_bytes(target, b"x")
    assert _listing(tmp_path) == []
    replace_bytes(target, b"x", folder_mode=0o700)
    assert target.read_bytes() == b"x"
    assert target.parent.stat().st_mode & 0o777 == 0o700 & ~_umask()  # as Path.mkdir gives


def test_a_failing_rename_leaves_the_old_file_and_no_temporary(tmp_path: Path) -> None:
    target = tmp_path / "entry"
    target.mkdir()
    (target / "inside").write_bytes(b"old")  # a folder that is not empty cannot be replaced
    with pytest.raises(OSError):
        replace_bytes(target, b"new", prefix=".tmp-")
    assert _listing(tmp_path) == ["entry"]
    assert (target / "inside").read_bytes() == b"old"


def test_a_leftover_temporary_under_the_next_name_is_skipped_not_opened(tmp_path: Path) -> None:
    calls = int(repr(atomicfile._CALLS)[len("count(") : -1])  # the next call's number
    ident = f"{os.getpid()}-{threading.get_ident()}"
    leftovers = [tmp_path / f".tmp-{ident}-{calls + n}" for n in range(3)]
    for leftover in leftovers:
        leftover.write_bytes(b"a killed scan's")
    replace_bytes(tmp_path / "entry", b"new", prefix=".tmp-")
    assert (tmp_path / "entry").read_bytes() == b"new"
    assert all(leftover.read_bytes() == b"a killed scan's" for leftover in leftovers)


def test_threads_replacing_one_file_leave_one_whole_version(tmp_path: Path) -> None:
    target = tmp_path / "entry"
    versions = [bytes([65 + n]) * (50_000 + n) for n in range(4)]

    def write(data: bytes) -> None:
        for _ in range(30):
            replace_bytes(target, data, prefix=".tmp-")

    threads = [threading.Thread(target=write, args=(v,), daemon=True) for v in versions]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    assert target.read_bytes() in versions
    assert _listing(tmp_path) == ["entry"]
