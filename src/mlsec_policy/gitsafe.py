"""Running git on a scanned repository without running anything the repository configures.

A repository's own configuration (``.git/config`` and the files it includes) can name programs
that git starts while it reads the work tree: ``core.fsmonitor`` on any look at the index,
clean/smudge/process filters when git hashes a work-tree file, ``textconv`` and external diff
drivers when it writes a patch. A scanned repository is untrusted, so every git command we run
on one is given overrides through git's ``GIT_CONFIG_COUNT`` environment (which outranks every
configuration file) that switch each of those settings off; diff commands also get
``--no-ext-diff`` and ``--no-textconv``. Git's own ``config --list``
resolves includes, so a setting hidden in an included file is switched off as well.

The listing costs a git process, and a scan needs the overrides in up to three places
(discovery, ``--diff-base``, the LFS store). Inside ``one_scan()`` (``scan()`` runs in one)
each repository's overrides are listed once and remembered until the scan ends; outside it, or
in a thread the scan did not start, they are listed afresh every time. The memory never outlives
the scan, so a repository whose configuration changes between two scans is read again.
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path

ALWAYS = {"core.fsmonitor": "false", "log.showsignature": "false"}
"""Settings switched off in every repository, whether it sets them or not."""
RUNS_A_COMMAND = re.compile(r"^(filter\..+\.(clean|smudge|process)|diff\..+\.(textconv|command))$")
"""Per-driver settings that name a program; set to the empty string, git runs nothing."""
TIMEOUT = 30
_REMEMBERED: ContextVar[dict[Path, dict[str, str]] | None] = ContextVar(
    "gitsafe_overrides", default=None
)


@contextmanager
def one_scan() -> Iterator[None]:
    """Remember each repository's overrides until the block (or decorated call) ends."""
    token = _REMEMBERED.set({})
    try:
        yield
    finally:
        _REMEMBERED.reset(token)


def config_overrides(root: Path) -> dict[str, str]:
    """Return the settings to override for git commands in the repository holding ``root``."""
    remembered = _REMEMBERED.get()
    if remembered is None:
        return _listed_overrides(root)
    key = root.resolve()
    if key not in remembered:
        remembered[key] = _listed_overrides(root)
    return dict(remembered[key])


def _listed_overrides(root: Path) -> dict[str, str]:
    overrides = dict(ALWAYS)
    command = ["git", "-c", "core.fsmonitor=false", "config", "--list", "-z"]
    try:
        listed = subprocess.run(
            command,
            cwd=root,
            capture_output=True,
            timeout=TIMEOUT,
            check=False,
            env={**os.environ, "GIT_TERMINAL_PROMPT": "0"},
        )
    except (OSError, subprocess.TimeoutExpired):
        return overrides
    for entry in listed.stdout.decode("utf-8", errors="replace").split("\0"):
        key = entry.partition("\n")[0]
        if RUNS_A_COMMAND.match(key):
            overrides[key] = ""
    return overrides


def safe_environment(root: Path) -> dict[str, str]:
    """Return environment variables that give every git command in ``root`` the overrides.

    Overrides the caller's environment already passes to git (``GIT_CONFIG_COUNT``, as some CI
    systems set) are kept; ours come after them and so win.
    """
    try:
        start = int(os.environ.get("GIT_CONFIG_COUNT", "0"))
    except ValueError:
        start = 0
    overrides = sorted(config_overrides(root).items())
    environment = {"GIT_CONFIG_COUNT": str(start + len(overrides)), "GIT_TERMINAL_PROMPT": "0"}
    for index, (key, value) in enumerate(overrides, start=start):
        environment[f"GIT_CONFIG_KEY_{index}"] = key
        environment[f"GIT_CONFIG_VALUE_{index}"] = value
    return environment
