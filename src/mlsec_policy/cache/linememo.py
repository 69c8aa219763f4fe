"""GitHub line hashes of a finding's file, remembered by the file's text and the lines asked.

A finding carries GitHub's ``primaryLocationLineHash`` of its line; computing it rolls a hash
over every line of the file up to the last line asked for (about 0.2 CPU-s for the files with
findings in transformers), the same on every scan of unchanged files. The hashes are a
function of the text and the lines alone: they are kept under the SHA-256 of the text and the
sorted line numbers. An entry of another shape, or holding other lines than those the text
has among the ones asked, is a miss and the hashes are computed again.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable

from mlsec_policy.cache.key import digest
from mlsec_policy.cache.store import ResultStore
from mlsec_policy.models import JsonValue

LineHasher = Callable[[str, Iterable[int]], dict[int, str]]
"""Return the hash of each line asked for that the text has (1-based line numbers)."""

_HASH = re.compile(r"[0-9a-f]{1,16}:[1-9][0-9]*")


class LineHashMemo:
    """A :data:`LineHasher` that looks in the result cache before computing."""

    def __init__(self, store: ResultStore, compute: LineHasher) -> None:
        """Remember in ``store`` what ``compute`` gives."""
        self.store = store
        self.compute = compute

    def __call__(self, text: str, wanted: Iterable[int]) -> dict[int, str]:
        """Return the hashes of the ``wanted`` lines of ``text``, remembered or computed."""
        lines = sorted(set(wanted))
        content = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
        key = digest("line-hashes", content, lines)
        known = _valid(self.store.get(key), [n for n in lines if 1 <= n <= _line_count(text)])
        if known is not None:
            return known
        hashes = self.compute(text, lines)
        entry: dict[str, JsonValue] = {str(line): value for line, value in hashes.items()}
        self.store.put(key, entry)
        return hashes


def _line_count(text: str) -> int:
    """Return how many lines the hasher numbers in ``text`` (an empty last line included)."""
    return text.replace("\r\n", "\n").replace("\r", "\n").count("\n") + 1


def _valid(value: JsonValue | None, expected: list[int]) -> dict[int, str] | None:
    """Return the entry's hashes when it holds exactly the ``expected`` lines, else None."""
    if not isinstance(value, dict) or sorted(value) != sorted(str(n) for n in expected):
        return None
    hashes: dict[int, str] = {}
    for line in expected:
        item = value[str(line)]
        if not isinstance(item, str) or _HASH.fullmatch(item) is None:
            return None
        hashes[line] = item
    return hashes
