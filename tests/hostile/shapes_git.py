"""Git shapes of the hostile corpus that need more than one repository or another owner.

- Submodules: one checked out whose git folder lives outside the scanned root (its remote
  is a repository outside the root holding a planted secret and a violation of its own), one
  registered but not checked out (an empty folder, as after a clone without
  ``--recursive``), and one registered whose folder does not exist at all.
- Dubious ownership: a repository owned by another user, which git refuses to read
  (``safe.directory``). Only root can give a folder to another user, so the real case runs
  as root; unprivileged, git's own switch ``GIT_TEST_ASSUME_DIFFERENT_OWNER`` makes the same
  ownership check fail inside the real git binary (no mock).
"""

from __future__ import annotations

import os
from pathlib import Path

from tests.hostile.shapes import plain, run_git, write

OTHER_UID = 4242
"""The owner given to the dubious repository (any uid that is not the scanning user's)."""
SUBMODULES = ("vendor/lib", "vendor/unfetched")
"""Submodule folders that exist in the work tree and must be reported as skipped."""


def _committed(folder: Path) -> str:
    """Make ``folder`` a repository with everything in it committed; return the commit."""
    run_git(folder, "init", "-q")
    run_git(folder, "add", "-A")
    run_git(folder, "commit", "-q", "-m", "one")
    return run_git(folder, "rev-parse", "HEAD")


def git_submodules(folder: Path, outside: Path, secret: str) -> None:
    """Write a repository whose submodules point outside the root or are missing."""
    library = outside / "lib"
    write(library / "leak.py", f"import pickle\ntoken = '{secret}'\npickle.loads(token)\n")
    commit = _committed(library)
    plain(folder)
    modules = [
        f'[submodule "{path}"]\n\tpath = {path}\n\turl = {url}\n'
        for path, url in (
            ("vendor/lib", library.as_uri()),
            ("vendor/unfetched", "https://example.invalid/unfetched.git"),
            ("vendor/gone", "../../outside/gone.git"),
        )
    ]
    write(folder / ".gitmodules", "".join(modules))
    _committed(folder)
    for path in ("vendor/lib", "vendor/unfetched", "vendor/gone"):
        run_git(folder, "update-index", "--add", "--cacheinfo", f"160000,{commit},{path}")
    run_git(folder, "commit", "-q", "-m", "submodules")
    # checked out the way git does it: the work tree inside, its git folder outside the root
    write(folder / "vendor" / "lib" / ".git", f"gitdir: {library / '.git'}\n")
    write(folder / "vendor" / "lib" / "leak.py", (library / "leak.py").read_bytes())
    (folder / "vendor" / "unfetched").mkdir(parents=True)


def git_dubious_flagged(folder: Path, _outside: Path) -> None:
    """Write a committed repository (its case sets ``GIT_TEST_ASSUME_DIFFERENT_OWNER``)."""
    plain(folder)
    write(folder / ".gitignore", "ignored.py\n")
    write(folder / "ignored.py", "x = 1\n")
    _committed(folder)


def git_dubious_owner(folder: Path, outside: Path) -> None:
    """Write a committed repository owned by another user (meaningful as root only)."""
    git_dubious_flagged(folder, outside)
    if os.geteuid() == 0:
        for current, dirs, files in os.walk(folder):
            for name in [".", *dirs, *files]:
                os.lchown(Path(current) / name, OTHER_UID, OTHER_UID)
