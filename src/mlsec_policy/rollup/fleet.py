"""Which repositories a fleet run scans, and where each one's report goes.

A repository list is a text file with one local path per line; blank lines and lines
starting with ``#`` are ignored; relative paths are read from the list's folder.
``--shard I/N`` keeps every N-th entry starting at I (0-based), so N workers — matrix jobs,
or the completions of a Kubernetes Indexed Job — cover the list exactly once between them.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from mlsec_policy.errors import UsageError

UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass(frozen=True, slots=True)
class Entry:
    """One repository of the list."""

    line: int
    """1-based line of the list it came from."""
    path: Path

    @property
    def slug(self) -> str:
        """Return a file name for its report: readable, unique per path."""
        tail = UNSAFE.sub("_", "-".join(self.path.parts[-2:])).strip("_") or "root"
        digest = hashlib.sha256(str(self.path).encode("utf-8", "surrogateescape")).hexdigest()
        return f"{tail[:80]}-{digest[:10]}"


@dataclass(frozen=True, slots=True)
class Shard:
    """The slice of the list one worker scans."""

    index: int
    count: int

    @classmethod
    def parse(cls, text: str) -> Shard:
        """Read ``I/N`` (0 <= I < N); raise UsageError otherwise."""
        match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text)
        if not match or int(match[2]) < 1 or int(match[1]) >= int(match[2]):
            raise UsageError(
                f"--shard {text!r}: expected INDEX/COUNT with 0 <= INDEX < COUNT, e.g. 0/4",
                hint="a Kubernetes Indexed Job passes $JOB_COMPLETION_INDEX as INDEX",
            )
        return cls(int(match[1]), int(match[2]))

    def select(self, entries: list[Entry]) -> list[Entry]:
        """Return this shard's entries: every ``count``-th one starting at ``index``."""
        return entries[self.index :: self.count]


def read_list(path: Path) -> list[Entry]:
    """Return the repositories named in the list file ``path``, in order, without duplicates."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot read the repository list: {exc}") from None
    entries: list[Entry] = []
    seen: dict[Path, int] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = "" if raw.lstrip().startswith("#") else raw.strip()
        if not line:
            continue
        target = Path(line)
        target = (target if target.is_absolute() else path.parent / target).resolve()
        if target in seen:
            raise UsageError(
                f"{path}:{number}: {line} is listed twice (first on line {seen[target]})",
                hint="list each repository once",
            )
        seen[target] = number
        entries.append(Entry(number, target))
    return entries
