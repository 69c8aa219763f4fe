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

MAX_RUN = 256
"""Texts a run of literal alternatives may stand for before it is cut in two."""

MAX_CLASS = 8
"""Characters a class may hold to be read as alternatives (``["']``)."""

UNREAD = ("[[:", "\\Q", "(?|")
"""PCRE syntax that Python's parser reads as something else (a POSIX class, a quoted run, a
branch reset): a regex holding one gives no clause rather than a wrong one."""


def regex_clause(regex: str) -> frozenset[bytes] | None:
    """Return literal words one of which every match of ``regex`` contains, or None."""
    found = regex_clauses(regex)
    return max(found, key=_strength) if found else None


def regex_clauses(regex: str) -> list[frozenset[bytes]]:
    """Return every clause the top level of ``regex`` gives (each holds in every match).

    A ``pattern-regex`` over a whole file needs all of them at once; :func:`regex_clause`
    keeps only the best, for a regex that is one condition among others.
    """
    parsed = _parse(regex)
    if parsed is None:
        return []
    items, flags = parsed
    return _clauses(items, bool(flags & re.IGNORECASE))


def _parse(regex: str) -> tuple[list[tuple[Any, Any]], int] | None:
    """Return a regex's top-level items and flags, or None when Python cannot read it as PCRE."""
    if any(marker in regex for marker in UNREAD):
        return None
    try:
        parsed = _parser.parse(regex)
    except (re.error, RecursionError, OverflowError):
        return None
    return list(parsed), parsed.state.flags


def trailing_name_clause(regex: str) -> frozenset[bytes] | None:
    r"""Return words one of which lies in the last run of word characters of every match, or None.

    That holds for a regex that ends with an end anchor, before it only ``\w*`` and before
    that literal alternatives of word characters (``.*(?i:(?:session|client)\w*)$``,
    ``^(get|post)$``): a match ends with one of them and word characters only.
    """
    parsed = _parse(regex)
    if parsed is None:
        return None
    items, flags = parsed
    if not items or items[-1] not in _END:
        return None
    return _tail(items[:-1], bool(flags & re.IGNORECASE))


_END = ((sre.AT, sre.AT_END), (sre.AT, sre.AT_END_STRING))
"""The end anchors, as the parser gives them (``$``, ``\\Z``)."""


def regex_prefixes(regex: str) -> frozenset[bytes] | None:
    r"""Return texts one of which begins every match of ``regex``, or None when it cannot tell.

    That holds for a regex anchored at its start (``^`` or ``\A``, no multi-line flag) followed
    by literal alternatives (``^(?:http|ftp):\/\/(?!localhost)...`` gives ``http://`` and
    ``ftp://``): the texts end where the first item that is not literal, or is compared
    ignoring case, begins. Texts must be ASCII and none may be empty.
    """
    found = _anchored(regex)
    return None if found is None else found[0]


def regex_names(regex: str) -> frozenset[bytes] | None:
    """Return the names that are the only texts ``regex`` matches (``^(get|post)$``), or None.

    None unless the regex is anchored at both ends and holds only literal alternatives, each a
    name (ASCII letters, digits and underscores, not starting with a digit).
    """
    found = _anchored(regex)
    if found is None or not found[1]:
        return None
    return found[0] if all(_NAME.fullmatch(text) for text in found[0]) else None


_NAME = re.compile(rb"[A-Za-z_][A-Za-z0-9_]*")


def _anchored(regex: str) -> tuple[frozenset[bytes], bool] | None:
    """Return the literal texts a start-anchored regex begins with, and whether they are all.

    All: the literal items run up to an end anchor that closes the regex.
    """
    parsed = _parse(regex)
    if parsed is None:
        return None
    items, flags = parsed
    if flags & (re.IGNORECASE | re.MULTILINE) or not items:
        return None
    if items[0] not in ((sre.AT, sre.AT_BEGINNING), (sre.AT, sre.AT_BEGINNING_STRING)):
        return None
    texts: set[str] = {""}
    rest = items[1:]
    while rest:
        op, value = rest[0]
        literal = _literals(op, value, False)
        if literal is None or literal[1] or len(literal[0]) * len(texts) > MAX_RUN:
            break
        texts = {head + tail for head in texts for tail in literal[0]}
        rest = rest[1:]
    if "" in texts or not all(text.isascii() for text in texts):
        return None
    whole = len(rest) == 1 and rest[0] in _END
    return frozenset(text.encode("ascii") for text in texts), whole


def _tail(items: list[tuple[Any, Any]], folded: bool) -> frozenset[bytes] | None:
    r"""Return the literal words the sequence ends with, before only ``\w*``, or None."""
    while items and _is_word_run(*items[-1]):
        items = items[:-1]
    if not items:
        return None
    start = len(items)
    while start and _word_literals(*items[start - 1], folded):
        start -= 1
    op, value = items[-1]
    if start == len(items):
        return _tail(list(value[3]), _group_folded(value, folded)) if op is sre.SUBPATTERN else None
    found = _literal_sequence(items[start:], folded)
    return None if found is None else _run_clause(found[0], found[1])


def _word_literals(op: Any, value: Any, folded: bool) -> bool:
    """Return True when the item matches only a few runs of word characters (maybe none)."""
    found = _literals(op, value, folded)
    return found is not None and all(re.fullmatch(r"\w*", text, re.ASCII) for text in found[0])


