"""Walk a target and build its inventory: which files exist, what each one is, what git says.

In a git work tree the file list is git's own (tracked plus untracked-but-not-ignored files);
elsewhere the tree is walked. Either way virtualenvs, ``node_modules``, ``site-packages`` and
caches are left out, symlinks are never followed (each one is reported), special files are
never opened, and every file that is not inspected is recorded with the reason. A ``.json``
file is classified by its content too: JSON Lines and concatenated JSON documents are data
records, not a configuration, and an empty one holds nothing to check.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Sequence
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from mlsec_policy import pathmatch
from mlsec_policy.classify import PEEK_BYTES, classify, classify_file
from mlsec_policy.errors import TargetError
from mlsec_policy.gitsafe import safe_environment
from mlsec_policy.models import Artifact, ArtifactKind, GitFacts, Inventory, SkippedFile
from mlsec_policy.redact import escape_controls
from mlsec_policy.textfile import JsonShape, decode, json_shape

MiB = 1024 * 1024

SIZE_CAPS: dict[ArtifactKind, int | None] = {
    ArtifactKind.PYTHON: 2 * MiB,
    ArtifactKind.NOTEBOOK: 64 * MiB,
    ArtifactKind.DOCKERFILE: 1 * MiB,
    ArtifactKind.KUBERNETES: 2 * MiB,
    ArtifactKind.COMPOSE: 1 * MiB,
    ArtifactKind.CI_WORKFLOW: 1 * MiB,
    ArtifactKind.DEPENDENCY_MANIFEST: 8 * MiB,
    ArtifactKind.CONFIG: 2 * MiB,
    ArtifactKind.SHELL: 1 * MiB,
    ArtifactKind.DOCS: 4 * MiB,
    ArtifactKind.MODEL_ARTIFACT: None,
    ArtifactKind.DATA_FILE: None,
    ArtifactKind.OTHER: None,
}
"""Largest file inspected per kind; None = no cap (those analyzers read bounded slices)."""

JSON_DATA = {JsonShape.LINES: "jsonl", JsonShape.SEQUENCE: "json-seq"}
"""``.json`` files holding several JSON values are data (records), read as such: their format."""

EMPTY_UNREADABLE = frozenset({ArtifactKind.NOTEBOOK})
"""Kinds whose readers reject an empty file, which holds nothing to check all the same."""

SKIP_DIRS = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        "node_modules",
        "site-packages",
        "dist-packages",
        "__pycache__",
        ".tox",
        ".nox",
        ".mypy_cache",
        ".pytest_cache",
        ".ruff_cache",
        ".venv",
        "venv",
        ".ipynb_checkpoints",
        ".eggs",
        ".cache",
    }
)
"""Directory names never descended into."""

SKIP_NESTED = ("/.dvc/cache/", "/.dvc/tmp/")
"""Nested folders never inspected (DVC keeps its object cache there)."""

VENV_MARKERS = ("pyvenv.cfg", "conda-meta")
"""A directory holding one of these is an environment, not project code."""


def discover(root: Path, excludes: Sequence[str] = ()) -> Inventory:
    """Return the inventory of ``root``; raise TargetError when it is not a readable directory."""
    if not root.exists():
        raise TargetError(f"the target {root} does not exist")
    if not root.is_dir():
        raise TargetError(
            f"the target {root} is not a directory", hint="scan the folder holding it"
        )
    root = root.resolve()
    # no patterns, no matcher: a file is not matched against an empty pattern list
    excluded = pathmatch.build_filter((), tuple(excludes))
    git_facts, listed = _git_listing(root)
    if not listed:
        # outside git, or a folder git ignores entirely (a vendored corpus): walk it instead
        listed = None
    candidates = listed if listed is not None else _walk(root)
    artifacts: list[Artifact] = []
    skipped: list[SkippedFile] = []
    for relative in sorted(set(candidates)):
        if not excluded.allows(relative) or _in_skipped_dir(relative):
            continue
        outcome = _inspect(root, relative)
        if isinstance(outcome, Artifact):
            artifacts.append(outcome)
        elif outcome is not None:
            skipped.append(outcome)
    if listed is None:
        skipped.extend(s for s in _walk_skips(root) if excluded.allows(s.path))
    return Inventory(
        root=str(root),
        artifacts=tuple(artifacts),
        skipped=tuple(sorted(skipped, key=lambda s: s.path)),
        git=git_facts,
    )


def _inspect(root: Path, relative: str) -> Artifact | SkippedFile | None:
    """Classify one listed path, or say why it is not inspected (None: not a file at all)."""
    path = root / relative
    shown = printable_path(relative)
    if shown != relative:
        return SkippedFile(shown, UNNAMEABLE, classify(shown, b"").kind, blocks_checks=True)
    try:
        info = path.lstat()
    except FileNotFoundError:
        return None  # listed by git but deleted in the work tree
    except OSError as exc:
        return SkippedFile(relative, f"cannot be read: {exc.strerror}", blocks_checks=True)
    if stat.S_ISLNK(info.st_mode):
        return SkippedFile(relative, _symlink_reason(root, path))
    if stat.S_ISDIR(info.st_mode):
        return SkippedFile(relative, "git submodule or nested repository (not scanned)")
    if not stat.S_ISREG(info.st_mode):
        return SkippedFile(relative, "not a regular file (device, socket or pipe)")
    try:
        with path.open("rb") as handle:
            head = handle.read(PEEK_BYTES)
        found = classify_file(path, relative, head, info.st_size)
    except OSError as exc:
        found = classify(relative, b"")
        return SkippedFile(relative, f"cannot be read: {exc.strerror}", found.kind, True)
    kind, fmt = found.kind, found.format
    complete = info.st_size <= len(head)
    if kind in EMPTY_UNREADABLE and complete and not head.strip():
        return SkippedFile(relative, "empty file: nothing in it to check", kind)
    cap = SIZE_CAPS[kind]
    oversized = cap is not None and info.st_size > cap
    if kind is ArtifactKind.CONFIG and fmt == "json":
        shape = json_shape(decode(head), complete=complete)
        if shape is None and not oversized:
            shape = json_shape(decode(path.read_bytes()), complete=True)
        if shape is JsonShape.EMPTY:
            return SkippedFile(relative, "empty file: nothing in it to check", kind)
        if shape in JSON_DATA:
            return Artifact(relative, ArtifactKind.DATA_FILE, info.st_size, JSON_DATA[shape])
    if oversized:
        if kind is ArtifactKind.CONFIG and relative.lower().endswith((".json", ".xml")):
            kind, fmt = (
                ArtifactKind.DATA_FILE,
                "json" if relative.lower().endswith(".json") else "xml",
            )
        else:
            reason = f"larger than the {(cap or 0) // MiB} MiB limit for {kind.value} files"
            return SkippedFile(relative, reason, kind, True)
    return Artifact(relative, kind, info.st_size, fmt)


UNNAMEABLE = (
    "file name is not valid UTF-8 or holds control characters: not inspected, since no "
    "report could name it faithfully (rename the file; shown here with those bytes escaped)"
)


def printable_path(relative: str) -> str:
    """Return ``relative`` with bytes that are not UTF-8 and control characters escaped.

    The walk hands bytes that are not UTF-8 over as lone surrogates, which no report format
    can hold; a newline, escape sequence or bidirectional override in a name would rewrite
    the console, the HTML or a SARIF viewer's line. Such a name is shown escaped.
    """
    name = os.fsencode(relative).decode("utf-8", errors="backslashreplace")
    return escape_controls(name, one_line=True)


def _symlink_reason(root: Path, path: Path) -> str:
    try:
        target = path.resolve(strict=False)
    except (OSError, RuntimeError):
        return "symlink that cannot be resolved (not followed)"
    if target == root or root in target.parents:
        inside = target.relative_to(root).as_posix()
        return f"symlink to {inside} inside the target (scanned at its own path, not followed)"
    return "symlink pointing outside the scanned root (not followed)"


def _in_skipped_dir(relative: str) -> bool:
    parts = relative.split("/")[:-1]
    if any(nested in "/" + relative for nested in SKIP_NESTED):
        return True
    return any(part in SKIP_DIRS or part.endswith(".egg-info") for part in parts)


def _walk(root: Path) -> Iterable[str]:
    """Yield every file path under root (relative, POSIX), pruning skipped directories."""
    for current, dirs, files in os.walk(root, followlinks=False):
        here = Path(current)
        # a symlink to a folder is listed (and reported as a symlink), never descended into
        linked = [d for d in dirs if (here / d).is_symlink()]
        dirs[:] = sorted(d for d in dirs if not _skip_dir(here / d, d))
        base = here.relative_to(root).as_posix()
        prefix = "" if base == "." else base + "/"
        for name in files:
            yield prefix + name
        for name in linked:
            yield prefix + name


def _walk_skips(root: Path) -> Iterable[SkippedFile]:
    """Yield a record for each environment directory the walk left out."""
    for current, dirs, _files in os.walk(root, followlinks=False):
        here = Path(current)
        kept = []
        for name in sorted(dirs):
            full = here / name
            if full.is_symlink():
                continue
            if any((full / marker).exists() for marker in VENV_MARKERS) and name not in SKIP_DIRS:
                relative = full.relative_to(root).as_posix()
                yield SkippedFile(relative + "/", "Python or conda environment (not project code)")
            elif name not in SKIP_DIRS and not name.endswith(".egg-info"):
                kept.append(name)
        dirs[:] = kept


def _skip_dir(path: Path, name: str) -> bool:
    if name in SKIP_DIRS or name.endswith(".egg-info"):
        return True
    if path.is_symlink():
        return True
    return any((path / marker).exists() for marker in VENV_MARKERS)


def _git_listing(root: Path) -> tuple[GitFacts | None, list[str] | None]:
    """Return git facts and git's file list for root, or (None, None) outside a work tree."""
    try:
        import git  # imported lazily: GitPython refuses to import when no git binary exists
    except ImportError:
        return None, None
    try:
        repo = git.Repo(root, search_parent_directories=True)
    except (git.InvalidGitRepositoryError, git.NoSuchPathError, git.GitCommandError):
        return None, None
    # nothing the repository configures may run (fsmonitor, filters, diff drivers)
    environment = safe_environment(root)
    repo.git.update_environment(**environment)
    try:
        top = Path(repo.working_tree_dir or root).resolve()
        lister = git.Git(str(root))
        lister.update_environment(**environment)
        output = lister.ls_files("-z", "--cached", "--others", "--exclude-standard")
    except (git.GitCommandError, OSError, ValueError):
        return None, None
    files = [item for item in output.split("\0") if item]
    return _git_facts(repo, top, root), files


def _git_facts(repo: object, top: Path, root: Path) -> GitFacts:
    import git

    assert isinstance(repo, git.Repo)
    try:
        commit: str | None = repo.head.commit.hexsha
    except ValueError:
        commit = None
    try:
        branch: str | None = repo.active_branch.name
    except (TypeError, ValueError):
        branch = None
    try:
        dirty = repo.is_dirty(untracked_files=False)
    except git.GitCommandError:
        dirty = True
    remote_url = None
    remotes = sorted(repo.remotes, key=lambda r: (r.name != "origin", r.name))
    for remote in remotes:
        try:
            remote_url = strip_credentials(next(iter(remote.urls)))
        except (StopIteration, git.GitCommandError):
            continue
        break
    relative = root.relative_to(top).as_posix() if root != top else "."
    return GitFacts(commit, branch, dirty, remote_url, relative)


def strip_credentials(url: str) -> str:
    """Return ``url`` without a user name or password (tokens are often stored there)."""
    parts = urlsplit(url)
    if parts.scheme in {"http", "https", "ssh", "git", "ftp"} and "@" in parts.netloc:
        host = parts.netloc.rsplit("@", 1)[1]
        return urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))
    return url
