"""Several words looked for in one search answer as each looked for alone.

:func:`mlsec_policy.engines.semgrep.any_word.first_present` and
:meth:`mlsec_policy.engines.semgrep.prefilter.LocatedWords.any_of` decide the word parts of a
formula's ``Or`` at once (the diff scan's word test relies on them): checked for every ``Or`` of
the pack's Python rules on every Python file of the pack and of the tests, on texts made to hold
each word alone (in code, in the leading comment block, in other case), and against random
words and texts, with the answer compared to looking for each word by itself.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from mlsec_policy.analyzers import ANALYZERS
from mlsec_policy.engines.semgrep.any_word import batches, first_present
from mlsec_policy.engines.semgrep.marks import CODE, NAME
from mlsec_policy.engines.semgrep.prefilter import formula, located_words
from mlsec_policy.engines.semgrep.regex_words import FOLDED
from mlsec_policy.engines.semgrep.wordformula import Node, Or
from mlsec_policy.policy import SemgrepCheck, load_policy

REPO = Path(__file__).parents[1]


def _ors(node: Node) -> list[tuple[bytes, ...]]:
    """Return the word parts of every ``Or`` of the formula that has two or more."""
    if isinstance(node, bytes):
        return []
    found = [part for sub in node.parts for part in _ors(sub)]
    words = tuple(p for p in node.parts if isinstance(p, bytes))
    return [words, *found] if isinstance(node, Or) and len(words) > 1 else found


def _groups() -> list[tuple[bytes, ...]]:
    policy = load_policy(("builtin",), ANALYZERS)
    groups = {group for c in policy.checks(SemgrepCheck) for group in _ors(formula(c.rule))}
    return sorted(groups)


def _bare(word: bytes) -> bytes:
    return word.removeprefix(CODE).removeprefix(NAME).removeprefix(FOLDED)


def _alone(text: bytes, words: tuple[bytes, ...]) -> bool:
    """Return the answer of each word looked for by itself (a fresh search for each)."""
    return any(located_words(text)(word) for word in words)


def test_the_pack_has_runs_searched_at_once() -> None:
    groups = _groups()
    runs = [batches(frozenset(_bare(w) for w in g if not w.startswith(NAME))) for g in groups]
    assert sum(len(r) for r in runs) >= 2  # the quoted column names, the ML frameworks' names


def test_every_or_of_the_pack_on_every_python_file() -> None:
    groups = _groups()
    files = sorted([*(REPO / "policies").rglob("*.py"), *(REPO / "tests").rglob("*.py")])
    assert len(groups) > 20 and len(files) > 300
    answers = set()
    for seed, path in enumerate(files):
        text = path.read_bytes()
        shared = located_words(text)  # one memo for the file, asked in a shuffled order
        order = list(groups)
        random.Random(seed).shuffle(order)
        for words in order:
            expected = _alone(text, words)
            answers.add(expected)
            assert shared.any_of(words) == expected, (path, words)
            assert located_words(text).any_of(words) == expected, (path, words)
        for key, known in shared.memo.items():  # every fact remembered holds
            asked = key if isinstance(key, tuple) else (key,)
            assert known == _alone(text, asked), (path, key)
    assert answers == {True, False}


@pytest.mark.parametrize("where", ["code", "comment", "upper", "string"])
def test_each_word_alone_in_a_text(where: str) -> None:
    """A text holding just one word of an ``Or`` (or a near miss of every word)."""
    for words in _groups():
        for word in words:
            bare = _bare(word).decode("ascii")
            shown = bare.upper() if where == "upper" else bare
            line = {
                "code": f"x = {shown}\n",
                "comment": f"# {shown}\n",
                "upper": f"x = {shown}\n",
                "string": f"x = 1\ny = '{shown}'\n",
            }[where]
            text = ("# licence header\n" + line + "z = 2\n").encode()
            assert located_words(text).any_of(words) == _alone(text, words), (words, line)
            near = ("import os\nx = " + bare[:-1] + "\n").encode()
            assert located_words(near).any_of(words) == _alone(near, words), (words, near)


def test_first_present_answers_as_each_word_alone() -> None:
    rng = random.Random(31)
    alphabet = b"ab\"'._(\\*[]$|?+"
    for _ in range(20000):
        count = rng.randint(1, 8)
        words = {bytes(rng.choice(alphabet) for _ in range(rng.randint(1, 5))) for _ in "." * count}
        text = bytes(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        found = first_present(tuple(sorted(words)), text)
        assert (found is not None) == any(w in text for w in words), (words, text)
        assert found is None or (found in words and found in text), (words, text, found)
