r"""Byte pre-tests for a call whose first argument could be something other than a literal.

The download-origin and hub-helper analyzers judge a call by what its first argument (or one
keyword) names: a parameter, an imported constant, a configuration read. A call whose first
argument is a plain string literal, or that has none, can never be judged by them; in
transformers most such calls are ``kwargs.get("key", None)`` and the ``from_pretrained("id")``
examples of docstrings, and a file holding only those need not be parsed.

A call is ``NAME``, then what Python allows between a callee and its bracket (white space, a
comment inside brackets, a backslash line join), then ``(``. :func:`call_test` gives a test that
passes a file when one such text is not followed by ``"literal")``/``"literal",``/``)`` (the
text may sit in a string or comment: the test only ever passes too much). The bytes searched are
:func:`~.encoding.searched`'s (identifiers as CPython reads them).

One more spelling makes a call's callee end in a call: ``get("key")(url)``, whose name
(:func:`~mlsec_policy.analyzers.read.pysymbols.last_name` looks through calls) is ``get`` and
whose first argument is ``url``. A file with a closing bracket followed by an opening one
(:data:`CHAINED`) passes whenever it holds a call of a name at all.
"""

from __future__ import annotations

import re
from collections.abc import Callable

GAP = rb"(?:\s|\\|#[^\r\n]*[\r\n])*+"
"""What may stand between a callee and its bracket: white space, backslash joins and comments
(a comment always ends at a line break, so the pattern cannot backtrack into it)."""
LITERAL = rb"""(?:"[^"\\\r\n]*"|'[^'\\\r\n]*')"""
"""A one-line string literal with no escape and no prefix (its value is the text between)."""
CHAINED = re.compile(rb"\)" + GAP + rb"\(")
"""A call whose callee is itself a call (or any bracket after a closing one)."""


def call_test(names: bytes, keyword: bytes | None = None) -> Callable[[bytes], bool]:
    """Return a test of searched bytes for a call of ``names`` that may have a judged argument.

    ``names`` is a regular expression of the callees' last names; ``keyword`` the name of a
    keyword argument the analyzer reads whatever the first argument is (``url``): text
    ``keyword=`` not preceded by a letter, digit or underscore passes the file too.
    """
    called = names + GAP + rb"\("
    open_call = re.compile(called + rb"(?!\s*" + LITERAL + rb"?\s*[,)])")
    any_call = re.compile(called)
    given = None if keyword is None else re.compile(re.escape(keyword) + GAP + rb"=")

    def test(data: bytes) -> bool:
        if open_call.search(data) or (given is not None and _named(given, data)):
            return True
        return bool(CHAINED.search(data)) and bool(any_call.search(data))

    return test


def _named(given: re.Pattern[bytes], data: bytes) -> bool:
    """Tell whether ``given`` matches where it starts a name (not ``base_url=``)."""
    return any(
        m.start() == 0 or not _NAME_BYTE.match(data, m.start() - 1) for m in given.finditer(data)
    )


_NAME_BYTE = re.compile(rb"[0-9A-Za-z_]")
"""A byte that continues an ASCII name (a non-ASCII byte before the keyword passes the file)."""
