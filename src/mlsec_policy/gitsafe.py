"""Running git on a scanned repository without running anything the repository configures.

A repository's own configuration (``.git/config`` and the files it includes) can name programs
that git starts while it reads the work tree: ``core.fsmonitor`` on any look at the index,
clean/smudge/process filters when git hashes a work-tree file, ``textconv`` and external diff
drivers when it writes a patch. A scanned repository is untrusted, so every git command we run
on one is given overrides through git's ``GIT_CONFIG_COUNT`` environment (which outranks every
configuration file) that switch each of those settings off; diff commands also get
``--no-ext-diff`` and ``--no-textconv``. Git's own ``config --list``
resolves includes, so a setting hidden in an included file is switched off as well.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

ALWAYS = {"core.fsmonitor": "false", "log.showsignature": "false"}
"""Settings switched off in every repository, whether it sets them or not."""
RUNS_A_COMMAND = re.compile(r"^(filter\..+\.(clean|smudge|process)|diff\..+\.(textconv|command))$")
"""Per-driver settings that name a program; set to the empty string, git runs nothing."""
TIMEOUT = 30


def config_overrides(root: Path) -> dict[str, str]:
    """Return the settings to override for git commands in the repository holding ``root``."""
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
