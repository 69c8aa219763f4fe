"""The content ids git already recorded, for files it tracks and that are still unchanged.

A read-once key (:mod:`.digests`) names a file by the blob id in git's index instead of a
digest of its bytes, so a file another scan has already hashed is not read again. The blob id
is the hash of the work-tree bytes only when the file is exactly what was added, and git put it
in the object store unconverted. This module says when both hold, conservatively — any doubt
means None, and the caller reads the file:

- the index (``$GIT_DIR/index``, format 2 or 3, SHA-1 or SHA-256 object ids) is parsed here,
  byte by byte, and its trailing checksum verified. No git process is started: a scanned
  repository's own configuration can name programs (``core.fsmonitor``, clean and smudge
  filters) that a git command would run, and here nothing from the repository runs. A split
  index, an index format 4, or anything unexpected refuses the whole index;
- the entry is a regular file at stage 0, not marked assume-unchanged, skip-worktree or
  intent-to-add, and the work-tree file is a regular file (never a symlink) whose size,
  modification and change times, inode, owner and group equal what the index recorded (git's
  own test that a file is unmodified), and that was not written in the same instant as the index
  (a *racily clean* entry, which git itself rechecks by content);
- no attribute converts it: no ``.gitattributes`` that applies to the path (the repository's
  files in every folder above it, ``$GIT_DIR/info/attributes``, the user's and the system's
  attributes files) sets ``text``, ``eol``, ``crlf``, ``filter`` (Git LFS), ``ident`` or
  ``working-tree-encoding`` on a pattern that may match it, and none defines a macro that
  sets one; patterns are matched more broadly than git matches them, never more narrowly. A
  git configuration that could move the attributes file or include other configuration makes
  every file a miss;
- the file is binary by git's rule (a NUL byte in its first 8000 bytes — the one read left), so
  ``core.autocrlf`` and ``core.eol``, which convert only text, do not apply to it.
"""

from __future__ import annotations

import fnmatch
import hashlib
import os
import stat
import struct
from dataclasses import dataclass
from pathlib import Path

BINARY_PROBE = 8000
"""git decides that a file is binary from a NUL byte in its first 8000 bytes."""
CONVERTING = frozenset({"text", "eol", "crlf", "filter", "ident", "working-tree-encoding"})
"""Attributes that make the work-tree bytes differ from the blob when set."""
_REGULAR = (0o100644, 0o100755)
_ASSUME_VALID = 0x8000
_EXTENDED = 0x4000
_SKIP_OR_INTENT = 0x6000
"""skip-worktree and intent-to-add, in the extended flags of a format 3 entry."""
_STAT = struct.Struct(">10I")


@dataclass(frozen=True, slots=True)
class BlobId:
    """What git's index says a tracked file holds."""

    oid: str
    """The hex object id of the file's blob."""
    size: int
    algorithm: str
    """``sha1`` or ``sha256``: the hash git names objects with in this repository."""


@dataclass(frozen=True, slots=True)
class _Entry:
    fields: tuple[int, ...]
    """ctime s, ctime ns, mtime s, mtime ns, dev, ino, mode, uid, gid, size."""
    oid: str


