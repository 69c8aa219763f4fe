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
from collections.abc import Iterator
from functools import lru_cache

from mlsec_policy.pyparse import expression_tree

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
    for piece in _pieces(text):
        if piece is None:
            return None
        kept.append(piece)
    return b"".join(kept)


_UNSURE = None
"""What :func:`_pieces` yields, last, when the text cannot be lexed with certainty."""


def _pieces(text: bytes) -> Iterator[bytes | None]:
    """Yield the pieces of :func:`code_text` in order; yield None and stop when unsure.

    Joined, the pieces are the code text. Two pieces of code never touch: a comment or a plain
    string between them is a space, and an f-string kept whole starts and ends with a quote.
    """
    position = 0
    for lexeme in _LEXEME.finditer(text):
        if lexeme.start() != position:
            yield _UNSURE  # a quote that starts no complete string
            return
        kind = lexeme.lastgroup
        if kind == "other":
            yield lexeme.group()
        elif kind == "string":
            if text.startswith((b"'''", b'"""'), position) and len(lexeme.group()) < 6:
                yield _UNSURE  # an unterminated triple-quoted string
                return
            prefix = _prefix(text, position)
            if prefix is not None and b"f" in prefix:
                if not _whole_fstring(prefix + lexeme.group()):
                    yield _UNSURE
                    return
                yield lexeme.group()
            else:
                yield b" "
        else:
            yield b" "
        position = lexeme.end()
    if position != len(text):
        yield _UNSURE


class CodeSearch:
    """Whether names occur in a file's code, lexing the file only as far as the words ask.

    :meth:`has` answers as ``code_text(text) is None or name in code_text(text)`` does, but
    stops lexing at the first piece of code that holds the name (most names a rule needs
    occur in code near the top, in an import), and the pieces lexed so far serve the next
    name. Only names of word characters are asked (they cannot straddle two pieces).
    """

    def __init__(self, text: bytes) -> None:
        """Prepare to search ``text``; nothing is lexed yet."""
        self._rest = _pieces(text)
        self._seen: list[bytes] = []
        self._lowered: list[bytes] = []
        self._unsure = False

    def has(self, name: bytes, folded: bool = False) -> bool:
        """Return True when ``name`` (lower-cased when ``folded``) occurs in code, or unsure."""
        if not is_name(name):
            raise ValueError(f"not a name of word characters: {name!r}")
        if any(name in piece for piece in self._folded(folded)):
            return True
        while not self._unsure:
            piece = next(self._rest, b"")
            if piece is None:
                self._unsure = True
                break
            if not piece:  # every piece lexed
                return False
            self._seen.append(piece)
            if folded:
                self._lowered.append(piece.lower())
            if name in (self._lowered[-1] if folded else piece):
                return True
        return True

    def _folded(self, folded: bool) -> list[bytes]:
        """Return the pieces lexed so far (lower-cased when ``folded``)."""
        if not folded:
            return self._seen
        if len(self._lowered) < len(self._seen):
            self._lowered = [piece.lower() for piece in self._seen]
        return self._lowered


_NAME = re.compile(rb"[0-9A-Za-z_]+")


def is_name(word: bytes) -> bool:
    """Return True when :meth:`CodeSearch.has` can look for ``word`` (word characters only)."""
    return _NAME.fullmatch(word) is not None


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
            tree = expression_tree(source)
    except (SyntaxError, ValueError, UnicodeDecodeError, RecursionError, MemoryError):
        return False
    return isinstance(tree.body, ast.JoinedStr | ast.Constant)


_LEADING_COMMENTS = re.compile(rb"\A(?:[ \t\f]*(?:#[^\r\n]*)?(?:\r\n|\r|\n))*")
"""The lines at the start of a file that are blank or hold only a comment."""


def after_leading_comments(text: bytes) -> bytes:
    """Return ``text`` after its leading comment block, where words of code are looked for.

    The block is the lines at the very start of the text that are blank or hold only a comment.
    """
    start = _LEADING_COMMENTS.match(text)
    return text[start.end() if start else 0 :]
