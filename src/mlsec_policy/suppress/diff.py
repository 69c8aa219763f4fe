"""Diff-aware and file-limited scans: keep only the findings a change introduced.

Controls about the whole repository (evidence, scope, repository analyzers) always scan the
whole target; with ``--diff-base`` the other controls run on the changed files only
(:mod:`mlsec_policy.diffscope`). Afterwards only findings inside the :class:`ChangeSet` are
reported:

* ``--diff-base REF``: the lines added or changed between the merge base of REF and HEAD and
  the work tree (so uncommitted edits count). A finding counts when one of its lines changed; a
  whole-file finding (a model file, a missing shard) counts when its file was added, changed or
  renamed. Files git does not track are not part of the change; deleted files (and the old
  path of a renamed one) are recorded, for the files whose findings depend on them (a
  checksum manifest that lists them). A finding grouped over several places (the same
  requirement in many manifests) counts when any of its places changed.
* ``files`` mode (the pre-commit hook): every finding located in the listed files.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from mlsec_policy.errors import UsageError
from mlsec_policy.gitsafe import safe_environment
from mlsec_policy.models import Finding, Location

HUNK = re.compile(rb"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@", re.MULTILINE)
SHALLOW_HINT = (
    "fetch the base first (git fetch origin main); in CI check out enough history, "
    "for example actions/checkout with fetch-depth: 0"
)


@dataclass(frozen=True, slots=True)
class ChangeSet:
    """The files (and lines) a change touched, relative to the scanned root."""

    files: Mapping[str, frozenset[int] | None]
    """Changed lines per file; None when every line counts (an added file, a listed file)."""
    description: str
    """What the change is, for the report's notes."""
    deleted: frozenset[str] = frozenset()
    """Files the change removed (they hold no finding, but files that recorded them may)."""

    def covers(self, finding: Finding) -> bool:
        """Return True when the finding lies in the change (at any of its places)."""
        return any(self._covers(place) for place in (finding.location, *finding.related))

    def _covers(self, location: Location) -> bool:
        if location.path not in self.files:
            return False
        lines = self.files[location.path]
        if lines is None or location.start_line is None:
            return True
        last = max(location.end_line or location.start_line, location.start_line)
        return any(line in lines for line in range(location.start_line, last + 1))


def select(findings: Sequence[Finding], changes: ChangeSet) -> tuple[tuple[Finding, ...], int]:
    """Return the findings inside the change, and how many were left out."""
    kept = tuple(f for f in findings if changes.covers(f))
    return kept, len(findings) - len(kept)


def listed_files(paths: Iterable[str]) -> ChangeSet:
    """Return the change made of whole files, as a pre-commit hook passes them."""
    files: dict[str, frozenset[int] | None] = {}
    for path in paths:
        parts = [p for p in PurePosixPath(path.replace("\\", "/")).parts if p not in ("", ".")]
        if parts:
            files["/".join(parts)] = None
    count = len(files)
    return ChangeSet(files, f"only findings in the {count} listed file{'s' if count != 1 else ''}")


def changes_since(root: Path, ref: str) -> ChangeSet:
    """Return what changed between the merge base of ``ref`` and HEAD and the work tree."""
    try:
        import git
    except ImportError:
        raise UsageError("--diff-base needs git, which is not installed") from None
    try:
        repo = git.Repo(root, search_parent_directories=True)
    except git.NoSuchPathError:
        raise UsageError(f"the target {root} does not exist") from None
    except git.InvalidGitRepositoryError:
        raise UsageError(
            f"--diff-base needs a git repository, and {root} is not inside one"
        ) from None
    repo.git.update_environment(**safe_environment(root))  # nothing the repository sets runs
    try:
        base = repo.commit(ref)
        head = repo.head.commit
    except (git.BadName, git.BadObject, ValueError, git.GitCommandError):
        raise UsageError(f"--diff-base: unknown git revision {ref!r}", hint=SHALLOW_HINT) from None
    try:
        bases = repo.merge_base(base, head)
    except git.GitCommandError:
        # a shallow clone names the parent of its oldest commit without holding it
        shallow = "a shallow clone: " if _is_shallow(repo) else ""
        raise UsageError(
            f"--diff-base: {ref!r} is not in this repository ({shallow}git cannot read "
            f"commit {base.hexsha[:12]})",
            hint=SHALLOW_HINT,
        ) from None
    if not bases or bases[0] is None:
        raise UsageError(
            f"--diff-base: {ref!r} and HEAD have no common ancestor", hint=SHALLOW_HINT
        )
    merge_base = bases[0]
    top = Path(repo.working_tree_dir or root).resolve()
    prefix = root.resolve().relative_to(top).as_posix()
    files: dict[str, frozenset[int] | None] = {}
    deleted: set[str] = set()
    for change in merge_base.diff(
        None, create_patch=True, unified=0, no_ext_diff=True, no_textconv=True
    ):
        if change.renamed_file and change.a_path:
            gone = _under(change.a_path, prefix)
            deleted.update([gone] if gone is not None else [])
        if change.deleted_file or change.b_path is None:
            gone = _under(change.a_path or "", prefix)
            deleted.update([gone] if gone else [])
            continue
        relative = _under(change.b_path, prefix)
        if relative is None:
            continue
        patch = change.diff if isinstance(change.diff, bytes) else b""
        files[relative] = None if change.new_file else _added_lines(patch)
    short = merge_base.hexsha[:12]
    return ChangeSet(
        files,
        f"only findings on lines changed since {ref} (merge base {short})",
        frozenset(deleted),
    )


def _is_shallow(repo: Any) -> bool:
    try:
        return bool(repo.git.rev_parse("--is-shallow-repository") == "true")
    except Exception:  # an old git without the option: say nothing about it
        return False


def _under(path: str, prefix: str) -> str | None:
    if prefix in ("", "."):
        return path
    if path.startswith(prefix + "/"):
        return path[len(prefix) + 1 :]
    return None


def _added_lines(patch: bytes) -> frozenset[int]:
    lines: set[int] = set()
    for match in HUNK.finditer(patch):
        start = int(match.group(1))
        count = int(match.group(2)) if match.group(2) is not None else 1
        lines.update(range(start, start + count))
    return frozenset(lines)