class GitIndex:
    """The clean, unconverted tracked files of one work tree, by path relative to the top."""

    def __init__(
        self, top: Path, git_dir: Path, algorithm: str, entries: dict[str, _Entry]
    ) -> None:
        """Hold a parsed index; use :func:`open_index`."""
        self.top = top
        self.git_dir = git_dir
        self.algorithm = algorithm
        self.entries = entries
        self.stamp = (0, 0)
        self._attributes: dict[Path, list[tuple[str, bool]] | None] = {}

    def blob(self, path: Path) -> BlobId | None:
        """Return the blob id of the file at ``path`` when its bytes are the blob's, else None."""
        try:
            relative = path.relative_to(self.top).as_posix()
        except ValueError:
            return None
        entry = self.entries.get(relative)
        if entry is None or not self._unchanged(path, entry) or self._converted(relative):
            return None
        try:
            with path.open("rb") as handle:
                probe = handle.read(BINARY_PROBE)
        except OSError:
            return None
        if b"\0" not in probe:
            return None
        return BlobId(entry.oid, entry.fields[9], self.algorithm)

    def _unchanged(self, path: Path, entry: _Entry) -> bool:
        try:
            info = path.lstat()
        except OSError:
            return False
        if not stat.S_ISREG(info.st_mode):
            return False
        c_s, c_ns, m_s, m_ns, _dev, ino, _mode, uid, gid, size = entry.fields
        seen_m = (int(info.st_mtime) & 0xFFFFFFFF, info.st_mtime_ns % 1_000_000_000)
        seen_c = (int(info.st_ctime) & 0xFFFFFFFF, info.st_ctime_ns % 1_000_000_000)
        # git built without nanosecond times records 0 there and compares seconds only
        if (m_s, m_ns or 0) != (seen_m[0], seen_m[1] if m_ns else 0):
            return False
        if (c_s, c_ns or 0) != (seen_c[0], seen_c[1] if c_ns else 0):
            return False
        if (ino, uid, gid, size) != (
            info.st_ino & 0xFFFFFFFF,
            info.st_uid,
            info.st_gid,
            info.st_size & 0xFFFFFFFF,
        ):
            return False
        if size != info.st_size:
            return False  # over 4 GiB: the index holds the size modulo 2^32
        # racily clean: written in the same instant as the index, git would compare content
        return (m_s, m_ns) < self.stamp if m_ns else m_s < self.stamp[0]

    def _converted(self, relative: str) -> bool:
        """Return whether any attribute source may convert ``relative`` (True when unsure)."""
        folders = [self.top, *(self.top / p for p in _ancestors(relative))]
        sources = [(folder / ".gitattributes", folder) for folder in folders]
        sources.append((self.git_dir / "info" / "attributes", self.top))
        sources += [(file, self.top) for file in _global_attribute_files()]
        for file, base in sources:
            rules = self._rules(file)
            if rules is None:
                return True
            within = Path(relative).relative_to(base.relative_to(self.top)).as_posix()
            if any(broad or _may_match(pattern, within) for pattern, broad in rules):
                return True
        return False

    def _rules(self, file: Path) -> list[tuple[str, bool]] | None:
        """Return (pattern, applies to all) of the converting lines of ``file`` (None: unusable)."""
        if file not in self._attributes:
            self._attributes[file] = _converting_rules(file)
        return self._attributes[file]


def open_index(root: Path) -> GitIndex | None:
    """Return the index of the work tree holding ``root``, or None when it cannot be trusted."""
    if _configuration_unsafe():
        return None
    top = root.resolve()
    while not (top / ".git").exists():
        if top.parent == top:
            return None
        top = top.parent
    git_dir = _git_dir(top / ".git")
    if git_dir is None or not _owned(top, git_dir):
        return None  # git refuses a repository another user owns ("dubious ownership")
    common = _common_dir(git_dir)
    if common is None:
        return None
    configs = [common / "config", git_dir / "config.worktree"]
    if any(_configuration_file_unsafe(file) for file in configs):
        return None
    algorithm = _object_format(common / "config")
    index_file = git_dir / "index"
    try:
        data = index_file.read_bytes()
        info = index_file.stat()
    except OSError:
        return None
    entries = _parse(data, algorithm)
    if entries is None:
        return None
    index = GitIndex(top, common, algorithm, entries)
    index.stamp = (int(info.st_mtime), info.st_mtime_ns % 1_000_000_000)
    return index


def _git_dir(dot_git: Path) -> Path | None:
    """Return the git folder ``.git`` is or points to (a linked work tree's ``gitdir:``)."""
    if dot_git.is_dir() and not dot_git.is_symlink():
        return dot_git
    try:
        text = dot_git.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None
    if not text.startswith("gitdir: "):
        return None
    target = Path(text[len("gitdir: ") :])
    target = target if target.is_absolute() else dot_git.parent / target
    return target if target.is_dir() else None


def _owned(*folders: Path) -> bool:
    try:
        return all(folder.stat().st_uid == os.getuid() for folder in folders)
    except OSError:
        return False


def _common_dir(git_dir: Path) -> Path | None:
    """Return the folder holding the configuration and info/ (a linked work tree's main one)."""
    pointer = git_dir / "commondir"
    if not pointer.exists():
        return git_dir
    try:
        target = Path(pointer.read_text(encoding="utf-8").strip())
    except (OSError, UnicodeDecodeError):
        return None
    target = target if target.is_absolute() else git_dir / target
    return target if target.is_dir() else None