def _is_word_run(op: Any, value: Any) -> bool:
    r"""Return True for ``\w*`` (any number of word characters, none required)."""
    if op is not sre.MAX_REPEAT and op is not sre.MIN_REPEAT and op is not sre.POSSESSIVE_REPEAT:
        return False
    low, _high, body = value
    words = (sre.CATEGORY_WORD, sre.CATEGORY_UNI_WORD)
    return low == 0 and list(body) in ([(sre.IN, [(sre.CATEGORY, w)])] for w in words)


def _sequence(items: list[tuple[Any, Any]], folded: bool) -> frozenset[bytes] | None:
    """Return the best clause of a sequence of regex items (they all match, in order)."""
    found = _clauses(items, folded)
    return max(found, key=_strength) if found else None


def _clauses(items: list[tuple[Any, Any]], folded: bool) -> list[frozenset[bytes]]:
    """Return the clauses of a sequence: one per run of literal text, one per other item.

    A run is a product of literal alternatives — characters, small classes (``["']``),
    groups and branches of literal text, optional literal text — so ``["'](?:age|sex)["']``
    gives the words ``"age"``, ``'age'``, ``"sex"`` and ``'sex'``.
    """
    found: list[frozenset[bytes]] = []
    run: set[str] = {""}
    run_folded = False

    def flush() -> None:
        clause = _run_clause(run, run_folded)
        if clause is not None:
            found.append(clause)

    for op, value in items:
        literal = _literals(op, value, folded)
        if literal is not None and len(literal[0]) * len(run) <= MAX_RUN:
            run = {head + tail for head in run for tail in literal[0]}
            run_folded = run_folded or literal[1]
            continue
        flush()
        run, run_folded = {""}, False
        if literal is not None and len(literal[0]) <= MAX_RUN:
            run, run_folded = set(literal[0]), literal[1]
            continue
        clause = _item(op, value, folded)
        if clause is not None:
            found.append(clause)
    flush()
    return found


def _literals(op: Any, value: Any, folded: bool) -> tuple[set[str], bool] | None:
    """Return the texts one item can match when they are few and literal, or None.

    The flag says whether any of them is compared ignoring case.
    """
    if op is sre.LITERAL:
        return {chr(value)}, folded
    if op is sre.IN:
        if not value or len(value) > MAX_CLASS or any(o is not sre.LITERAL for o, _ in value):
            return None
        return {chr(v) for _o, v in value}, folded
    if op is sre.SUBPATTERN:
        return _literal_sequence(list(value[3]), _group_folded(value, folded))
    if op is sre.BRANCH:
        texts: set[str] = set()
        any_folded = False
        for branch in value[1]:
            found = _literal_sequence(list(branch), folded)
            if found is None:
                return None
            texts |= found[0]
            any_folded = any_folded or found[1]
        return (texts, any_folded) if len(texts) <= MAX_RUN else None
    if op is sre.MAX_REPEAT or op is sre.MIN_REPEAT:
        low, high, body = value
        found = _literal_sequence(list(body), folded)
        if found is None or low != 0 or high != 1:
            return None
        return {"", *found[0]}, found[1]
    return None


def _literal_sequence(items: list[tuple[Any, Any]], folded: bool) -> tuple[set[str], bool] | None:
    """Return the texts a sequence of literal items can match, or None."""
    texts: set[str] = {""}
    any_folded = False
    for op, value in items:
        found = _literals(op, value, folded)
        if found is None or len(texts) * len(found[0]) > MAX_RUN:
            return None
        texts = {head + tail for head in texts for tail in found[0]}
        any_folded = any_folded or found[1]
    return texts, any_folded


def _run_clause(run: set[str], folded: bool) -> frozenset[bytes] | None:
    """Return a run's texts as a clause, without texts that hold another one of them."""
    words: set[bytes] = set()
    for text in run:
        word = _word(text, folded)
        if word is None:
            return None
        words.add(word)
    return frozenset(w for w in words if not any(o != w and _holds(w, o) for o in words))


def _holds(word: bytes, other: bytes) -> bool:
    """Return True when every text holding ``word`` holds ``other`` too."""
    if other.startswith(FOLDED):
        return other[len(FOLDED) :] in word.removeprefix(FOLDED).lower()
    return not word.startswith(FOLDED) and other in word


def _group_folded(value: Any, folded: bool) -> bool:
    """Return whether a group's body ignores case (its own flags over the enclosing ones)."""
    _group, add_flags, del_flags, _body = value
    return (folded or bool(add_flags & re.IGNORECASE)) and not del_flags & re.IGNORECASE


def _item(op: Any, value: Any, folded: bool) -> frozenset[bytes] | None:
    """Return the clause of one non-literal item (a group, an alternation, a repetition)."""
    if op is sre.SUBPATTERN:
        return _sequence(list(value[3]), _group_folded(value, folded))
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


def longest_part(word: bytes) -> bytes:
    """Return the longest dot-separated part of ``word`` (folded words stay folded).

    Semgrep may match a name's regex against the name an import resolves it to
    (``from http import HTTPStatus as S``: ``S.OK`` is seen as ``http.HTTPStatus.OK``), which
    the file spells only in parts; each part is spelled somewhere, the dotted whole need not be.
    """
    folded = word.startswith(FOLDED)
    parts = word.removeprefix(FOLDED).split(b".")
    return (FOLDED if folded else b"") + max(parts, key=len)
