"""How sure a personal-data match is: the confidence scale and the context it is read from.

A value that has the shape of personal data is not always personal data. What surrounds it
decides: a column or key named for it, a keyword next to it (``card``, ``tel``), or signs that
it is something else — an example in documentation, an answer to a sum, an identifier in a
path. The recognisers of :mod:`.pii_email` and :mod:`.pii_numbers` read that context through
the helpers here and grade each match.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import IntEnum


class Confidence(IntEnum):
    """How sure a recogniser is that a match is real personal data; ordered."""

    LOW = 1
    """Shaped like personal data, but the context says placeholder, role account or example."""
    MEDIUM = 2
    """Shaped like personal data with nothing against it."""
    HIGH = 3
    """Shaped like personal data and the context confirms it (a named column, a keyword)."""

    @property
    def label(self) -> str:
        """Return the lower-case name used in policy files and messages."""
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Confidence:
        """Return the confidence named ``text`` (case-insensitive); raise ValueError otherwise."""
        try:
            return cls[text.strip().upper()]
        except KeyError:
            raise ValueError(f"unknown confidence {text!r} (low, medium or high)") from None

    def lowered(self) -> Confidence:
        """Return the next lower confidence (LOW stays LOW)."""
        return Confidence(max(self.value - 1, Confidence.LOW.value))


@dataclass(frozen=True, slots=True)
class Grade:
    """A recogniser's verdict on one match: its confidence and the reason for it."""

    confidence: Confidence
    reason: str
    """Short words for a report (``placeholder domain``, ``card keyword nearby``)."""


BEFORE = 80
"""Characters read before a match for its context."""
AFTER = 40
"""Characters read after a match for its context."""

_EXAMPLE_WORDS = re.compile(
    r"\b(?:e\.\s?g\.|i\.\s?e\.|for example|for instance|such as|examples?|placeholders?|"
    r"dummy|fake|regex|regexp|regular expression|validat(?:e|es|ed|ion|or|ing))\b|"
    r"[\"']?(?:default|example|examples|placeholder)[\"']?\s*[:=]\s*[\"'\[]?\s*$",
    re.IGNORECASE,
)
_ARITHMETIC = re.compile(r"\d[\d,.]*\s*(?:[+*×÷=^]|\*\*)\s*[(\d]|[+=]\s*\d[\d,.]*\s*$")
_MATH_WORDS = re.compile(
    r"\b(?:sum|sums|total|result|solution|answer|calculat\w*|comput\w*|multipl\w*|divid\w*|"
    r"product of|plus|minus|times|equals?|numbers and symbols|arithmetic|factorial|"
    r"modulo|prime|square root)\b",
    re.IGNORECASE,
)
_ID_WORDS = re.compile(
    r"(?:\b(?:ids?|identifiers?|operations?|resources?|jobs?|runs?|requests?|traces?|spans?|"
    r"builds?|commits?|seeds?|orders?|transactions?|txns?|tickets?|invoices?|tracking|"
    r"sessions?|uuids?|hash(?:es)?|timestamps?|epochs?|nonces?|serials?|versions?|isbn|doi)"
    r"\b|[_-]id)\W{0,4}$",
    re.IGNORECASE,
)
_GLUE_BEFORE = frozenset("/#:=_\\$&?")
"""A character right before a number that makes it part of a path, anchor, key or query."""


def before(text: str, start: int, size: int = BEFORE) -> str:
    """Return up to ``size`` characters of ``text`` before ``start``."""
    return text[max(0, start - size) : start]


def after(text: str, end: int, size: int = AFTER) -> str:
    """Return up to ``size`` characters of ``text`` after ``end``."""
    return text[end : end + size]


def line_before(text: str, start: int, size: int = BEFORE) -> str:
    """Return the part of the match's own line before it (at most ``size`` characters)."""
    head = before(text, start, size)
    return head[head.rfind("\n") + 1 :]


def example_context(text: str, start: int) -> bool:
    """Return True when the words just before ``start`` present the value as an example."""
    return bool(_EXAMPLE_WORDS.search(line_before(text, start, 60)))


def arithmetic_context(text: str, start: int, end: int, *, words: bool = True) -> bool:
    """Return True when a number sits in a sum, an equation or a worked calculation.

    An operator beside the number or an expression nearby always counts; words such as
    ``sum`` or ``result`` count when ``words`` is set (callers clear it when a keyword such
    as ``card`` already says what the number is).
    """
    head, tail = before(text, start, 120), after(text, end, 60)
    if head.rstrip(" \t").endswith(("+", "-", "*", "×", "÷", "=", "^", "%", "<", ">")):
        return True
    if tail.lstrip(" \t").startswith(("+", "*", "×", "÷", "=", "^", "%")):
        return True
    if _ARITHMETIC.search(head) or _ARITHMETIC.search(tail):
        return True
    return words and bool(_MATH_WORDS.search(head))


def identifier_context(text: str, start: int) -> bool:
    """Return True when a number is part of a path, key or query, or follows an id word."""
    head = before(text, start, 40)
    if head and head[-1] in _GLUE_BEFORE:
        return True
    return bool(_ID_WORDS.search(head))


def keyword_near(pattern: re.Pattern[str], text: str, start: int, end: int) -> bool:
    """Return True when ``pattern`` occurs just before the match or right after it."""
    return bool(pattern.search(before(text, start, 60)) or pattern.search(after(text, end, 25)))
