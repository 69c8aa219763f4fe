"""Whether any of several literal words occurs in a text, in one search.

A rule's formula often asks for one of many words (``Or`` of words): the protected-attribute
rule alone names 108 quoted column names. Deciding them one ``in`` at a time reads an absent
word's whole text once per word — and most files hold none of them, so each is read in full
that many times. :func:`first_present` compiles the words into one regular expression of
literals, shaped as a trie (words sharing a first byte share a branch), and searches the text
once: it answers exactly as ``any(word in text for word in words)`` does, and names one word
that occurs.

Only the question "does some word occur" is answered this way: a word that holds another one of
the set (``"age_band"`` and ``"age``) adds nothing to it and is left out of the search.
"""

from __future__ import annotations

import re
from functools import lru_cache

from mlsec_policy.engines.semgrep.marks import CODE, MARKS
from mlsec_policy.engines.semgrep.regex_words import FOLDED

Run = tuple[tuple[bytes, ...], bytes, int, tuple[bytes, ...]]
"""A run of words searched at once: its words, their marks, the text to search (0 to 3, see
:func:`marked_runs`) and the words without marks."""

_WORD_BYTE = re.compile(rb"[0-9A-Za-z_]")

MIN_PREFIX = 3
"""Bytes a run of words starting with a letter, digit or ``_`` must share to be searched at
once: the matcher stops wherever its first bytes occur, and a plain ``in`` per word skips
common letters far faster (benchmarks/README.md, session 31)."""


@lru_cache(maxsize=256)
def batches(words: frozenset[bytes]) -> tuple[tuple[bytes, ...], ...]:
    """Return the runs of ``words`` worth one search each (two words or more, sorted).

    Words are grouped by their first byte; a group is a run when that byte is rare in text
    (not a letter, digit or ``_``: a quote, a dot) or its words share :data:`MIN_PREFIX`
    bytes. The other words are best looked for one by one.
    """
    by_head: dict[int, list[bytes]] = {}
    for word in sorted(words):
        if word:
            by_head.setdefault(word[0], []).append(word)
    runs: list[tuple[bytes, ...]] = []
    for head, group in sorted(by_head.items()):
        if len(group) < 2:
            continue
        if _WORD_BYTE.fullmatch(bytes([head])) and len(_common_prefix(set(group))) < MIN_PREFIX:
            continue
        runs.append(tuple(group))
    return tuple(runs)


def first_present(words: tuple[bytes, ...], text: bytes) -> bytes | None:
    """Return a word of ``words`` that occurs in ``text``, or None when none does.

    Answers as ``next((w for w in words if w in text), None) is not None`` does; the word
    returned occurs in ``text`` (it is the one found first, not necessarily the first given).
    """
    found = _pattern(words).search(text)
    return None if found is None else found.group()


@lru_cache(maxsize=256)
def _pattern(words: tuple[bytes, ...]) -> re.Pattern[bytes]:
    """Return one expression that matches where any of ``words`` begins."""
    if not words or b"" in words:
        raise ValueError("words to look for must be non-empty")
    needed = {w for w in words if not any(o != w and o in w for o in words)}
    return re.compile(_trie(needed))


def _trie(words: set[bytes]) -> bytes:
    """Return an expression matching exactly ``words`` (no word a prefix of another)."""
    branches: list[bytes] = []
    heads = sorted({word[0] for word in words})
    for head in heads:
        rests = {word[1:] for word in words if word[0] == head}
        step = re.escape(bytes([head]))
        if rests == {b""}:
            branches.append(step)
            continue
        # a shared run of bytes stays one literal (one step of the matcher, not one branch each)
        common = _common_prefix(rests)
        tails = {rest[len(common) :] for rest in rests}
        branches.append(step + re.escape(common) + _group(tails))
    return branches[0] if len(branches) == 1 else b"(?:" + b"|".join(branches) + b")"


def _group(tails: set[bytes]) -> bytes:
    """Return the expression of the words' tails after a shared run ("" when it ends there)."""
    return b"" if tails == {b""} else _trie(tails)


def _common_prefix(words: set[bytes]) -> bytes:
    """Return the longest prefix all of ``words`` share."""
    first, last = min(words), max(words)
    size = 0
    while size < len(first) and size < len(last) and first[size] == last[size]:
        size += 1
    return first[:size]


@lru_cache(maxsize=1024)
def marked_runs(words: tuple[bytes, ...]) -> tuple[tuple[Run, ...], tuple[bytes, ...]]:
    """Return the runs of (marked) ``words`` searched at once, and the words asked one by one.

    Unmarked and :data:`~.marks.CODE` words (folded or not) are grouped by their marks, which
    say which text a run is searched in: 0 the text, 1 lowered, 2 after the leading comment
    block, 3 that lowered (:meth:`.prefilter.LocatedWords.any_of`).
    """
    places: dict[bytes, list[bytes]] = {}
    for word in words:
        if word.startswith(CODE) or not word.startswith(MARKS):
            marks = CODE if word.startswith(CODE) else b""
            marks += FOLDED if word.startswith(FOLDED, len(marks)) else b""
            places.setdefault(marks, []).append(word[len(marks) :])
    runs: list[Run] = []
    batched: set[bytes] = set()
    for marks, group in places.items():
        place = (2 if marks.startswith(CODE) else 0) + (1 if marks.endswith(FOLDED) else 0)
        for run in batches(frozenset(group)):
            marked = tuple(marks + word for word in run)
            runs.append((marked, marks, place, run))
            batched.update(marked)
    return tuple(runs), tuple(word for word in words if word not in batched)
