r"""Byte pre-test: whether a download may take its URL from where the origin analysis looks.

:mod:`.downloads` judges a fetch call's URL argument by where it is written: a parameter
default, a constant another module exports (``from settings import URL``, ``settings.URL``),
or a key of a configuration file (``cfg["url"]``, ``cfg.get("url")``). Parsing is its cost: on
transformers some 620 files hold a fetch call whose first argument is not a plain literal
(``kwargs.get(key)`` everywhere), and none of them can be judged. :func:`may_judge` tells from
the searched bytes (:func:`~.encoding.searched`) whether one can, reading no other file, so a
file it passes over records no read the analysis itself would not have recorded.

A file passes when any of these may hold:

- it spells a ``str`` literal whose value may begin ``http://`` or ``ftp://``
  (:data:`URL_LITERAL`: each character plain or any escape, the pieces of an implicit
  concatenation, line joins): a parameter default can only be such a literal;
- a fetch call's first argument, or a ``url=`` keyword's value, is neither a name chain nor a
  one-line string (:data:`SIMPLE`, :data:`TEXT`) nor absent (:data:`NONE`): it may be a
  configuration read or anything else the analysis would look up;
- the first name of such a chain is a word of an ``import`` statement of the file (every word
  after an ``import`` keyword up to the statement's end: the names it binds are among them);
- a fetch call cannot be followed to its closing bracket (:func:`.byte_calls.first_arguments`), so a
  call of its result (``get(key)(url)``, whose callee's last name is the fetch name) cannot be
  ruled out.

Otherwise every judged argument is a literal, or a name or ``name.attr`` that no import binds
and no parameter default can give a URL: the analysis would find nothing and read nothing
else. Calls are found as text (in strings and comments too): more passes, never fewer.
"""

from __future__ import annotations

import re

from mlsec_policy.analyzers.pycode.byte_calls import (
    END,
    IDENT,
    NAME_BYTE,
    NONE,
    TEXT,
    first_arguments,
    inside_name,
)
from mlsec_policy.analyzers.pycode.call_words import GAP
from mlsec_policy.pyliterals import QUOTE, spelled

URL_LITERAL = re.compile(QUOTE + b"(?:" + spelled(b"http://") + b"|" + spelled(b"ftp://") + b")")
"""A string literal whose value may begin with ``http://`` or ``ftp://``."""
FETCH_NAMES = (
    rb"(?:get|post|request|stream|fetch|urlopen|urlretrieve|Request|download[" + NAME_BYTE
    + rb"]*|get_file|read_csv|read_json|read_parquet|read_table|load_state_dict_from_url"
    rb"|load_url|load_dataset|genfromtxt|loadtxt)"
)  # fmt: skip
"""The names of :data:`.downloads.FETCH`, as bytes and unanchored (a longer name passes too)."""
FETCH_CALL = re.compile(FETCH_NAMES + GAP + rb"\(" + GAP)
"""A callee whose last name may be one of :data:`.downloads.FETCH`, up to its first argument
(a match preceded by a name byte is part of a longer name, and left out)."""
URL_KEYWORD = re.compile(rb"url" + GAP + rb"=(?!=)" + GAP)
"""``url=`` up to its value (a match preceded by a name byte is part of a longer name)."""
SIMPLE = re.compile(rb"(" + IDENT + rb")(?:" + GAP + rb"\." + GAP + IDENT + rb")*+" + END)
"""A name or attribute chain that is the whole argument; group 1 its first name."""
IMPORT = re.compile(
    rb"import(?![" + NAME_BYTE + rb"])(?:[ \t\f]|\\\r?\n|\\\r)*+"
    rb"(?:\((?:[^)#]|#[^\r\n]*)*+\)|(?:[^\r\n;#\\]|\\\r?\n|\\\r|\\)*+)"
)
"""An ``import`` keyword and what follows it to the end of the statement (a bracketed list,
comments inside, or the rest of the logical line): every name the statement binds is a word
of the match."""
_WORD = re.compile(IDENT)


def may_judge(data: bytes) -> bool:
    """Tell whether the searched bytes ``data`` may hold a fetch call whose URL is judged.

    False only when the origin analysis of the file would find nothing and record no read.
    """
    if URL_LITERAL.search(data):
        return True
    bases: set[bytes] = set()
    for at in first_arguments(data, FETCH_CALL):
        if at is None or not _judged(data, at, bases):
            return True
    for found in URL_KEYWORD.finditer(data):
        if _keyword(data, found.start()) and not _judged(data, found.end(), bases):
            return True
    if not bases:
        return False
    imported = {
        word
        for found in IMPORT.finditer(data)
        if not inside_name(data, found.start(), b".")
        for word in _WORD.findall(found.group())
    }
    return not bases.isdisjoint(imported)


def _judged(data: bytes, at: int, bases: set[bytes]) -> bool:
    """Tell whether the argument at ``at`` is known harmless, adding a chain's first name."""
    simple = SIMPLE.match(data, at)
    if simple is not None:
        bases.add(simple.group(1))
        return True
    return TEXT.match(data, at) is not None or NONE.match(data, at) is not None


def _keyword(data: bytes, start: int) -> bool:
    """Tell whether ``url=`` at ``start`` may be a keyword argument (not ``x.url = ...``).

    A keyword follows ``(`` or ``,`` with only white space, comments and line joins between;
    when a comment or a line join may stand between, it may be one.
    """
    if inside_name(data, start):
        return False
    end = start
    while end and data[end - 1] in b" \t\f\r\n":
        end -= 1
    if not end or data[end - 1 : end] in (b"(", b",", b"\\"):
        return True
    line = max(data.rfind(b"\n", 0, end), data.rfind(b"\r", 0, end)) + 1
    return b"#" in data[line:end]
