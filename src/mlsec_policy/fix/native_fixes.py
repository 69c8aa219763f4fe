"""Fixes written in Python, for native checks that name one with ``autofix:`` in their control.

Each fixer reads the file a finding is about and returns the new text, or None when it does
not see the exact shape it knows how to change (the finding then stays for a person). None of
them needs the network or guesses a version, digest or commit.

- ``dockerfile-user``: a ``USER 10001:10001`` line before the final stage's first ``CMD`` or
  ``ENTRYPOINT`` (at the end when it has neither). A numeric user needs no account in the
  image, so the line works on any base image.
- ``notebook-strip-outputs``: every code cell's outputs and execution count cleared, the
  notebook read and written as JSON (never edited as raw text), its indentation kept.
- ``notebook-output-stripping``: the same, and stripping set up for later commits (see
  :mod:`.hooks`): a local nbstripout hook in ``.pre-commit-config.yaml``, else the nbstripout
  filter line in ``.gitattributes``; the description says what the user must still run.
- ``workflow-read-permissions``: ``permissions: write-all`` becomes ``permissions:`` with
  ``contents: read`` under it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from difflib import SequenceMatcher
from pathlib import Path

from mlsec_policy.analyzers.read.dockerfile import parse, stages
from mlsec_policy.fix.edits import text_edit
from mlsec_policy.fix.files import FixRefused, read_text
from mlsec_policy.fix.hooks import ConfigEdit, stripping_setup
from mlsec_policy.models import FileChange, Finding, FixProposal, TextEdit
from mlsec_policy.textfile import load_json

NON_ROOT_USER = "10001:10001"
"""The numeric user and group the Dockerfile fix runs the image as."""

Fixer = Callable[[str, Finding], str | None]
"""Return the new text of one file (given its text and the finding), or None."""


def dockerfile_user(text: str, finding: Finding) -> str | None:
    """Insert a non-root ``USER`` before the final stage's command."""
    del finding
    found = stages(parse(text))
    if not found:
        return None
    final = found[-1]
    commands = [i.line for i in final.instructions if i.keyword in {"CMD", "ENTRYPOINT"}]
    lines = text.splitlines(keepends=True)
    newline = "\r\n" if text.endswith("\r\n") else "\n"
    user = f"USER {NON_ROOT_USER}{newline}"
    if commands:
        at = commands[0] - 1
        return "".join([*lines[:at], user, *lines[at:]])
    ending = "" if not text or text.endswith("\n") else newline
    return text + ending + user


def notebook_strip_outputs(text: str, finding: Finding) -> str | None:
    """Clear the outputs and execution counts of every code cell."""
    del finding
    try:
        notebook = load_json(text)
    except ValueError:
        return None
    cells = notebook.get("cells") if isinstance(notebook, dict) else None
    if not isinstance(cells, list):
        return None
    for cell in cells:
        if isinstance(cell, dict) and cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
    indent = _indent(text)
    result = json.dumps(notebook, indent=indent, ensure_ascii=False)
    return result + ("\n" if text.endswith("\n") else "")


def _indent(text: str) -> int | None:
    """Return the indentation of a JSON text's second line (None when on one line)."""
    lines = text.splitlines()
    if len(lines) < 2:
        return None
    return len(lines[1]) - len(lines[1].lstrip(" "))


_WRITE_ALL = re.compile(
    r"^(?P<indent>[ \t]*)permissions[ \t]*:[ \t]*(?P<q>[\"']?)write-all(?P=q)"
    r"(?P<rest>[ \t]*(?:#.*)?)$"
)


def workflow_read_permissions(text: str, finding: Finding) -> str | None:
    """Replace ``permissions: write-all`` on the finding's line with ``contents: read``."""
    line = finding.location.start_line
    lines = text.splitlines(keepends=True)
    if line is None or not 1 <= line <= len(lines):
        return None
    body = lines[line - 1].rstrip("\r\n")
    ending = lines[line - 1][len(body) :]
    match = _WRITE_ALL.match(body)
    if match is None:
        return None
    indent = match["indent"]
    newline = ending or "\n"
    lines[line - 1] = (
        f"{indent}permissions:{match['rest']}{newline}{indent}  contents: read{ending}"
    )
    return "".join(lines)


FIXERS: Mapping[str, tuple[str, Fixer]] = {
    "dockerfile-user": (
        f"run the image as user {NON_ROOT_USER} (USER line added)",
        dockerfile_user,
    ),
    "notebook-strip-outputs": ("strip the notebook's saved outputs", notebook_strip_outputs),
    "notebook-output-stripping": (
        "strip the notebook's saved outputs",
        notebook_strip_outputs,
    ),
    "workflow-read-permissions": (
        "give the token read access to the contents only (permissions: contents: read)",
        workflow_read_permissions,
    ),
}
"""The native fixers by the name a check's ``autofix:`` gives."""


def native_fix(name: str, finding: Finding, root: Path) -> FixProposal | None:
    """Return the fix fixer ``name`` makes for a finding (every place of a grouped one)."""
    description, fixer = FIXERS[name]
    changes: list[FileChange] = []
    for path in dict.fromkeys([finding.location.path, *(p.path for p in finding.related)]):
        try:
            text = read_text(root, path)
        except FixRefused:
            continue
        new = fixer(text, finding)
        if new is None or new == text:
            continue
        changes.append(FileChange(path, line_edits(text, new)))
    if not changes:
        return None
    if name == "notebook-output-stripping":
        setup = stripping_setup(root)
        if isinstance(setup, ConfigEdit):
            changes.append(FileChange(setup.path, line_edits(setup.before, setup.after)))
            description += (
                f" and strip them on commit ({setup.path}: nbstripout added; still to do: "
                f"{setup.todo})"
            )
        else:
            description += f" ({setup})"
    return FixProposal(f"{finding.check_id}: {description}", tuple(changes))


def line_edits(before: str, after: str) -> tuple[TextEdit, ...]:
    """Return edits of whole lines that turn ``before`` into ``after``, one per changed run.

    Each edit holds only changed lines, so a notebook's edits hold its old outputs' places and
    nothing of the code between them.
    """
    old, new = before.splitlines(keepends=True), after.splitlines(keepends=True)
    starts = [0]
    for line in old:
        starts.append(starts[-1] + len(line))
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    return tuple(
        text_edit(before, starts[i1], starts[i2], "".join(new[j1:j2]))
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        if tag != "equal"
    )
