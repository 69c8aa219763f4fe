r"""Whether a Python string's value may begin with a given text, decided from the file's bytes.

Two readers need it. The download-origin pre-test asks whether a file spells a ``str`` literal
whose value may begin ``http://`` (a parameter default can only be such a literal). The semgrep
gates ask whether a rule whose pattern holds a string regex anchored at its start
(``"=~/^(?:http|ftp):\/\//"``) can match the file at all.

Semgrep compares such a regex with a string's value after constant propagation, which joins the
pieces of a concatenation it can compute: ``"ht" + "tp://x.org"``, ``SCHEME + "://x.org"`` with
``SCHEME = "http"``, ``f"{SCHEME}://x.org"``, implicit concatenation (semgrep 1.182.0, checked
in ``tests/test_semgrep_prefilter.py``). Whatever the pieces, the first one that is not empty is a
literal of the same file. So a value that begins with a text ``P`` needs a literal that either
begins with ``P`` (:func:`spelled`: each character plain or any escape, implicit concatenation
and line joins between them) or is, as a whole, a shorter non-empty beginning of ``P``, closed
right after it (:func:`beginning`). A search of the bytes for either form is a necessary
condition, never a sufficient one: strings inside comments count too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

ESCAPE = rb"\\(?:x[0-9A-Fa-f]{2}|[0-7]{1,3}|u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|N\{[^}\r\n]*\})"
"""An escape that may stand for one character of the value."""
BETWEEN = (
    rb"""(?:\\\r\n|\\\r|\\\n|["']{1,3}(?:\s|\\\r?\n|\\\r|#[^\r\n]*)*+[rRuU]{0,2}["']{1,3})*+"""
)
"""What may separate two characters of one string's value: a line join inside the literal, or
the end of one literal and the start of the next (implicit concatenation, comments between)."""
QUOTE = rb"""["']"""


def spelled(text: bytes) -> bytes:
    """Return a regex source matching ``text`` as a string's characters may spell it."""
    return b"".join(BETWEEN + b"(?:" + re.escape(bytes([c])) + b"|" + ESCAPE + b")" for c in text)


def beginning(text: bytes) -> bytes:
    """Return a regex source, matched right after an opening quote, of a value beginning ``text``.

    The literal spells all of ``text``, or a non-empty beginning of it and then closes (a piece
    of a concatenation that semgrep's constant propagation may continue).
    """
    tail = b""
    for char in reversed(text[1:]):
        tail = b"(?:" + QUOTE + b"|" + spelled(bytes([char])) + tail + b")"
    return spelled(text[:1]) + tail


@lru_cache(maxsize=256)
def _search(texts: tuple[bytes, ...]) -> re.Pattern[bytes]:
    return re.compile(QUOTE + b"(?:" + b"|".join(beginning(text) for text in texts) + b")")


def may_begin(text: bytes, data: bytes) -> bool:
    """Tell whether the file's bytes ``data`` may hold a string whose value begins ``text``."""
    return bool(text) and _search((text,)).search(data) is not None


def beginnings(texts: Iterable[bytes], data: bytes) -> frozenset[bytes]:
    """Return which of ``texts`` a string of ``data`` may begin with (one pass over the bytes).

    Equal to ``{t for t in texts if may_begin(t, data)}``: the bytes are searched once for any
    of them, and each place found is then tried with each text.
    """
    wanted = tuple(sorted({text for text in texts if text}))
    if not wanted:
        return frozenset()
    found: set[bytes] = set()
    search = _search(wanted).search
    place = search(data)
    while place is not None and len(found) < len(wanted):
        at = place.start()
        found.update(
            text for text in wanted if text not in found and _search((text,)).match(data, at)
        )
        place = search(data, at + 1)  # a place inside this match may begin another text
    return frozenset(found)