def _parse(data: bytes, algorithm: str) -> dict[str, _Entry] | None:
    """Return the usable stage-0 entries of an index file, or None when it is not usable."""
    width = 20 if algorithm == "sha1" else 32
    if len(data) < 12 + width or data[:4] != b"DIRC":
        return None
    if hashlib.new(algorithm, data[:-width]).digest() != data[-width:]:
        return None  # truncated, or written by something else
    version, count = struct.unpack(">II", data[4:12])
    if version not in (2, 3):
        return None
    entries: dict[str, _Entry] = {}
    offset, end = 12, len(data) - width
    try:
        for _ in range(count):
            start = offset
            fields = _STAT.unpack_from(data, offset)
            offset += _STAT.size
            oid = data[offset : offset + width].hex()
            offset += width
            (flags,) = struct.unpack_from(">H", data, offset)
            offset += 2
            extended = 0
            if flags & _EXTENDED:
                if version < 3:
                    return None
                (extended,) = struct.unpack_from(">H", data, offset)
                offset += 2
            name_end = data.index(b"\0", offset, end)
            name = data[offset:name_end].decode("utf-8")
            offset = start + ((name_end - start) // 8 + 1) * 8  # NUL-padded to a multiple of 8
            usable = not flags & (_ASSUME_VALID | 0x3000) and not extended & _SKIP_OR_INTENT
            if usable and fields[6] in _REGULAR:
                entries[name] = _Entry(fields, oid)
    except (struct.error, ValueError, UnicodeDecodeError):
        return None
    while offset + 8 <= end:  # extensions: a split index keeps its entries elsewhere
        signature = data[offset : offset + 4]
        (length,) = struct.unpack_from(">I", data, offset + 4)
        if signature == b"link":
            return None
        offset += 8 + length
    return entries if offset == end else None


def _object_format(config: Path) -> str:
    try:
        text = config.read_text(encoding="utf-8", errors="replace").lower()
    except OSError:
        return "sha1"
    compact = "".join(text.split())
    return "sha256" if "objectformat=sha256" in compact else "sha1"


def _configuration_unsafe() -> bool:
    """Return whether the environment or the user's git configuration may relocate attributes."""
    if any(name.startswith(("GIT_CONFIG", "GIT_ATTR")) for name in os.environ):
        return True
    return any(_configuration_file_unsafe(file) for file in _global_config_files())


def _configuration_file_unsafe(file: Path) -> bool:
    try:
        text = file.read_text(encoding="utf-8", errors="replace").lower()
    except FileNotFoundError:
        return False
    except OSError:
        return True
    return "attributesfile" in text or "include" in text


def _global_config_files() -> list[Path]:
    home = Path.home()
    xdg = Path(os.environ.get("XDG_CONFIG_HOME") or home / ".config")
    system = [Path(prefix) / "gitconfig" for prefix in ("/etc", "/usr/local/etc")]
    return [*system, home / ".gitconfig", xdg / "git" / "config"]


def _global_attribute_files() -> list[Path]:
    xdg = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    system = [Path(prefix) / "gitattributes" for prefix in ("/etc", "/usr/local/etc")]
    return [*system, xdg / "git" / "attributes"]


def _converting_rules(file: Path) -> list[tuple[str, bool]] | None:
    """Return the patterns of ``file`` that set a converting attribute (None: unreadable)."""
    try:
        text = file.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return []
    except OSError:
        return None
    rules: list[tuple[str, bool]] = []
    for line in text.splitlines():
        fields = line.split()
        if not fields or fields[0].startswith("#"):
            continue
        pattern, attributes = fields[0], fields[1:]
        converts = any(_sets_conversion(attribute) for attribute in attributes)
        if pattern.startswith("[attr]") and converts:
            return None  # a macro that converts may be used under any name: trust nothing
        if converts:
            rules.append((pattern, pattern.startswith('"')))  # quoted patterns: assume all
    return rules


def _sets_conversion(attribute: str) -> bool:
    if attribute.startswith(("-", "!")):
        return False  # unset or unspecified: no conversion comes from it
    return attribute.partition("=")[0].lower() in CONVERTING


def _may_match(pattern: str, relative: str) -> bool:
    """Return whether a gitattributes pattern may match ``relative`` (broader than git)."""
    pattern = pattern.lower().strip("/")
    relative = relative.lower()
    variants = {pattern, pattern.replace("**/", ""), pattern.replace("/**", "/*")}
    candidates = (relative, relative.rsplit("/", 1)[-1])
    return any(fnmatch.fnmatchcase(c, v) for c in candidates for v in variants)


def _ancestors(relative: str) -> list[str]:
    parts = relative.split("/")[:-1]
    return ["/".join(parts[: i + 1]) for i in range(len(parts))]
