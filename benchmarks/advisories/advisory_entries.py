"""The advisory list: load ``advisories.yaml`` into typed, validated entries.

Each entry names one published vulnerability, the release where its sink can be read, the
line range of that sink, the controls that must report it, and (where the fix was a code
change) the fixed release as a negative. Loading checks every field, so a typo in the data
stops the run with the entry id and the field instead of silently scoring nothing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

CLASSES = (
    "deserialisation",
    "llm-code-execution",
    "archive-traversal",
    "exposed-service",
    "template-injection",
    "sql-injection",
    "shell-injection",
    "secrets-and-tls",
)
SOURCES = ("wheel", "sdist", "git")
_CONTROL = re.compile(r"^MLSEC-[A-Z]+(?:-[A-Z]+)?-\d{2}$")
_COMMIT = re.compile(r"^[0-9a-f]{40}$")


class EntryError(ValueError):
    """An entry of the advisory list is malformed."""


@dataclass(frozen=True)
class Release:
    """One release of a package: where to get it and where its sink is."""

    package: str
    """Name on the package index (also the name of the unpacked tree)."""
    version: str
    """Version string as the package index spells it (or the git tag)."""
    source: str
    """``wheel`` (pure-Python wheel, nothing runs), ``sdist`` or ``git``."""
    repo: str | None
    """``owner/name`` of the public repository when ``source`` is ``git``."""
    commit: str | None
    """The 40-hex commit of the tag when ``source`` is ``git``."""
    file: str | None
    """Path of the sink's file inside the release; ``None`` when the fix removed it."""
    lines: tuple[int, int] | None
    """First and last line of the sink statement; ``None`` when the code is gone."""
    scan_root: str
    """Folder of the release that is scanned (``.`` for the whole release)."""
    reads: str | None
    """Text the sink's lines must contain: the run checks it, so the data cannot drift."""

    @property
    def key(self) -> str:
        """Identify the scanned tree: package, version and scan root."""
        root = "all" if self.scan_root == "." else self.scan_root.strip("/").replace("/", "~")
        return f"{self.package}-{self.version}--{root}"


@dataclass(frozen=True)
class Entry:
    """One advisory with its vulnerable release and, optionally, its fixed release."""

    id: str
    aliases: tuple[str, ...]
    klass: str
    controls: tuple[str, ...]
    """Controls whose finding counts; the first is the one the advisory maps to."""
    summary: str
    vulnerable: Release
    fixed: Release | None
    fix_touches_sink: bool
    """False when the fix went elsewhere (a guard, a default) and left the sink as it was."""
    verified: str
    need: str
    """What the scanner would have to see to report the sink (the work list for misses)."""


def _text(raw: dict[str, Any], key: str, where: str, *, optional: bool = False) -> str:
    value = raw.get(key)
    if value is None and optional:
        return ""
    if not isinstance(value, str | int | float) or isinstance(value, bool) or str(value) == "":
        raise EntryError(f"{where}: '{key}' must be a non-empty string")
    return str(value)


def _lines(raw: dict[str, Any], where: str) -> tuple[int, int] | None:
    value = raw.get("lines")
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        value = [value, value]
    ok = (
        isinstance(value, list)
        and len(value) == 2
        and all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in value)
        and value[0] <= value[1]
    )
    if not ok:
        raise EntryError(f"{where}: 'lines' must be a line number or [first, last]")
    return (value[0], value[1])


