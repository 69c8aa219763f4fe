"""Repository configuration a fix adds: an nbstripout pre-commit hook or git filter line.

Both are edits of the existing text, never a YAML re-dump: every line, comment and key order
of the file stays as it was, and the result is checked to hold the old content plus the new
entry. The pre-commit hook is a ``repo: local`` hook (``language: system``, nbstripout's own
command), which needs no ``rev:``: nothing is looked up and no version is guessed. A file that
already names nbstripout, or whose shape is not the plain one (``repos:`` as a block list at
the top level), is left alone. No file is created: with neither file present, the fix says
which command sets stripping up.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from mlsec_policy.fix.files import FixRefused, read_text

PRE_COMMIT = ".pre-commit-config.yaml"
GITATTRIBUTES = ".gitattributes"
LOCAL_HOOK: dict[str, Any] = {
    "repo": "local",
    "hooks": [
        {
            "id": "nbstripout",
            "name": "nbstripout",
            "entry": "nbstripout",
            "language": "system",
            "types": ["jupyter"],
        }
    ],
}
"""The hook as pre-commit reads it (checked against the edited file)."""
HOOK_LINES = (
    "- repo: local",
    "  hooks:",
    "    - id: nbstripout",
    "      name: nbstripout",
    "      entry: nbstripout",
    "      language: system",
    "      types: [jupyter]",
)
FILTER_LINE = "*.ipynb filter=nbstripout"
MAX_CONFIG = 200_000
"""Characters of a pre-commit configuration this fix edits (larger ones are left alone)."""
INSTALL = "pip install nbstripout"
_TOP_KEY = re.compile(r"^[^\s#-][^:#]*:")
_REPOS = re.compile(r"^repos[ \t]*:[ \t]*(?:#.*)?$")


@dataclass(frozen=True, slots=True)
class ConfigEdit:
    """A configuration file's text before and after, and what the user must still do."""

    path: str
    before: str
    after: str
    todo: str


def stripping_setup(root: Path) -> ConfigEdit | str:
    """Return the edit that configures output stripping, or the command to run instead."""
    for path, edit in ((PRE_COMMIT, _pre_commit), (GITATTRIBUTES, _gitattributes)):
        try:
            text = read_text(root, path)
        except FixRefused:
            continue
        if "nbstripout" in text:
            return f"{path} already names nbstripout"
        after = edit(text)
        if after is None:
            return f"{path} has a shape this fix does not edit; add nbstripout to it by hand"
        todo = (
            f"{INSTALL}, then pre-commit install"
            if path == PRE_COMMIT
            else f"{INSTALL}, then nbstripout --install --attributes .gitattributes"
        )
        return ConfigEdit(path, text, after, todo)
    return (
        "to keep outputs out of later commits, run: "
        f"{INSTALL} && nbstripout --install --attributes .gitattributes"
    )


def _newline(text: str) -> str:
    return "\r\n" if "\r\n" in text else "\n"


def _pre_commit(text: str) -> str | None:
    """Return the pre-commit configuration with the local nbstripout hook appended to ``repos``."""
    if len(text) > MAX_CONFIG:
        return None
    try:
        old = yaml.safe_load(text)
    except yaml.YAMLError:
        return None
    if not isinstance(old, dict) or not isinstance(old.get("repos"), list):
        return None
    lines = text.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if _REPOS.match(line.rstrip("\r\n"))), None)
    if start is None:
        return None
    end = start + 1
    last = start
    indent: str | None = None
    while end < len(lines):
        body = lines[end].rstrip("\r\n")
        if _TOP_KEY.match(body) or body.startswith(("---", "...")):
            break
        if body.strip() and not body.lstrip().startswith("#"):
            last = end
            if indent is None:
                indent = body[: len(body) - len(body.lstrip(" "))]
        end += 1
    if indent is None or "\t" in indent:
        return None
    newline = _newline(text)
    tail = "" if lines[last].endswith("\n") else newline
    block = "".join(f"{indent}{line}{newline}" for line in HOOK_LINES)
    after = "".join([*lines[: last + 1], tail, block, *lines[last + 1 :]])
    try:
        new = yaml.safe_load(after)
    except yaml.YAMLError:
        return None
    if not isinstance(new, dict) or new.get("repos") != [*old["repos"], LOCAL_HOOK]:
        return None
    if {k: v for k, v in new.items() if k != "repos"} != {
        k: v for k, v in old.items() if k != "repos"
    }:
        return None
    return after


def _gitattributes(text: str) -> str:
    """Return ``.gitattributes`` with the nbstripout filter line for notebooks appended."""
    newline = _newline(text)
    ending = "" if not text or text.endswith("\n") else newline
    return f"{text}{ending}{FILTER_LINE}{newline}"
