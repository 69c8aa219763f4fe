"""Atomic replacement: the new file whole, or the old one untouched and no temporary left."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from mlsec_policy.atomicfile import replace_file


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
