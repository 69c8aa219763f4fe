"""Shapes of the hostile corpus shared by its cases: the plain violation, git and archives.

Split from :mod:`tests.hostile.corpus` to keep each module small; see that module for what a
case is.
"""

from __future__ import annotations

import os
import subprocess
import zipfile
import zlib
from pathlib import Path

PLAIN = (
    "import pickle\n"
    "from flask import request\n"
    "\n"
    "\n"
    "def handler():\n"
    "    return pickle.loads(request.data)\n"
)
"""The plain violation every case holds (MLSEC-LOAD-02, check pickle-family-load, at app.py:6)."""
PLAIN_LINE = 6


def write(path: Path, data: bytes | str) -> None:
    """Write ``data`` to ``path``, creating folders."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)


def plain(folder: Path) -> None:
    """Write the plain violation of a case."""
    write(folder / "app.py", PLAIN)


MANY_FILES = 20_000
"""Small Python files of the many-files shape (40 folders of 500)."""


def many_files(folder: Path, _outside: Path) -> None:
    """Write the plain violation beside :data:`MANY_FILES` small Python files."""
    plain(folder)
    for number in range(MANY_FILES):
        write(folder / f"pkg{number // 500}" / f"m{number}.py", f"X = {number}\n")


# --- archives and models -----------------------------------------------------------------


def zip_bomb(folder: Path, _outside: Path) -> None:
    """Write checkpoints that lie: a zip bomb, traversal and absolute names, a nested zip."""
    plain(folder)
    with zipfile.ZipFile(folder / "bomb.pt", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("archive/data.pkl", b"\x80\x02" + b"\x00" * (64 * 1024 * 1024))
    with zipfile.ZipFile(folder / "traversal.pt", "w") as archive:
        archive.writestr("../../../../etc/evil/data.pkl", b"\x80\x02N.")
        archive.writestr("/abs/data.pkl", b"\x80\x02N.")
    inner = folder / "inner.zip"
    with zipfile.ZipFile(inner, "w") as archive:
        archive.writestr("archive/data.pkl", b"\x80\x02cos\nsystem\n(S'id'\ntR.")
    with zipfile.ZipFile(folder / "nested.pt", "w") as archive:
        archive.write(inner, "archive/inner.zip")
    inner.unlink()


PICKLE_FILES = ("polyglot.pkl", "truncated.pkl", "corrupt.pt")
"""Files of :func:`pickles` that must be reported. Not ``deep.pkl``: lists nested 200,000
deep are a valid pickle of data that the VM reads within its stack bound, so it has nothing
to report; it must only not crash or stall the scan. (It used to pass as reported only
because repository-wide findings sit at the first model file by name, which it was.)"""


def pickles(folder: Path, _outside: Path) -> None:
    """Write a pickle-zip polyglot, a deep and a truncated pickle, junk ONNX, HDF5 and Keras."""
    plain(folder)
    # a pickle that is also a zip (polyglot): pickle opcodes first, a zip appended
    polyglot = folder / "polyglot.pkl"
    with zipfile.ZipFile(folder / "tmp.zip", "w") as archive:
        archive.writestr("archive/data.pkl", b"\x80\x02N.")
    write(polyglot, b"\x80\x02cos\nsystem\n(S'id'\ntR." + (folder / "tmp.zip").read_bytes())
    (folder / "tmp.zip").unlink()
    write(folder / "deep.pkl", b"\x80\x02" + b"(" * 200_000 + b"l" * 200_000 + b".")
    write(folder / "truncated.pkl", b"\x80\x04\x95\xff\xff\xff\xff\xff\xff\x00\x00")
    # zlib data whose checksum is wrong: the codec's own error once escaped the whole scan
    packed = zlib.compress(b"\x80\x02}q\x00." * 100)
    write(folder / "corrupt.pt", packed[:2] + bytes([packed[2] ^ 0x40]) + packed[3:])
    write(folder / "junk.onnx", b"\x08\xff\xff\xff\xff\x0f" + b"\x12" * 4096)
    write(folder / "junk.h5", b"\x89HDF\r\n\x1a\n" + b"\xff" * 4096)
    write(folder / "junk.keras", b"PK\x03\x04" + b"\x00" * 64)
    write(folder / "empty.pt", b"")


# --- git ---------------------------------------------------------------------------------


def run_git(folder: Path, *args: str) -> str:
    """Run git in ``folder`` as a fixed author; return what it printed."""
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@example.org",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@example.org",
    }
    done = subprocess.run(["git", *args], cwd=folder, env=env, check=True, capture_output=True)
    return done.stdout.decode("utf-8", errors="replace").strip()


def _git_repo(folder: Path) -> None:
    plain(folder)
    run_git(folder, "init", "-q")
    run_git(folder, "add", "app.py")
    run_git(folder, "commit", "-q", "-m", "one")


def git_broken(folder: Path, _outside: Path) -> None:
    """Write a .git folder with a HEAD to nowhere and a broken config."""
    plain(folder)
    write(folder / ".git" / "HEAD", "ref: refs/heads/nowhere\n")
    write(folder / ".git" / "config", "[core\nbroken = \n")


def git_gitfile(folder: Path, outside: Path) -> None:
    """Write a .git file naming a git folder that does not exist."""
    plain(folder)
    write(folder / ".git", f"gitdir: {outside / 'missing-git-dir'}\n")


def git_detached_locked(folder: Path, _outside: Path) -> None:
    """Write a repository with a detached HEAD, a stale index.lock and an untracked file."""
    _git_repo(folder)
    write(folder / "second.py", "x = 1\n")
    run_git(folder, "add", "second.py")
    run_git(folder, "commit", "-q", "-m", "two")
    run_git(folder, "checkout", "-q", "--detach", "HEAD~1")
    write(folder / ".git" / "index.lock", "")
    write(folder / "untracked.py", "import os\nos.system(input())\n")


def git_shallow(folder: Path, outside: Path) -> None:
    """Write a shallow clone (depth 1) of a two-commit repository."""
    source = outside / "origin"
    source.mkdir(parents=True)
    _git_repo(source)
    write(source / "more.py", "x = 1\n")
    run_git(source, "add", "more.py")
    run_git(source, "commit", "-q", "-m", "two")
    folder.rmdir()
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{source}", str(folder)],
        check=True,
        capture_output=True,
    )


def git_corrupt_objects(folder: Path, _outside: Path) -> None:
    """Write a repository whose every object file is garbage."""
    _git_repo(folder)
    for obj in (folder / ".git" / "objects").rglob("*"):
        if obj.is_file():
            obj.chmod(0o644)
            obj.write_bytes(b"garbage")
