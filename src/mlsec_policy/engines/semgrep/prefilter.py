r"""Words a Python rule cannot match without: which files a rule may match, decided by bytes.

A semgrep pattern names identifiers — modules, functions, attributes, keyword arguments — that
any code it matches must spell out somewhere in the file. Semgrep resolves import aliases, but
an alias is introduced by an import that still spells the original name (``import torch as
t`` holds ``torch``), so a file that does not contain the word anywhere cannot match. From each
rule this module derives such words, as a conjunction of clauses, each clause a set of words
of which at least one must occur in the file:

- ``pattern`` / ``pattern-inside``: every identifier of the pattern is a clause of its own,
  except metavariables, keywords and constants (``True``: constant propagation can compute
  it), words inside string literals (constant propagation can build the string from parts)
  and the type of a typed metavariable (``(str $X)``: a type can be inferred);
- ``patterns``: the clauses of every positive condition (``pattern``, ``pattern-inside``,
  ``pattern-either``, ``patterns``); negative and metavariable conditions only narrow a match
  and add nothing;
- ``pattern-either``: a few clauses, each the union of one clause from each branch (the
  best of each, the second best, ...); nothing when any branch has nothing (a
  ``pattern-regex`` branch, say);
- taint rules: a finding needs a source and a sink, so one clause for each list;
- ``metavariable-regex`` beside those conditions, on a metavariable the positive patterns
  bind: the words every match of its regex spells (:mod:`.regex_words`) — the regex is matched
  against the metavariable's text, and that text is code of the file as written (a string
  literal with its quotes; semgrep does not put a value found by constant propagation there);
- ``pattern-regex`` (the whole rule, a branch or a positive condition): every clause of its
  regex, as the regex runs over the file's own text (ranked, like a ``metavariable-regex``'s,
  after the clauses of the patterns beside it);
- anything else — another language, a key this module does not know — gives no clause, and
  the rule runs on every file of its kinds.

Words of ``metavariable-regex`` conditions are looked for only after the file's
**leading comment block** (the lines at its very start that are blank or hold only a comment;
such words are marked with :data:`CODE`): a match, and so every metavariable's text, begins at a
token of code, and an import that resolves an alias is code, so none of them lies in that block,
where license headers spell ``http``, ``License`` or ``Apache`` in nearly every file. The block
ends at the first line holding anything else (a string, code, a byte-order mark, a backslash), so
it never reaches into a string. Words of a ``pattern-regex`` are looked for in the whole text:
its regex runs over comments too.

Identifiers of patterns are matched in tokens of code, so they are looked for only in the file's
code (:mod:`.code_text`: without comments and string literals other than f-strings; marked
:data:`NAME`). So is a ``metavariable-regex``'s word when every match of the regex ends with it
followed by word characters only (``.*(?i:(?:session|client)\w*)$``): the metavariable's text
then ends inside a name (or number) token — semgrep matches such a regex against the code as
written, or against the name an import resolves it to, which the import spells in code; an
expression's text never ends in a comment or inside a string. When the file cannot be lexed for
certain, such words are looked for after the leading comment block instead.

The derivation only ever drops conditions, so it may let a file through that cannot match, and
never the other way round. ``tests/test_semgrep_prefilter.py`` checks that on every fixture of
the pack: no rule matches a file this module would have kept from it.

The scan uses it in the gates (:mod:`.gates`): a rule runs on a file only when the file
passes both semgrep's own prefilter formula and these clauses, and a syntax error concerns
only the rules that pass the file's gate. ``benchmarks/rule_reach.py`` measures what it leaves
out.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache

from mlsec_policy.engines.semgrep.code_text import code_text
from mlsec_policy.engines.semgrep.regex_words import (
    FOLDED,
    contains,
    regex_clause,
    regex_clauses,
    trailing_name_clause,
)
from mlsec_policy.models import JsonValue

Clause = frozenset[bytes]
"""At least one of these byte strings occurs in any file the rule matches."""

CODE = b"\x01"
"""Prefix of a word looked for only after the file's leading comment block (before
:data:`~.regex_words.FOLDED`, when both apply); given only by ``clauses(rule, located=True)``,
and read by :func:`may_match`."""
NAME = b"\x02"
"""Prefix of a word looked for only in the file's code (outside comments and strings other than
f-strings), like :data:`CODE` otherwise."""

PYTHON = frozenset({"python", "python3", "py"})
RULE_KEYS = frozenset(
    {
        "id",
        "message",
        "severity",
        "languages",
        "metadata",
        "paths",
        "fix",
        "pattern",
        "patterns",
        "pattern-either",
        "pattern-regex",
        "mode",
        "pattern-sources",
        "pattern-sinks",
        "pattern-sanitizers",
        "pattern-propagators",
    }
)
"""Top-level keys whose meaning this module knows; any other key (``options``,
``equivalences``, the newer ``match`` syntax) may widen what a rule matches, so such a rule
gets no clause."""
POSITIVE = ("pattern", "pattern-inside", "pattern-either", "patterns")
"""Conditions of ``patterns`` that a match must satisfy (the others only narrow it)."""
Found = tuple[list[Clause], list[Clause]]
"""A formula's clauses: those of its patterns, and further ones (pattern-either unions after
the first, regex words) that a pattern-either ranks after them."""
EITHER_CLAUSES = 4
"""Clauses a ``pattern-either`` gives at most (each the union of one clause per branch)."""
NOT_REQUIRED = frozenset({*keyword.kwlist, *keyword.softkwlist, "True", "False", "None"})

_STRING = re.compile(r"""[rRbBuUfF]{0,2}(?:"(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*')""", re.DOTALL)
_METAVARIABLE = re.compile(r"\$(?:\.\.\.)?[A-Z_][A-Z0-9_]*")
_TYPED = re.compile(r"\(\s*[A-Za-z_][\w.]*\s+\$")
_WORD = re.compile(r"(?<![0-9A-Za-z_])[A-Za-z_][A-Za-z0-9_]*")
_LEADING_COMMENTS = re.compile(rb"\A(?:[ \t\f]*(?:#[^\r\n]*)?(?:\r\n|\r|\n))*")
"""The lines at the start of a file that are blank or hold only a comment."""
_BOUND = re.compile(r"\$(?:\.\.\.)?([A-Z_][A-Z0-9_]*)")
"""A metavariable a pattern binds (its text, quotes included, is a piece of the file); one
inside a string of the pattern (``"$X"``) binds the string's content and is left out."""


