r"""The code of a Python file without its comments and plain string literals, for word searches.

An identifier a rule's pattern names is matched in a token of code: never in a comment and
never in a string literal, except inside an f-string, whose replacement fields are code. This
module lexes a file's bytes the way Python's lexical grammar (and semgrep's Python parsers)
split it into comments, string literals and the rest, and returns the rest with the f-strings
kept whole, so a word that occurs only in docstrings, URLs or comments can be told apart from
one that occurs in code. It runs nothing and imports nothing of the file.

When the text cannot be lexed with certainty it returns None and the caller searches the whole
text instead: a quote that starts no complete string (an unterminated literal, a string split
over lines by a backslash and ``\r\n``), or an f-string that is not a whole f-string in Python
3.11's grammar — which is what Python 3.12's nested quotes (``f"{d["k"]}"``) look like when
lexed the older way: the piece up to the inner quote has an unclosed replacement field, so it
fails to parse, and the file is searched whole rather than losing the code after that quote.
"""

from __future__ import annotations

import ast
import re
import warnings
from functools import lru_cache

_LEXEME = re.compile(
    rb"""
    (?P<comment>\#[^\r\n]*)
    | (?P<string>
        '''[^'\\]*(?:(?:\\.|'(?!''))[^'\\]*)*'''
      | \"\"\"[^"\\]*(?:(?:\\.|"(?!""))[^"\\]*)*\"\"\"
      | '[^'\\\r\n]*(?:\\.[^'\\\r\n]*)*'
      | "[^"\\\r\n]*(?:\\.[^"\\\r\n]*)*"
      )
    | (?P<other>[^#'"]+)
    """,
    re.VERBOSE | re.DOTALL,
)
"""One lexeme: a comment, a string literal's quoted part, or a run of anything else (the
literals' bodies written as unrolled loops, ``[^q\\]*(?:\\.[^q\\]*)*``: one step per run of
plain characters, not one per character, on long docstrings)."""
_PREFIXES = frozenset({b"r", b"u", b"b", b"br", b"rb", b"f", b"fr", b"rf"})
"""String prefixes (compared lower-cased); a longer word before a quote is a name."""
_WORD_BYTE = re.compile(rb"[0-9A-Za-z_\x80-\xff]*\Z")


def code_text(text: bytes) -> bytes | None:
    """Return ``text`` without comments and strings other than f-strings, or None (unsure)."""
    return _code_text(text)


@lru_cache(maxsize=4)
def _code_text(text: bytes) -> bytes | None:
    kept: list[bytes] = []
    position = 0
    for lexeme in _LEXEME.finditer(text):
        if lexeme.start() != position:
            return None  # a quote that starts no complete string
        kind = lexeme.lastgroup
        if kind == "other":
            kept.append(lexeme.group())
        elif kind == "string":
            if text.startswith((b"'''", b'"""'), position) and len(lexeme.group()) < 6:
                return None  # an unterminated triple-quoted string
            prefix = _prefix(text, position)
            if prefix is None:
                kept.append(b" ")
            elif b"f" in prefix:
                if not _whole_fstring(prefix + lexeme.group()):
                    return None
                kept.append(lexeme.group())
            else:
                kept.append(b" ")
        else:
            kept.append(b" ")
        position = lexeme.end()
    return b"".join(kept) if position == len(text) else None


def _prefix(text: bytes, quote: int) -> bytes | None:
    """Return the string prefix before the quote at ``quote`` (lower-cased), or None."""
    run = _WORD_BYTE.search(text, max(0, quote - 3), quote)
    if run is None:
        return None
    word = run.group().lower()
    whole = run.start() == 0 or not _WORD_BYTE.fullmatch(text[run.start() - 1 : run.start()])
    if not word:
        return b""
    return word if whole and word in _PREFIXES else None


def _whole_fstring(literal: bytes) -> bool:
    """Return True when ``literal`` parses as one complete f-string expression."""
    try:
        source = literal.decode("utf-8")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            tree = ast.parse(source, mode="eval")
    except (SyntaxError, ValueError, UnicodeDecodeError, RecursionError, MemoryError):
        return False
    return isinstance(tree.body, ast.JoinedStr | ast.Constant)