def _release(raw: object, package: str, where: str, *, needs_sink: bool) -> Release:
    if not isinstance(raw, dict):
        raise EntryError(f"{where}: must be a mapping")
    source = raw.get("source", "wheel")
    if source not in SOURCES:
        raise EntryError(f"{where}: 'source' must be one of {', '.join(SOURCES)}")
    repo = raw.get("repo")
    commit = raw.get("commit")
    if source == "git":
        if not isinstance(repo, str) or repo.count("/") != 1:
            raise EntryError(f"{where}: a git release needs 'repo: owner/name'")
        if not isinstance(commit, str) or not _COMMIT.match(commit):
            raise EntryError(f"{where}: a git release needs the 40-hex 'commit' of its tag")
    file = raw.get("file")
    lines = _lines(raw, where)
    if needs_sink and (not isinstance(file, str) or lines is None):
        raise EntryError(f"{where}: the vulnerable release needs 'file' and 'lines'")
    if file is not None and not isinstance(file, str):
        raise EntryError(f"{where}: 'file' must be a path")
    if lines is not None and file is None:
        raise EntryError(f"{where}: 'lines' without 'file'")
    scan_root = raw.get("scan_root", ".")
    if not isinstance(scan_root, str) or scan_root.startswith("/") or ".." in scan_root:
        raise EntryError(f"{where}: 'scan_root' must be a relative folder")
    if file is not None and scan_root != "." and not file.startswith(scan_root.rstrip("/") + "/"):
        raise EntryError(f"{where}: 'file' lies outside 'scan_root'")
    reads = raw.get("reads")
    if reads is not None and (not isinstance(reads, str) or lines is None):
        raise EntryError(f"{where}: 'reads' must be text, and needs 'lines'")
    if needs_sink and reads is None:
        raise EntryError(f"{where}: the vulnerable release needs 'reads' (text of the sink)")
    return Release(
        package=str(raw.get("package", package)),
        version=_text(raw, "version", where),
        source=source,
        repo=repo if source == "git" else None,
        commit=commit if source == "git" else None,
        file=file,
        lines=lines,
        scan_root=scan_root,
        reads=reads,
    )


def _entry(raw: object, index: int) -> Entry:
    if not isinstance(raw, dict):
        raise EntryError(f"entry {index}: must be a mapping")
    where = f"entry {raw.get('id', index)}"
    ident = _text(raw, "id", where)
    klass = _text(raw, "class", where)
    if klass not in CLASSES:
        raise EntryError(f"{where}: 'class' must be one of {', '.join(CLASSES)}")
    controls = raw.get("controls")
    if (
        not isinstance(controls, list)
        or not controls
        or not all(isinstance(c, str) and _CONTROL.match(c) for c in controls)
    ):
        raise EntryError(f"{where}: 'controls' must list control ids (MLSEC-...)")
    aliases = raw.get("aliases", [])
    if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
        raise EntryError(f"{where}: 'aliases' must be a list of ids")
    package = _text(raw, "package", where)
    vulnerable = _release(raw.get("vulnerable"), package, f"{where}.vulnerable", needs_sink=True)
    fixed_raw = raw.get("fixed")
    fixed = None
    if fixed_raw is not None:
        fixed = _release(fixed_raw, package, f"{where}.fixed", needs_sink=False)
    touches = raw.get("fixed", {}).get("touches_sink", True) if fixed_raw else True
    if not isinstance(touches, bool):
        raise EntryError(f"{where}.fixed: 'touches_sink' must be true or false")
    return Entry(
        id=ident,
        aliases=tuple(aliases),
        klass=klass,
        controls=tuple(controls),
        summary=_text(raw, "summary", where),
        vulnerable=vulnerable,
        fixed=fixed,
        fix_touches_sink=touches,
        verified=_text(raw, "verified", where),
        need=_text(raw, "need", where, optional=True),
    )


def load_entries(path: Path) -> list[Entry]:
    """Read and validate the advisory list; raise :class:`EntryError` on the first problem."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("advisories"), list):
        raise EntryError(f"{path}: expected a mapping with an 'advisories' list")
    entries = [_entry(raw, i) for i, raw in enumerate(data["advisories"], start=1)]
    seen: set[str] = set()
    for entry in entries:
        if entry.id in seen:
            raise EntryError(f"entry {entry.id}: listed twice")
        seen.add(entry.id)
    return entries
