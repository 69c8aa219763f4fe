"""A Python file's text as CPython reads it, for the code analyzers' parse and byte pre-tests.

CPython decodes a source file per its byte-order mark or coding cookie (PEP 263: ``utf-8`` when
there is none, ``latin-1``, ``cp1252``, even ``utf-7``, where ``+AGUAdgBhAGw-`` spells ``eval``)
and reads each identifier normalised to NFKC (PEP 3131: ``ｅｖａｌ`` and ``evªl`` are ``eval``).
It refuses a UTF-16 or UTF-32 file and a file holding a NUL byte; semgrep reports those as
syntax errors, and so do the code analyzers when such a file could hold a call they judge.

The pre-tests search bytes for ASCII words (``eval(``, ``execute``). The file's own bytes are
searched when they spell every identifier as CPython reads it (ASCII, or UTF-8 already in NFKC,
with no NUL); otherwise :func:`searched` gives the text decoded and normalised, re-encoded as
UTF-8, so that no word the parse would see is missed.
"""

from __future__ import annotations

import codecs
import io
import re
import tokenize
import unicodedata

from mlsec_policy.analyzers.base import FileContext
from mlsec_policy.models import ArtifactKind

UTF8 = frozenset({"utf-8", "utf-8-sig"})
"""The names :func:`tokenize.detect_encoding` gives UTF-8 (with and without a byte-order mark)."""
WIDE = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
"""Byte-order marks of encodings CPython does not read source in (UTF-32 first: its mark
begins with UTF-16's)."""


def declared(raw: bytes) -> str | None:
    """Return the encoding CPython decodes the file's source in, None when it refuses it.

    That is the coding cookie's (``iso-8859-1`` for ``latin-1``), ``utf-8-sig`` after a UTF-8
    byte-order mark, ``utf-8`` by default. A UTF-16/32 mark, an unknown or contradicted
    cookie, or first lines that are not UTF-8 without a cookie: None.
    """
    if any(raw.startswith(mark) for mark, _ in WIDE):
        return None
    try:
        return tokenize.detect_encoding(io.BytesIO(raw).readline)[0]
    except SyntaxError:
        return None


def decoded(raw: bytes) -> str | None:
    """Return the source decoded in its declared encoding when that is not UTF-8, else None.

    Undecodable bytes are replaced (as :meth:`FileContext.read_text` does for UTF-8); None
    means that the UTF-8 reading of the file is the text to parse.
    """
    encoding = declared(raw)
    if encoding is None or encoding in UTF8:
        return None
    return raw.decode(encoding, errors="replace")


def as_cpython_reads(raw: bytes) -> str | None:
    """Return the text CPython parses for the bytes ``raw``, None when it refuses to decode them.

    The bytes decoded strictly in their declared encoding (:func:`declared`), the UTF-8
    byte-order mark dropped; None for an encoding CPython refuses or an undecodable byte.
    """
    encoding = declared(raw)
    if encoding is None:
        return None
    try:
        return raw.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def source_text(context: FileContext) -> str:
    """Return the text of a Python file to parse: decoded per its cookie, else as UTF-8."""
    text = decoded(context.read_bytes())
    return context.read_text() if text is None else text


def searched(context: FileContext) -> bytes:
    """Return the bytes a pre-test searches: every identifier of the file spelled as parsed.

    Computed once per file for the analyzers that share it (see :func:`searched_in`; a
    notebook's JSON string escapes are read first, see :func:`unescaped`).
    """

    def build() -> bytes:
        raw = context.read_bytes()
        if context.artifact.kind is ArtifactKind.NOTEBOOK and b"\\" in raw:
            raw = raw + b"\n" + unescaped(raw)
        return searched_in(raw)

    return context.remember("python-searched-bytes", build)


def unescaped(raw: bytes) -> bytes:
    r"""Return a notebook's JSON with its string escapes read and its source lines joined.

    In the JSON, a tab before a bracket is ``\t``, any letter may be ``\u0065``, and a
    call may run on across two lines of a cell's ``source`` list (``"x = (eval\n", "(c))"``);
    the result holds each cell's code as the parse reads it (and some junk between cells).
    """
    text = _LINE_JOIN.sub(b"", raw).replace(b"\\\\", b"\x00")  # NUL: never raw in JSON text
    for escape, character in _SIMPLE:
        text = text.replace(escape, character)
    if b"\\u" in text:
        text = _UNICODE.sub(lambda m: chr(int(m.group(1), 16)).encode(errors="replace"), text)
    return text.replace(b"\x00", b"\\")


_UNICODE = re.compile(rb"\\u([0-9a-fA-F]{4})")
_LINE_JOIN = re.compile(rb'"\s*,\s*"')
_SIMPLE = tuple(
    (b"\\" + bytes([c]), bytes([v])) for c, v in zip(b'bfnrt"/', b'\b\f\n\r\t"/', strict=True)
)
"""JSON's one-letter escapes and what they stand for."""
_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


def _normalised(text: str) -> str:
    """Return ``text`` with each run of non-ASCII characters in NFKC (as an identifier's are).

    Run by run, not the whole text: the ASCII letters it gives are the same (a character
    maps to ASCII on its own: ``ª`` is ``a``), at a fraction of the cost on a large notebook.
    """
    return _NON_ASCII.sub(lambda m: unicodedata.normalize("NFKC", m.group()), text)


def searched_in(raw: bytes) -> bytes:
    """Return ``raw`` when it spells the file's identifiers as CPython reads them, else more.

    More is ``raw`` followed by the text: the file decoded (per its mark or cookie; UTF-16/32
    per its mark, UTF-8 when CPython would refuse the encoding) and normalised to NFKC, as
    UTF-8. A file with NUL bytes (UTF-16 with no mark) is searched with the NULs taken out too.
    """
    if b"\x00" in raw and not any(raw.startswith(mark) for mark, _ in WIDE):
        return raw + b"\n" + searched_in(raw.replace(b"\x00", b""))
    wide = next((name for mark, name in WIDE if raw.startswith(mark)), None)
    encoding = wide or declared(raw) or "utf-8"
    if encoding in UTF8 and raw.isascii():
        return raw
    text = raw.decode(encoding, errors="replace")
    if encoding in UTF8 and unicodedata.is_normalized("NFKC", text):
        return raw
    # the bytes as well: a string's text is not normalised (``"SELECT\u0301"`` holds SELECT)
    return raw + b"\n" + _normalised(text).encode("utf-8", errors="replace")