def clauses(rule: Mapping[str, JsonValue], *, located: bool = False) -> tuple[Clause, ...]:
    """Return the clauses every file the rule matches satisfies (none: any file may match).

    By default a word holds when the file's text contains it anywhere (folded words: ignoring
    case), so any search of the whole text decides them. With ``located``, words may carry
    :data:`CODE` or :data:`NAME` and hold only where those say; :func:`may_match` reads both.
    """
    found = _clauses(rule)
    if located:
        return found
    return _unique(frozenset(unmarked(word) for word in clause) for clause in found)


def unmarked(word: bytes) -> bytes:
    """Return ``word`` without :data:`CODE` or :data:`NAME` (it keeps :data:`FOLDED`)."""
    return word.removeprefix(CODE).removeprefix(NAME)


def _clauses(rule: Mapping[str, JsonValue]) -> tuple[Clause, ...]:
    languages = rule.get("languages")
    if not isinstance(languages, list) or not languages:
        return ()
    if not all(isinstance(item, str) and item.lower() in PYTHON for item in languages):
        return ()
    if any(key not in RULE_KEYS for key in rule):
        return ()
    if rule.get("mode", "search") == "taint":
        parts = [_either(rule.get("pattern-sources")), _either(rule.get("pattern-sinks"))]
        return _unique(clause for first, more in parts for clause in first + more)
    if "mode" in rule and rule["mode"] != "search":
        return ()
    first, more = _formula(rule)
    return _unique(first + more)


def may_match(required: Sequence[Clause], text: bytes) -> bool:
    """Return True when ``text`` satisfies every clause (a rule with none may match anything)."""
    lowered = text.lower()
    body = after_leading_comments(text)
    body_lowered = lowered[len(text) - len(body) :]

    def found(word: bytes) -> bool:
        if word.startswith(CODE):
            return contains(word[len(CODE) :], body, body_lowered)
        if word.startswith(NAME):
            bare = word[len(NAME) :]
            if not contains(bare, body, body_lowered):
                return False
            code = code_text(text)
            return code is None or contains(bare, code, _lower(code))
        return contains(word, text, lowered)

    return all(any(found(word) for word in clause) for clause in required)


def after_leading_comments(text: bytes) -> bytes:
    """Return ``text`` after its leading comment block, where :data:`CODE` words are looked for."""
    start = _LEADING_COMMENTS.match(text)
    return text[start.end() if start else 0 :]


@lru_cache(maxsize=4)
def _lower(text: bytes) -> bytes:
    return text.lower()


def _formula(node: Mapping[str, JsonValue]) -> Found:
    """Return the clauses of one formula (a mapping with one of the positive keys)."""
    for key in POSITIVE:
        if key not in node:
            continue
        value = node[key]
        if key in ("pattern", "pattern-inside"):
            words = _words(value) if isinstance(value, str) else []
            return [frozenset({NAME + word}) for word in words], []
        if key == "pattern-either":
            return _either(value)
        return _conjunction(value)
    regex = node.get("pattern-regex")
    if isinstance(regex, str):
        return [], regex_clauses(regex)
    return [], []


