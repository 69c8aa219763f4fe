"""Reading text files as their own tools read them: byte-order marks, JSON sequences, templates.

Files that are valid for the tools that use them are not always what their names promise to a
strict parser: editors on Windows start UTF-8 files with a byte-order mark; a ``.json`` file is
often JSON Lines (one record per line) or several JSON documents one after another; a ``.yaml``,
``Dockerfile`` or ``.py`` file may be a Go, Helm, Jinja or cookiecutter template that only becomes
YAML, a Dockerfile or Python once rendered. These functions tell such files apart by content,
without executing or rendering anything.
"""

from __future__ import annotations

import json
import re
from enum import StrEnum
from typing import Any

BOM = "\ufeff"
"""The byte-order mark, as decoded text."""


def decode(data: bytes) -> str:
    """Return ``data`` decoded as UTF-8 (undecodable bytes replaced), without a byte-order mark."""
    return data.decode("utf-8", errors="replace").removeprefix(BOM)


class JsonShape(StrEnum):
    """How the JSON text of a file is laid out."""

    DOCUMENT = "document"
    """One JSON value (the kind a configuration file holds)."""
    LINES = "lines"
    """JSON Lines: one value per line."""
    SEQUENCE = "sequence"
    """Several values one after another, at least one of them spanning lines."""
    EMPTY = "empty"
    """Nothing but whitespace."""
    INVALID = "invalid"
    """Not JSON, nor a sequence of JSON values."""


_WHITESPACE = re.compile(r"[ \t\r\n]*")
_INT_DIGITS = 4000
"""Longest integer text converted exactly; Python refuses more than 4,300 digits (ValueError)."""


def json_int(text: str) -> int | float:
    """Read a JSON integer; one too long for Python's conversion becomes a float (infinity).

    Pass as ``parse_int`` to every decoder of target JSON: an integer of thousands of digits
    is valid JSON, and without this the decoder raises a ValueError that is not a
    JSONDecodeError.
    """
    return int(text) if len(text) <= _INT_DIGITS else float(text)


def load_json(text: str | bytes, **options: Any) -> Any:
    """Decode JSON read from a scanned target: ``json.loads`` with :func:`json_int`.

    Every reader of target JSON goes through here (``tests/test_json_readers.py`` keeps it so),
    so a valid file with an integer longer than Python converts is read as the valid file it
    is, not mistaken for broken JSON or crashing its reader. ``options`` go to ``json.loads``
    (``object_pairs_hook`` and the like).
    """
    return json.loads(text, parse_int=json_int, **options)


def json_shape(text: str, *, complete: bool) -> JsonShape | None:
    """Return the layout of JSON ``text``; None when a prefix (``complete=False``) cannot tell.

    A second value after the first one decides for a sequence as soon as it starts, so a prefix
    is usually enough; a prefix whose first value does not end within it is not.
    """
    text = text.removeprefix(BOM)
    decoder = json.JSONDecoder(parse_int=json_int)
    position = _WHITESPACE.match(text).end()  # type: ignore[union-attr]
    if position == len(text):
        return JsonShape.EMPTY if complete else None
    try:
        _first, end = decoder.raw_decode(text, position)
    except json.JSONDecodeError:
        return JsonShape.INVALID if complete else None
    except RecursionError:
        # nested deeper than Python's decoder goes: one value as far as anyone can tell, left
        # to the readers of the file's kind, which report the depth
        return JsonShape.DOCUMENT
    first_spans_lines = "\n" in text[position:end]
    following = _WHITESPACE.match(text, end).end()  # type: ignore[union-attr]
    if following == len(text):
        return JsonShape.DOCUMENT if complete else None
    if text[following] not in '{["-0123456789tfn':
        return JsonShape.INVALID if complete else None
    if not complete:
        # the second value may be cut off by the prefix: a value must start here, that is all
        return JsonShape.SEQUENCE if first_spans_lines else JsonShape.LINES
    while following < len(text):
        try:
            _value, end = decoder.raw_decode(text, following)
        except (json.JSONDecodeError, RecursionError):
            return JsonShape.INVALID
        first_spans_lines = first_spans_lines or "\n" in text[following:end]
        following = _WHITESPACE.match(text, end).end()  # type: ignore[union-attr]
    return JsonShape.SEQUENCE if first_spans_lines else JsonShape.LINES


_EXPRESSION = re.compile(r"(?<![$\\])\{\{(?!\{)[^\n{}]*(?:\{[^\n{}]*\}[^\n{}]*)*\}\}")
"""A Go/Helm/Jinja/cookiecutter expression on one line: ``{{ .Values.x }}``, ``{{.Name}}``,
``{{ var | default('a') }}``. GitHub's ``${{ }}`` is not one (it is plain text to YAML)."""
_STATEMENT = re.compile(r"\{%-?\s*[A-Za-z_]\w*[^\n]*?-?%\}")
"""A Jinja statement: ``{% if x %}``, ``{%- for a in b -%}``."""


def looks_templated(text: str) -> bool:
    """Return True when ``text`` holds template actions (Go, Helm, Jinja, cookiecutter).

    Each pattern is searched only when the text holds its opening braces: the expression's
    leading look-behind keeps the regular-expression engine from skipping to ``{{`` itself, and
    a substring test is some thirty times faster on a text without them (most Python files).
    """
    if "{%" in text and _STATEMENT.search(text) is not None:
        return True
    return "{{" in text and _EXPRESSION.search(text) is not None


def template_lines(text: str) -> frozenset[int]:
    """Return the 1-based lines holding a template action."""
    lines: set[int] = set()
    for pattern in (_STATEMENT, _EXPRESSION):
        for match in pattern.finditer(text):
            lines.add(text.count("\n", 0, match.start()) + 1)
    return frozenset(lines)


def templated_path(path: str) -> bool:
    """Return True for a file inside a project template (``{{cookiecutter.name}}/app.py``)."""
    return any("{{" in part and "}}" in part for part in path.split("/")[:-1])
