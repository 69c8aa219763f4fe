r"""How the strings a pattern matches must begin: words read from a pattern's string regexes.

A semgrep pattern may hold a string whose value is a regex, ``$FETCH("=~/^(?:http|ftp):\/\//")``:
it matches only a string expression whose value (after constant propagation) the regex
matches. When the regex is anchored at its start and begins with literal text
(:func:`~.regex_words.regex_prefixes`), every match needs a string of the file whose value
begins with one of those texts, and that needs a literal of the file shaped as
:mod:`mlsec_policy.pyliterals` says: one that spells the text (plain or escaped characters,
implicit concatenation) or a piece of it that a concatenation may continue.

Such a condition is a word marked :data:`~.marks.LITERAL`: ``LITERAL + b"http://"`` holds in a
file when :func:`mlsec_policy.pyliterals.may_begin` finds it there. On transformers the download
rule's fetch names (``get``, ``request``, …) are in nearly every file and its words let 2,252 of
2,883 files through; a literal that may begin ``http://`` or ``ftp://`` is in 175 of them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from mlsec_policy.engines.semgrep.marks import LITERAL
from mlsec_policy.engines.semgrep.regex_words import regex_prefixes

_STRING = re.compile(r"""(?<![\w"'])(["'])=~/((?:\\.|(?!\1)[^\\])*)/\1""", re.DOTALL)
"""A string of a pattern holding a regex: ``"=~/REGEX/"`` (group 2 the regex). A quote must not
end a name or another string (a prefixed string, ``f"=~/.../"``, is not a regex string)."""


def pattern_starts(pattern: str) -> Iterator[frozenset[bytes]]:
    """Yield a clause (marked words, one of which holds) per string regex of ``pattern``.

    Each comes from a ``"=~/REGEX/"`` string whose regex gives literal beginnings; a pattern
    with none yields nothing.
    """
    for found in _STRING.finditer(pattern):
        texts = regex_prefixes(found.group(2))
        if texts:
            yield frozenset(LITERAL + text for text in texts)
