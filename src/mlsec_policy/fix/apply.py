"""Apply the fixes of a report's findings to the files: one edit path for every engine.

Edits are gathered per file in finding order; a finding whose edits overlap those already taken
is set aside (fix again after a new scan), a file whose new text would no longer parse is left
unchanged, and every changed file is replaced atomically. With ``write=False`` nothing is
written: the outcome still holds each file's old and new text (``--dry-run``, ``--diff``).
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from mlsec_policy.fix.edits import EditConflict, apply
from mlsec_policy.fix.files import FixRefused, check_still_parses, read_text, write_text
from mlsec_policy.models import Finding, TextEdit


@dataclass(frozen=True, slots=True)
class FileFix:
    """One file's text before and after its fixes."""

    path: str
    before: str
    after: str
    findings: tuple[Finding, ...]

    def diff(self) -> str:
        """Return the unified diff of the change."""
        return "".join(
            difflib.unified_diff(
                self.before.splitlines(keepends=True),
                self.after.splitlines(keepends=True),
                fromfile=f"a/{self.path}",
                tofile=f"b/{self.path}",
            )
        )


@dataclass(frozen=True, slots=True)
class Refusal:
    """A fix that was not applied, and why."""

    path: str
    finding: Finding
    reason: str


@dataclass(frozen=True, slots=True)
class Outcome:
    """What applying the fixes did (or, without writing, would do)."""

    files: tuple[FileFix, ...]
    refused: tuple[Refusal, ...]

    @property
    def fixed(self) -> int:
        """Return how many findings the changed files fix."""
        return len({f.fingerprint for file in self.files for f in file.findings})


def apply_fixes(findings: Sequence[Finding], root: Path, *, write: bool) -> Outcome:
    """Apply the fixes of the active ``findings`` under ``root`` (write only when ``write``)."""
    per_file: dict[str, list[tuple[Finding, tuple[TextEdit, ...]]]] = {}
    for finding in findings:
        if finding.fix is None or finding.suppression is not None:
            continue
        for change in finding.fix.changes:
            per_file.setdefault(change.path, []).append((finding, change.edits))
    files: list[FileFix] = []
    refused: list[Refusal] = []
    for path in sorted(per_file):
        try:
            files.append(_fix_file(root, path, per_file[path], refused, write))
        except FixRefused as exc:
            refused.extend(Refusal(path, f, str(exc)) for f, _ in per_file[path])
    return Outcome(tuple(f for f in files if f.after != f.before), tuple(refused))


def _fix_file(
    root: Path,
    path: str,
    wanted: Sequence[tuple[Finding, tuple[TextEdit, ...]]],
    refused: list[Refusal],
    write: bool,
) -> FileFix:
    """Return one file's fix, taking each finding's edits unless they clash with those taken."""
    before = read_text(root, path)
    taken: list[TextEdit] = []
    fixed: list[Finding] = []
    for finding, edits in wanted:
        try:
            apply(before, [*taken, *edits])
        except EditConflict as exc:
            refused.append(Refusal(path, finding, str(exc)))
            continue
        taken.extend(edits)
        fixed.append(finding)
    after = apply(before, taken)
    check_still_parses(path, before, after)
    if write and after != before:
        write_text(root, path, after)
    return FileFix(path, before, after, tuple(fixed))
