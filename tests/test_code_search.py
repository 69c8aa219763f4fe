"""A name is looked for in a file's code by lexing only as far as the name's first occurrence.

:class:`mlsec_policy.engines.semgrep.code_text.CodeSearch` must answer every name as
``code_text(text) is None or name in code_text(text)`` does (the word test of a diff scan
relies on it, :func:`mlsec_policy.engines.semgrep.prefilter.located_words`): checked on every
Python file of the policy pack's fixtures and of the tests, with names asked in several orders
and case-folded, and on texts the lexer is unsure of.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from mlsec_policy.analyzers import ANALYZERS
from mlsec_policy.engines.semgrep.code_text import CodeSearch, after_leading_comments, code_text
from mlsec_policy.engines.semgrep.marks import NAME
from mlsec_policy.engines.semgrep.prefilter import formula, located_words
from mlsec_policy.engines.semgrep.regex_words import contains
from mlsec_policy.policy import SemgrepCheck, load_policy

REPO = Path(__file__).parents[1]
NAMES: tuple[bytes, ...] = (
    *(b"json", b"body", b"post", b"route", b"request", b"import", b"self", b"eval", b"x"),
    *(b"flask", b"def", b"f", b"torch", b"app", b"os", b"system", b"format", b"pickle"),
)


def _expected(text: bytes, name: bytes, folded: bool) -> bool:
    code = code_text(text)
    if code is None:
        return True
    return name in (code.lower() if folded else code)


def _files() -> list[Path]:
    return sorted([*(REPO / "policies").rglob("*.py"), *(REPO / "tests").rglob("*.py")])


def test_every_fixture_answers_as_the_whole_code_text() -> None:
    files = _files()
    assert len(files) > 300
    for seed, path in enumerate(files):
        text = path.read_bytes()
        search = CodeSearch(text)
        asks = [(name, folded) for name in NAMES for folded in (False, True)]
        random.Random(seed).shuffle(asks)
        for name, folded in asks:
            assert search.has(name, folded) == _expected(text, name, folded), (path, name, folded)


@pytest.mark.parametrize(
    "text",
    [
        b"import json\nx = 'unterminated\n",  # unsure after the import
        b"x = 'unterminated\nimport json\n",  # unsure before it
        b'"""never closed\nimport json\n',
        b'value = f"{d["json"]}"\n',  # Python 3.12 nested quotes: unsure
        b"# json in a comment\ny = 'json'\n",
        b'y = f"{json.dumps(z)}"\n',  # an f-string's fields are code
        b"",
    ],
)
def test_texts_the_lexer_is_unsure_of(text: bytes) -> None:
    for name in (b"json", b"import", b"y"):
        assert CodeSearch(text).has(name) == _expected(text, name, False)
        search = CodeSearch(text)
        search.has(b"zzz")  # lexes everything first
        assert search.has(name) == _expected(text, name, False)


def test_only_names_of_word_characters_are_asked() -> None:
    with pytest.raises(ValueError):
        CodeSearch(b"a.b\n").has(b"a.b")


def test_located_words_decides_every_rule_word_as_before() -> None:
    """The located name words of the pack's Python rules, on the pack's fixtures."""
    policy = load_policy(("builtin",), ANALYZERS)
    words: set[bytes] = set()
    for check in policy.checks(SemgrepCheck):
        words.update(_words(formula(check.rule)))
    names = sorted(w for w in words if w.startswith(NAME))
    assert names
    for path in sorted((REPO / "policies").rglob("*.py")):
        text = path.read_bytes()
        found = located_words(text)
        for word in names:
            bare = word[len(NAME) :]
            assert found(word) == _by_code_text(text, bare), (path, word)


def _by_code_text(text: bytes, bare: bytes) -> bool:
    """:func:`located_words`'s answer for a located name, as it was decided before."""
    body = after_leading_comments(text)
    if not contains(bare, body, body.lower()):
        return False
    code = code_text(text)
    return code is None or contains(bare, code, code.lower())


def _words(node: object) -> set[bytes]:
    if isinstance(node, bytes):
        return {node}
    found: set[bytes] = set()
    for part in getattr(node, "parts", ()):
        found |= _words(part)
    return found
