"""Literal words any text matched by a regular expression must contain.

A rule's ``metavariable-regex`` often says more about a file than its patterns do: a pattern
``$MODEL.$CALL(...)`` names nothing, but a regex ``^a?(invoke|predict|generate)$`` on
``$CALL`` means the called name contains ``invoke``, ``predict`` or ``generate``. This module
reads a regex with Python's own regex parser and returns one clause — a set of literal words of
which at least one occurs in every string the regex matches — or None when it cannot tell.

The walk only keeps what every match must spell: a run of literal characters, the best clause
of a group or of a repetition that happens at least once, and for an alternation the union of
one clause from each branch (nothing when any branch has none). Character classes, ``.``,
optional parts and lookarounds break a run and add nothing. Words under case-insensitive
matching are lower-cased and marked with :data:`FOLDED`, and are looked for in the lower-cased
text (ASCII folding; a word with any other letter gives nothing). A regex Python cannot parse
(PCRE syntax it lacks) gives None.
"""

from __future__ import annotations

import re
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser  # type: ignore[attr-defined]
from typing import Any

FOLDED = b"\x00"
"""Prefix of a word that is looked for in the lower-cased text (case-insensitive match)."""

MIN_WORD = 2
"""Shorter literal runs are not worth a clause (they occur in nearly every file)."""


def regex_clause(regex: str) -> frozenset[bytes] | None:
    """Return literal words one of which every match of ``regex`` contains, or None."""
    try:
        parsed = _parser.parse(regex)
    except (re.error, RecursionError, OverflowError):
        return None
    folded = bool(parsed.state.flags & re.IGNORECASE)
    return _sequence(list(parsed), folded)


def _sequence(items: list[tuple[Any, Any]], folded: bool) -> frozenset[bytes] | None:
    """Return the best clause of a sequence of regex items (they all match, in order)."""
    found: list[frozenset[bytes]] = []
    run: list[str] = []

    def flush() -> None:
        word = _word("".join(run), folded)
        if word is not None:
            found.append(frozenset({word}))
        run.clear()

    for op, value in items:
        if op is sre.LITERAL:
            run.append(chr(value))
            continue
        flush()
        clause = _item(op, value, folded)
        if clause is not None:
            found.append(clause)
    flush()
    if not found:
        return None
    return max(found, key=_strength)


def _item(op: Any, value: Any, folded: bool) -> frozenset[bytes] | None:
    """Return the clause of one non-literal item (a group, an alternation, a repetition)."""
    if op is sre.SUBPATTERN:
        _group, add_flags, del_flags, body = value
        inner = (folded or bool(add_flags & re.IGNORECASE)) and not del_flags & re.IGNORECASE
        return _sequence(list(body), inner)
    if op is sre.BRANCH:
        union: set[bytes] = set()
        for branch in value[1]:
            clause = _sequence(list(branch), folded)
            if clause is None:
                return None
            union |= clause
        return frozenset(union)
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
        low, _high, body = value
        return _sequence(list(body), folded) if low >= 1 else None
    if op is sre.ATOMIC_GROUP:
        return _sequence(list(value), folded)
    return None


def _word(text: str, folded: bool) -> bytes | None:
    """Return a literal run as a clause word, or None when it is too short or not ASCII."""
    if len(text) < MIN_WORD or not text.isascii():
        return None
    if folded:
        return FOLDED + text.lower().encode("ascii")
    return text.encode("ascii")


def _strength(clause: frozenset[bytes]) -> tuple[int, int]:
    """Prefer clauses of few, long words: they let fewer files through."""
    return (-len(clause), min(len(word.removeprefix(FOLDED)) for word in clause))


def contains(word: bytes, text: bytes, lowered: bytes) -> bool:
    """Return True when ``word`` occurs in the text (folded words in its lower-cased form)."""
    if word.startswith(FOLDED):
        return word[len(FOLDED) :] in lowered
    return word in text
