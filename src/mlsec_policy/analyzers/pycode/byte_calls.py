r"""Calls read from a Python file's bytes, before (or instead of) parsing it.

The byte pre-tests of the analyzers that judge a call by its first argument
(:mod:`.fetch_origins`, :mod:`.hub_helpers`) find calls as text: the callee's name, its
bracket, what the argument starts with, where the call closes. These are the pieces they
share. Text in strings and comments is read as code too: a pre-test built on them passes more
files, never fewer.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from mlsec_policy.analyzers.pycode.call_words import GAP

NAME_BYTE = rb"0-9A-Za-z_\x80-\xff"
IDENT = rb"[A-Za-z_\x80-\xff][" + NAME_BYTE + rb"]*"
CALLED = re.compile(GAP + rb"\(" + GAP)
"""A call of what ends just before: the result of a call called in turn (``get(key)(url)``)."""
END = GAP + rb"[,)]"
TEXT = re.compile(
    rb"""[rRbBuUfF]{0,2}(?:"[^"\\\r\n]*(?:\\.[^"\\\r\n]*)*"|'[^'\\\r\n]*(?:\\.[^'\\\r\n]*)*')"""
    + END
)  # fmt: skip
"""A one-line string literal that is the whole argument: a constant, never a name."""
NONE = re.compile(rb"\)|\*|" + IDENT + GAP + rb"=(?!=)")
"""No positional argument to judge: none at all, ``*args``/``**kwargs``, or a keyword first."""
TOKEN = re.compile(
    rb"(?P<text>[" + NAME_BYTE + rb"""]*(?:\"\"\"(?:[^"\\]|\\.|"(?!""))*+\"\"\""""
    rb"""|'''(?:[^'\\]|\\.|'(?!''))*+'''|"(?:[^"\\\r\n]|\\.)*+"|'(?:[^'\\\r\n]|\\.)*+'))"""
    rb"|(?P<open>[(\[{])|(?P<close>[)\]}])|#[^\r\n]*+"
    rb"""|[^()\[\]{}"'#""" + NAME_BYTE + rb"]++|[" + NAME_BYTE + rb"]++(?![\"'])",
    re.DOTALL,
)
"""One token of the text inside brackets: a string (with the name bytes before its quote), a
bracket, a comment, a run of other bytes or of name bytes."""
MAX_TOKENS = 20_000
"""Tokens :func:`closing` reads before it gives up (and the file is parsed)."""


def inside_name(data: bytes, start: int, also: bytes = b"") -> bool:
    """Tell whether the match at ``start`` continues a name (or follows a byte of ``also``)."""
    if start == 0:
        return False
    before = data[start - 1 : start]
    return before.isalnum() or before in (b"_", also) or before[0] >= 0x80


def closing(data: bytes, at: int) -> int | None:
    """Return where the bracket opened just before ``at`` closes (just after it), or None.

    None when the text ends first, a token cannot be read, an f-string is met (a quote inside
    one may be the string's own, Python 3.12) or :data:`MAX_TOKENS` are read.
    """
    depth = 1
    for _ in range(MAX_TOKENS):
        token = TOKEN.match(data, at)
        if token is None:
            return None
        at = token.end()
        kind = token.lastgroup
        if kind == "text":
            if b"f" in token.group().lower().split(b'"')[0].split(b"'")[0]:
                return None
        elif kind == "open":
            depth += 1
        elif kind == "close":
            depth -= 1
            if depth == 0:
                return at
    return None


def first_arguments(data: bytes, callee: re.Pattern[bytes]) -> Iterator[int | None]:
    """Yield where the first argument of each call ``callee`` finds starts.

    ``callee`` matches a callee's name up to its bracket and what follows it (a match right
    after a name byte is part of a longer name, and left out). A call of the call's result is
    followed too: ``get(key)(url)`` yields where ``key`` and ``url`` start, the callee of both
    having the last name ``get``. None comes after a call whose closing bracket cannot be found
    (:func:`closing`): what follows it is unknown.
    """
    for found in callee.finditer(data):
        if inside_name(data, found.start()):
            continue
        at = found.end()
        while True:
            yield at
            end = closing(data, at)
            if end is None:
                yield None
                break
            called = CALLED.match(data, end)
            if called is None:
                break
            at = called.end()
