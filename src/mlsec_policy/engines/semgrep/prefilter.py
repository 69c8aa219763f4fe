r"""Words a Python rule cannot match without: which files a rule may match, decided by bytes.

A semgrep pattern names identifiers — modules, functions, attributes, keyword arguments — that
any code it matches must spell out somewhere in the file. Semgrep resolves import aliases, but
an alias is introduced by an import that still spells the original name (``import torch as
t`` holds ``torch``), so a file that does not contain the word anywhere cannot match. From each
rule this module derives a formula of such words (:mod:`.wordformula`: ``And`` / ``Or`` of
words), along the rule's own structure:

- ``pattern`` / ``pattern-inside``: the And of the pattern's identifiers, except
  metavariables, keywords other than ``await`` (:data:`SPELLED_KEYWORDS`) and constants
  (``True``: constant propagation can compute it), words inside string literals (constant
  propagation can build the string from parts) and the type of a typed metavariable
  (``(str $X)``: a type can be inferred); and, per string regex anchored at its start
  (``"=~/^http:/"``), the beginnings a string's value needs (:mod:`.value_starts`,
  words marked :data:`~.marks.LITERAL`);
- ``patterns``: the And of every positive condition (``pattern``, ``pattern-inside``,
  ``pattern-either``, ``patterns``, ``pattern-regex``) and of the words of its
  ``metavariable-regex`` conditions; negative and other metavariable conditions only narrow
  a match and add nothing;
- ``pattern-either``: the Or of its branches; true when any branch needs nothing;
- taint rules: a finding needs a source and a sink: And(Or(sources), Or(sinks));
- ``metavariable-regex`` beside those conditions, on a metavariable the positive patterns
  bind: the words every match of its regex spells (:mod:`.regex_words`) — the regex is matched
  against the metavariable's text, and that text is code of the file as written (a string
  literal with its quotes; semgrep does not put a value found by constant propagation there),
  and the whole names it spells in decorators or imports when only decorators bind it
  (:mod:`.decorators`);
- ``pattern-regex`` (the whole rule, a branch or a positive condition): the And of its
  regex's clauses (each an Or of words), as the regex runs over the file's own text;
- anything else — another language, a key this module does not know — is true, and
  the rule runs on every file of its kinds.

So a branch that needs ``RequestHandler`` and ``write`` lets a file through only when it holds
both (a conjunction of clauses, the form before session 27, kept just one word of each
branch).

Words of ``metavariable-regex`` conditions are looked for only after the file's **leading
comment block** (the lines at its very start that are blank or hold only a comment; such words
are marked with :data:`~.marks.CODE`): a match, and so every metavariable's text, begins at a
token of code, and an import that resolves an alias is code, so none of them lies in that block,
where license headers spell ``http``, ``License`` or ``Apache`` in nearly every file. The block
ends at the first line holding anything else (a string, code, a byte-order mark, a backslash),
so it never reaches into a string. Words of a ``pattern-regex`` are looked for in the whole
text: its regex runs over comments too.

Identifiers of patterns are matched in tokens of code, so they are looked for only in the file's
code (:mod:`.code_text`: without comments and string literals other than f-strings; marked
:data:`~.marks.NAME`). So is a ``metavariable-regex``'s word when every match of the regex ends
with it followed by word characters only (``.*(?i:(?:session|client)\w*)$``): the metavariable's
text then ends inside a name (or number) token — semgrep matches such a regex against the code
as written, or against the name an import resolves it to, which the import spells in code; an
expression's text never ends in a comment or inside a string. When the file cannot be lexed for
certain, such words are looked for after the leading comment block instead.

The derivation only ever drops conditions, so it may let a file through that cannot match, and
never the other way round. ``tests/test_semgrep_prefilter.py`` checks that on every fixture of
the pack (as written, behind a license header, and with the rule's words added only in
comments and docstrings): no rule matches a file this module would have kept from it.

The formula is the only derivation: the gates (:mod:`.gates`: a rule runs on a file only when
the file passes both semgrep's own prefilter formula and this one, and a syntax error concerns
only the rules that pass the file's gate), the first-match search
(``mlsec_policy.firstmatch``) and ``benchmarks/rule_reach.py`` all read it.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache

from mlsec_policy.engines.semgrep.any_word import first_present, marked_runs
from mlsec_policy.engines.semgrep.code_text import (
    CodeSearch,
    after_leading_comments,
    code_text,
    is_name,
)
from mlsec_policy.engines.semgrep.decorators import BOUND, decorated, decorator_only
from mlsec_policy.engines.semgrep.marks import CODE, DECORATED, LITERAL, NAME
from mlsec_policy.engines.semgrep.regex_words import (
    FOLDED,
    contains,
    longest_part,
    regex_clause,
    regex_clauses,
    regex_names,
    trailing_name_clause,
)
from mlsec_policy.engines.semgrep.value_starts import pattern_starts
from mlsec_policy.engines.semgrep.wordformula import TRUE, Node, conj, disj, holds_by, mapped
from mlsec_policy.models import JsonValue
from mlsec_policy.pyliterals import may_begin

Clause = frozenset[bytes]
"""At least one of these byte strings occurs in any file the rule matches."""

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
        "fix-regex",
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
SPELLED_KEYWORDS = frozenset({"await"})
"""Keywords that every match of a pattern spelling them spells too: semgrep (1.182.0) matches
``await $X.json()`` only on an await expression, never on the bare call
(``tests/test_semgrep_prefilter.py`` asks the real semgrep). Not ``async``: semgrep matches an
``async def`` pattern on a plain ``def`` too (semgrep issue #8897), nor ``def``, ``import`` and
the others, which equivalences and constant propagation can stand in for."""
NOT_REQUIRED = (
    frozenset({*keyword.kwlist, *keyword.softkwlist, "True", "False", "None"}) - SPELLED_KEYWORDS
)

_STRING = re.compile(r"""[rRbBuUfF]{0,2}(?:"(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*')""", re.DOTALL)
_METAVARIABLE = re.compile(r"\$(?:\.\.\.)?[A-Z_][A-Z0-9_]*")
_TYPED = re.compile(r"\(\s*[A-Za-z_][\w.]*\s+\$")
_WORD = re.compile(r"(?<![0-9A-Za-z_])[A-Za-z_][A-Za-z0-9_]*")


def formula(rule: Mapping[str, JsonValue], *, located: bool = True) -> Node:
    """Return the formula of words every file the rule matches satisfies (:data:`TRUE`: any).

    Words may carry a mark (:mod:`.marks`) and hold only where it says; :func:`may_match` and
    :class:`.gates.LocatedIndex` read the marks. With ``located=False`` they are dropped
    (:func:`unmarked`): a word then holds when the file's text contains it anywhere (folded
    words: ignoring case), so any search of the whole text decides it.
    """
    found = _rule(rule)
    return found if located else mapped(found, unmarked)


def word_test(required: Node) -> Node:
    """Return a formula that holds wherever ``required`` does, for a diff scan's word test.

    :data:`~.marks.DECORATED` words are read as :data:`~.marks.NAME` words (the name anywhere in
    code) and :data:`~.marks.LITERAL` words as true: deciding those needs each file lexed whole,
    or one search per string, over the whole tree, which costs a diff scan more than the semgrep
    work they save (benchmarks/README.md, session 34). The engine's gates decide them exactly on
    the files the test keeps.
    """
    return mapped(required, _cheaper)


def _cheaper(word: bytes) -> Node:
    if word.startswith(LITERAL):
        return TRUE
    return NAME + word[len(DECORATED) :] if word.startswith(DECORATED) else word


def unmarked(word: bytes) -> bytes:
    """Return ``word`` without its mark (:mod:`.marks`; it keeps :data:`FOLDED`).

    A :data:`~.marks.LITERAL` word becomes the empty word: every text holds it.
    """
    if word.startswith(LITERAL):
        return b""
    return word.removeprefix(CODE).removeprefix(NAME).removeprefix(DECORATED)


def _rule(rule: Mapping[str, JsonValue]) -> Node:
    languages = rule.get("languages")
    if not isinstance(languages, list) or not languages:
        return TRUE
    if not all(isinstance(item, str) and item.lower() in PYTHON for item in languages):
        return TRUE
    if any(key not in RULE_KEYS for key in rule):
        return TRUE
    if rule.get("mode", "search") == "taint":
        return conj([_either(rule.get("pattern-sources")), _either(rule.get("pattern-sinks"))])
    if "mode" in rule and rule["mode"] != "search":
        return TRUE
    return _formula(rule)


def may_match(required: Node, text: bytes) -> bool:
    """Return True when ``text`` satisfies the formula (:data:`TRUE` holds for anything)."""
    found = located_words(text)
    return holds_by(required, found, found.any_of)


Known = dict[bytes | tuple[bytes, ...], bool]
"""What is known of one text: whether each word holds, and whether some word of each run
searched at once does (keyed by the run's words, a tuple: never equal to a word)."""


def located_words(text: bytes | Callable[[], bytes], memo: Known | None = None) -> LocatedWords:
    """Return whether each word (marked as :func:`formula` marks them) holds in ``text``.

    The answers are remembered (in ``memo`` when given: a caller's index of the file's words,
    read and filled), so one function decides every formula of a file with each word looked for
    once (:func:`may_match` is ``holds_by(required, found, found.any_of)`` with ``found =
    located_words(text)``). ``text`` may be a function that reads it: it is called only when
    a word is not yet in ``memo``.
    """
    return LocatedWords(text, {} if memo is None else memo)


class LocatedWords:
    """Where the words of a formula hold in one text; see :func:`located_words`."""

    def __init__(self, text: bytes | Callable[[], bytes], memo: Known) -> None:
        """Prepare to look for words in ``text`` (or what it returns), answers kept in ``memo``."""
        self._read = text
        self._texts: tuple[bytes, bytes, bytes, bytes] | None = None
        self.memo = memo
        self._search: CodeSearch | None = None  # the code is lexed once, as far as names ask

    def __call__(self, word: bytes) -> bool:
        """Return True when ``word`` holds in the text."""
        known = self.memo.get(word)
        if known is None:
            known = self.memo[word] = self._located(word)
        return known

    def any_of(self, words: tuple[bytes, ...]) -> bool:
        """Return ``any(self(word) for word in words)``, runs of words in one search each.

        Unmarked and :data:`~.marks.CODE` words of one place and case whose first bytes make one
        search cheaper than several (:func:`~.any_word.batches`) are looked for at once by
        :func:`~.any_word.first_present`: when none occurs each is known absent, else the one
        found is known present. The other words (names among them) are asked one by one.
        """
        memo = self.memo
        runs, rest = marked_runs(words)
        if any(memo.get(word) for word in rest):
            return True
        for key, prefix, place, run in runs:
            known = memo.get(key)
            if known:
                return True
            if known is None:
                hit = first_present(run, self._texts_read()[place])
                memo[key] = hit is not None
                if hit is not None:
                    memo[prefix + hit] = True
                    return True
                memo.update(dict.fromkeys((prefix + word for word in run), False))
        return any(self(word) for word in rest)

    def _texts_read(self) -> tuple[bytes, bytes, bytes, bytes]:
        """Return the text, lowered, after the leading comments, and that lowered."""
        if self._texts is None:
            text = self._read if isinstance(self._read, bytes) else self._read()
            lowered = text.lower()
            body = after_leading_comments(text)
            self._texts = (text, lowered, body, lowered[len(text) - len(body) :])
        return self._texts

    def _located(self, word: bytes) -> bool:
        text, lowered, body, body_lowered = self._texts_read()
        if word.startswith(LITERAL):
            return may_begin(word[len(LITERAL) :], text)
        if word.startswith(DECORATED):
            bare = word[len(DECORATED) :]
            return contains(bare, body, body_lowered) and decorated(bare, text)
        if word.startswith(CODE):
            return contains(word[len(CODE) :], body, body_lowered)
        if word.startswith(NAME):
            bare = word[len(NAME) :]
            if not contains(bare, body, body_lowered):
                return False
            folded = bare.startswith(FOLDED)
            name = bare[len(FOLDED) :] if folded else bare
            if not is_name(name):
                code = code_text(text)
                return code is None or contains(bare, code, _lower(code))
            self._search = self._search or CodeSearch(text)
            return self._search.has(name, folded)
        return contains(word, text, lowered)


@lru_cache(maxsize=4)
def _lower(text: bytes) -> bytes:
    return text.lower()


def _formula(node: Mapping[str, JsonValue]) -> Node:
    """Return the formula of one condition (a mapping with one of the positive keys)."""
    for key in POSITIVE:
        if key not in node:
            continue
        value = node[key]
        if key in ("pattern", "pattern-inside"):
            if not isinstance(value, str):
                return TRUE
            starts = [disj(clause) for clause in pattern_starts(value)]
            return conj([*(NAME + word for word in _words(value)), *starts])
        if key == "pattern-either":
            return _either(value)
        return _conjunction(value)
    regex = node.get("pattern-regex")
    if isinstance(regex, str):
        return conj(disj(clause) for clause in regex_clauses(regex))
    return TRUE


def _conjunction(items: JsonValue) -> Node:
    """Return the And of the positive conditions and the metavariable-regex words."""
    if not isinstance(items, list):
        return TRUE
    parts: list[Node] = []
    bound = _bound(items)
    decorators = decorator_only(_STRING.sub(" ", text) for text in _pattern_texts(items))
    for item in items:
        if isinstance(item, Mapping):
            parts.append(_formula(item))
            parts += [disj(c) for c in _regex(item.get("metavariable-regex"), bound, decorators)]
    return conj(parts)


def _regex(condition: JsonValue, bound: set[str], decorators: set[str]) -> list[Clause]:
    """Return the clause of a ``metavariable-regex`` on a metavariable the patterns bind.

    When the patterns name the metavariable only in decorators and the regex spells the whole
    name (``^(get|post)$``), the names are looked for there (:mod:`.decorators`); else the
    words its name ends with, in code.
    """
    if not isinstance(condition, Mapping) or set(condition) != {"metavariable", "regex"}:
        return []
    metavariable, regex = condition["metavariable"], condition["regex"]
    if not isinstance(metavariable, str) or not isinstance(regex, str):
        return []
    name = metavariable.removeprefix("$")
    if name not in bound:
        return []
    found: list[Clause] = []
    clause = regex_clause(regex)
    if clause is not None:
        parts = frozenset(longest_part(word) for word in clause)
        if all(len(w.removeprefix(FOLDED)) >= 2 for w in parts):
            found.append(frozenset(CODE + word for word in parts))
    names = regex_names(regex) if name in decorators else None
    trailing = trailing_name_clause(regex)
    if names:
        found.append(frozenset(DECORATED + word for word in names))
    elif trailing is not None:
        found.append(frozenset(NAME + word for word in trailing))
    return found


def _bound(items: JsonValue) -> set[str]:
    """Return the metavariables the positive patterns under ``items`` bind."""
    texts = (_STRING.sub(" ", text) for text in _pattern_texts(items))
    return {match.group(1) for text in texts for match in BOUND.finditer(text)}


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


def _either(branches: JsonValue) -> Node:
    """Return the Or of the branches (:data:`TRUE` when a branch needs nothing, or none)."""
    if not isinstance(branches, list) or not branches:
        return TRUE
    return disj(_formula(b) if isinstance(b, Mapping) else TRUE for b in branches)


def _words(pattern: str) -> list[bytes]:
    """Return the identifiers a match of ``pattern`` spells out in the file."""
    text = _STRING.sub(" ", pattern)
    text = _TYPED.sub("( $", text)
    text = _METAVARIABLE.sub(" ", text)
    words = dict.fromkeys(m.group() for m in _WORD.finditer(text))
    return [w.encode("ascii") for w in words if w not in NOT_REQUIRED]
