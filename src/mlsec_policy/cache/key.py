"""Cache keys: a digest of everything an engine's result on one file depends on.

A key is the SHA-256 of a canonical JSON list of its parts; the engines choose the parts
(the file's content digest, its path, kind and format, which decide the view semgrep scans,
the digest of the checks that ran on it, semgrep's version and settings). Every key also holds
the format of the entries and :func:`tool_identity`, so a new release — or, in a development
checkout, any edit of our own code — never reads results an older analyzer wrote.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path

import mlsec_policy
from mlsec_policy import __version__

ENTRY_FORMAT = 4
"""The layout of a cached result and of the store's folder; raised whenever either changes
(4: the bundle kept as a base and a delta, the store's remembered size)."""
_CHUNK = 1 << 20


def digest(*parts: object) -> str:
    """Return the hex SHA-256 of ``parts`` as canonical JSON (sorted keys, no spaces).

    Values JSON cannot hold (paths, enums) are written as their ``str``.
    """
    text = json.dumps(
        [ENTRY_FORMAT, tool_identity(), *parts],
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        default=str,
    )
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def content_digest(path: Path) -> str:
    """Return the hex SHA-256 of a file's bytes; raise OSError when it cannot be read."""
    hasher = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            hasher.update(chunk)
    return hasher.hexdigest()


@cache
def tool_identity() -> str:
    """Return our version and a digest of our own source and bundled data files.

    The version alone is not enough: an editable install keeps its version while its
    analyzers change. Reading the package (about two megabytes) costs a few milliseconds.
    """
    root = Path(mlsec_policy.__file__).parent
    hasher = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        if path.suffix not in {".py", ".json", ".yaml", ".yml", ".txt"} or not path.is_file():
            continue
        hasher.update(path.relative_to(root).as_posix().encode("utf-8") + b"\0")
        hasher.update(hashlib.sha256(path.read_bytes()).digest())
    return f"{__version__}+{hasher.hexdigest()[:16]}"
