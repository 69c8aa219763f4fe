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
_TAB, _SPACE, _LF, _CR, _EOF = 9, 32, 10, 13, 65535


def line_hashes(text: str, wanted: Iterable[int] | None = None) -> dict[int, str]:
    """Return GitHub's ``primaryLocationLineHash`` for each line of ``text`` (1-based keys).

    With ``wanted``, only those lines are kept in the result (the whole text is still hashed,
    since the ``:N`` suffix depends on every earlier line).
    """
    keep = None if wanted is None else set(wanted)
    units = memoryview(text.encode("utf-16-le")).cast("H")
    window = [0] * _BLOCK
    line_numbers = [-1] * _BLOCK
    state = {"hash": 0, "index": 0}
    counts: dict[str, int] = {}
    result: dict[int, str] = {}

    def output() -> None:
        index = state["index"]
        value = format(state["hash"], "x")
        counts[value] = counts.get(value, 0) + 1
        number = line_numbers[index]
        if keep is None or number in keep:
            result[number] = f"{value}:{counts[value]}"
        line_numbers[index] = -1

    def update(current: int) -> None:
        index = state["index"]
        begin = window[index]
        window[index] = current
        state["hash"] = (_MOD * state["hash"] + current - _FIRST_MOD * begin) & _MASK
        state["index"] = (index + 1) % _BLOCK

    line_number = 0
    line_start = True
    prev_cr = False

    def process(current: int) -> None:
        nonlocal line_number, line_start, prev_cr
        if current in (_SPACE, _TAB) or (prev_cr and current == _LF):
            prev_cr = False
            return
        if current == _CR:
            current = _LF
            prev_cr = True
        else:
            prev_cr = False
        if line_numbers[state["index"]] != -1:
            output()
        if line_start:
            line_start = False
            line_number += 1
            line_numbers[state["index"]] = line_number
        if current == _LF:
            line_start = True
        update(current)

    for unit in units:
        process(unit)
    process(_EOF)
    for _ in range(_BLOCK):
        if line_numbers[state["index"]] != -1:
            output()
        update(0)
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
