"""Stable identities for findings.

Two fingerprints are computed for every finding:

* ``line_hash`` is GitHub code scanning's ``primaryLocationLineHash``, computed exactly as the
  codeql-action uploader does (a rolling hash over the first 100 non-blank characters from the
  start of the line, with an ``:N`` suffix for repeated lines). Supplying it ourselves means
  local, API and action uploads all agree, and alerts keep their identity across pushes.
* ``fingerprint`` is our own identity, used by baselines: the check, the file, the normalised
  text of the line (or the analyzer's key for whole-file findings) and the occurrence number,
  so it survives unrelated edits and moved lines.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

_BLOCK = 100
_MOD = 37
_MASK = (1 << 64) - 1
_FIRST_MOD = pow(_MOD, _BLOCK, 1 << 64)
_LF, _EOF = 10, 65535


def line_hashes(text: str, wanted: Iterable[int] | None = None) -> dict[int, str]:
    """Return GitHub's ``primaryLocationLineHash`` for each line of ``text`` (1-based keys).

    The uploader rolls one hash over the whole file; the value it emits for a line is the
    polynomial hash of the 100 characters (spaces and tabs removed, line endings normalised)
    that start at that line. Computing that directly per line start costs 100 operations per
    line instead of several per character, which matters for notebooks whose outputs hold
    megabyte-long lines. With ``wanted``, only those lines are returned, and lines after the
    last wanted one are not hashed (the ``:N`` suffix depends only on earlier lines).
    """
    keep = None if wanted is None else set(wanted)
    normal = text.replace("\r\n", "\n").replace("\r", "\n").replace(" ", "").replace("\t", "")
    size = len(normal.encode("utf-16-le")) // 2
    units = [*memoryview(normal.encode("utf-16-le")).cast("H"), _EOF, *([0] * _BLOCK)]
    last = max(keep, default=0) if keep is not None else None
    counts: dict[str, int] = {}
    result: dict[int, str] = {}
    start, number = 0, 1
    while last is None or number <= last:
        value = 0
        for unit in units[start : start + _BLOCK]:
            value = (value * _MOD + unit) & _MASK
        digest = format(value, "x")
        counts[digest] = counts.get(digest, 0) + 1
        if keep is None or number in keep:
            result[number] = f"{digest}:{counts[digest]}"
        try:
            start = units.index(_LF, start, size) + 1  # a UTF-16 unit 10 is always a newline
        except ValueError:
            break
        number += 1
    return result


def decode_source(data: bytes) -> str:
    """Decode file bytes the way the uploader does (UTF-8, invalid bytes replaced)."""
    return data.decode("utf-8", errors="replace")


def normalise(text: str) -> str:
    """Collapse whitespace so re-indentation does not change a fingerprint."""
    return " ".join(text.split())


def stable_fingerprint(check_id: str, path: str, anchor: str, occurrence: int) -> str:
    """Return our fingerprint for the ``occurrence``-th finding of a check on the same anchor."""
    material = "\0".join((check_id, path, normalise(anchor), str(occurrence)))
    return hashlib.sha256(material.encode("utf-8")).hexdigest()[:32]
