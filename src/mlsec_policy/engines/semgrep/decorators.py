r"""Names a pattern binds only in a decorator: where in a file they can lie.

A pattern such as ``@$APP.$METHOD(...)`` over a function binds ``$METHOD`` to a name of a
decorator, and a ``metavariable-regex`` that spells whole names (``^(get|post|route)$``,
:func:`~.regex_words.regex_names`) then says which names the decorator must hold. Those names
are everywhere in code (``d.get(k)``) but rarely in a decorator. The text semgrep matches the
regex against is the name as the decorator writes it, or the name an import resolves it to
(``from api import get as g`` and ``@g("/")``), which the import statement spells. So such a
name is marked :data:`~.marks.DECORATED` and holds in a file when its code
(:func:`.code_text.code_text`, without comments and plain strings) holds it as a whole name
inside a decorator or an import statement (:func:`decorations`).

A metavariable counts as bound only in decorators (:func:`decorator_only`) when every line of a
positive pattern that names it is a decorator line: it begins with ``@`` and its brackets close
on it. A decorator or import statement of the file runs from its keyword (``@`` at the start of
a line, ``from`` or ``import`` anywhere) to the end of its logical line: while brackets are
open, or a line ends with a backslash, the next line belongs to it. With strings and comments
gone, brackets count true; a quote left in the code (an f-string) makes the file's whole code
the answer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from mlsec_policy.engines.semgrep.code_text import after_leading_comments, code_text

BOUND = re.compile(r"\$(?:\.\.\.)?([A-Z_][A-Z0-9_]*)")
"""A metavariable a pattern binds (its text, quotes included, is a piece of the file); one
inside a string of the pattern (``"$X"``) binds the string's content, so callers take the
pattern's strings out first."""
_IMPORT = re.compile(rb"(?:from|import)(?![A-Za-z0-9_])")
"""An import keyword; one preceded by a name byte or a dot is part of a longer name."""
_BOM = b"\xef\xbb\xbf"
_BLANK = b" \t\f"
_OPENING = b"([{"
_CLOSING = b")]}"


def decorator_only(texts: Iterable[str]) -> set[str]:
    """Return the metavariables that the pattern ``texts`` name only on decorator lines.

    A metavariable none of them names is not returned.
    """
    inside: set[str] = set()
    outside: set[str] = set()
    for text in texts:
        for line in text.splitlines():
            names = {found.group(1) for found in BOUND.finditer(line)}
            stripped = line.strip()
            closed = _depth(stripped.encode()) == 0 and not stripped.endswith("\\")
            (inside if stripped.startswith("@") and closed else outside).update(names)
    return inside - outside


def decorated(name: bytes, text: bytes) -> bool:
    """Tell whether ``name`` is a whole name of a decorator or import statement of ``text``.

    When the code cannot be lexed with certainty, a whole name anywhere after the leading
    comment block (where code begins).
    """
    return holds_name(name, searched(text, code_text(text)))


def searched(text: bytes, code: bytes | None) -> bytes:
    """Return where :func:`decorated` looks in ``text``, whose code is ``code`` (None: unsure)."""
    return after_leading_comments(text) if code is None else decorations(code)


def holds_name(name: bytes, where: bytes) -> bool:
    """Tell whether ``name`` is a whole name in ``where``."""
    return _whole(name).search(where) is not None


@lru_cache(maxsize=256)
def _whole(name: bytes) -> re.Pattern[bytes]:
    return re.compile(rb"(?<![A-Za-z0-9_])" + re.escape(name) + rb"(?![A-Za-z0-9_])")


@lru_cache(maxsize=4)
def decorations(code: bytes) -> bytes:
    """Return the decorator and import statements of ``code``, one after another.

    ``code`` is a file's code without comments and plain strings. When a quote is left in a
    statement (an f-string), its brackets cannot be trusted and the whole code is returned.
    """
    if b"\r" in code:
        code = code.replace(b"\r\n", b"\n").replace(b"\r", b"\n")
    pieces: list[bytes] = []
    end = 0
    for start in _starts(code):
        if start < end:
            continue  # a line of the statement before
        end = _logical_end(code, start)
        piece = code[start:end]
        if b'"' in piece or b"'" in piece:
            return code
        pieces.append(piece)
    return b"\n".join(pieces)


def _starts(code: bytes) -> list[int]:
    """Return where decorators and import statements begin, in order.

    A decorator's ``@`` stands at the start of a line (a byte-order mark may open the file); an
    import keyword anywhere (``if x: import y``, ``a = 1; from b import c``; ``yield from``
    counts too, which only adds text).
    """
    found = {
        hit.start()
        for hit in _IMPORT.finditer(code)
        if not hit.start() or code[hit.start() - 1] not in _NAME_OR_DOT
    }
    at = code.find(b"@")
    while at >= 0:
        line = code.rfind(b"\n", 0, at) + 1
        before = code[line:at].strip(_BLANK)
        if not before or (not line and before == _BOM):
            found.add(at)
        at = code.find(b"@", at + 1)
    return sorted(found)


_NAME_OR_DOT = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.")


def _logical_end(code: bytes, start: int) -> int:
    """Return where the logical line that begins at ``start`` ends."""
    depth = 0
    at = start
    while True:
        newline = code.find(b"\n", at)
        stop = len(code) if newline < 0 else newline
        line = code[at:stop]
        depth += _depth(line)
        if newline < 0 or (depth <= 0 and not line.rstrip().endswith(b"\\")):
            return stop
        at = newline + 1


def _depth(line: bytes) -> int:
    """Return the brackets a line opens minus those it closes."""
    return sum(line.count(bytes([c])) for c in _OPENING) - sum(
        line.count(bytes([c])) for c in _CLOSING
    )