def _conjunction(items: JsonValue) -> Found:
    if not isinstance(items, list):
        return [], []
    primary: list[Clause] = []
    extra: list[Clause] = []
    bound = _bound(items)
    for item in items:
        if isinstance(item, Mapping):
            first, more = _formula(item)
            primary += first
            extra += more + _regex(item.get("metavariable-regex"), bound)
    return primary, extra


def _regex(condition: JsonValue, bound: set[str]) -> list[Clause]:
    """Return the clause of a ``metavariable-regex`` on a metavariable the patterns bind."""
    if not isinstance(condition, Mapping) or set(condition) != {"metavariable", "regex"}:
        return []
    metavariable, regex = condition["metavariable"], condition["regex"]
    if not isinstance(metavariable, str) or not isinstance(regex, str):
        return []
    if metavariable.removeprefix("$") not in bound:
        return []
    found: list[Clause] = []
    clause = regex_clause(regex)
    if clause is not None:
        parts = frozenset(_longest_part(word) for word in clause)
        if all(len(w.removeprefix(FOLDED)) >= 2 for w in parts):
            found.append(frozenset(CODE + word for word in parts))
    trailing = trailing_name_clause(regex)
    if trailing is not None:
        found.append(frozenset(NAME + word for word in trailing))
    return found


def _longest_part(word: bytes) -> bytes:
    """Return the longest dot-separated part of ``word`` (folded words stay folded).

    Semgrep may match a name's regex against the name an import resolves it to
    (``from http import HTTPStatus as S``: ``S.OK`` is seen as ``http.HTTPStatus.OK``), which
    the file spells only in parts; each part is spelled somewhere, the dotted whole need not be.
    """
    folded = word.startswith(FOLDED)
    parts = word.removeprefix(FOLDED).split(b".")
    return (FOLDED if folded else b"") + max(parts, key=len)


def _bound(items: JsonValue) -> set[str]:
    """Return the metavariables the positive patterns under ``items`` bind."""
    texts = (_STRING.sub(" ", text) for text in _pattern_texts(items))
    return {match.group(1) for text in texts for match in _BOUND.finditer(text)}


def _pattern_texts(node: JsonValue) -> Iterable[str]:
    """Yield the texts of the positive patterns under ``node``."""
    if isinstance(node, list):
        for item in node:
            yield from _pattern_texts(item)
    elif isinstance(node, Mapping):
        for key in POSITIVE:
            value = node.get(key)
            if isinstance(value, str):
                yield value
            elif value is not None:
                yield from _pattern_texts(value)


def _either(branches: JsonValue) -> Found:
    """Return clauses that hold whichever branch matched (none when a branch has none).

    Each is the union of one clause per branch: first the union of each branch's strongest
    clause of its patterns, then of the second, third... (a branch's own pattern-eithers'
    further unions and its regexes' clauses come after its patterns' clauses).
    """
    if not isinstance(branches, list) or not branches:
        return [], []
    ranked: list[list[Clause]] = []
    for branch in branches:
        first, more = _formula(branch) if isinstance(branch, Mapping) else ([], [])
        found = list(dict.fromkeys(sorted(first, key=_strength, reverse=True) + more))
        if not found:
            return [], []
        ranked.append(found)
    depth = min(EITHER_CLAUSES, max(len(found) for found in ranked))
    unions = [frozenset().union(*(f[min(i, len(f) - 1)] for f in ranked)) for i in range(depth)]
    return unions[:1], unions[1:]


def _strength(clause: Clause) -> tuple[int, int]:
    """Prefer clauses of few, long words: they let fewer files through."""
    return (-len(clause), min(len(_bare(word)) for word in clause))


def _bare(word: bytes) -> bytes:
    """Return ``word`` without its marks."""
    return word.removeprefix(CODE).removeprefix(NAME).removeprefix(FOLDED)


def _words(pattern: str) -> list[bytes]:
    """Return the identifiers a match of ``pattern`` spells out in the file."""
    text = _STRING.sub(" ", pattern)
    text = _TYPED.sub("( $", text)
    text = _METAVARIABLE.sub(" ", text)
    words = dict.fromkeys(m.group() for m in _WORD.finditer(text))
    return [w.encode("ascii") for w in words if w not in NOT_REQUIRED]


def _unique(found: Iterable[Clause]) -> tuple[Clause, ...]:
    return tuple(sorted(set(found), key=lambda c: sorted(c)))
