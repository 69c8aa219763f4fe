"""Numbers that may be personal data — payment cards, phone numbers, SSNs, IBANs — graded.

A checksum says a digit run *could* be a card; only its context says it *is* one. Each
function takes the whole text and one regex match and returns a :class:`~.pii_context.Grade`,
or None when the number is plainly something else:

- cards need the Luhn checksum and an issuer prefix, and are dropped inside sums and equations,
  after an id word or inside a path or query; a card keyword or a column named for cards makes
  them certain, grouping (``dddd dddd dddd dddd``) likely, a bare digit run only possible;
- international phone numbers must split into a calling code and a national number of a length
  that country uses; national formats count in prose only next to a phone keyword;
- published test cards, example IBANs and SSNs, and fiction phone ranges are placeholders.
"""

from __future__ import annotations

import re

from mlsec_policy.analyzers.patterns.phone_plan import (
    fictional,
    made_up,
    national_fictional,
    split_international,
)
from mlsec_policy.analyzers.patterns.pii_context import (
    Confidence,
    Grade,
    arithmetic_context,
    before,
    identifier_context,
    keyword_near,
)

CARD = re.compile(
    r"(?<![\w-])(?<!\d[.,])(?:\d{13,19}|\d{4}([ -])\d{4}\1\d{4}\1\d{1,7}|\d{4}([ -])\d{6}\2\d{5})"
    r"(?![\w-]|[.,]\d)"
)
E164 = re.compile(r"(?<![\w+])\+\d{1,3}[ .-]?\(?\d{1,4}\)?(?:[ .-]?\d{2,4}){2,4}(?![\d])")
NATIONAL = re.compile(
    r"(?<![\w+.-])(?:\(\d{3}\)\s?\d{3}[-.\s]\d{4}|\d{3}[-.]\d{3}[-.]\d{4}|"
    r"0\d{2,4}[ -]\d{3,4}[ -]?\d{3,4})(?![\w-]|\.\d)"
)
SSN = re.compile(r"(?<![\d-])(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}(?![\d-])")
IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b")

_CARD_PREFIX = re.compile(r"^(?:4|5[1-5]|2[2-7]|3[47]|6011|65|35|3[068])")
_CARD_WORDS = re.compile(
    r"\b(?:cards?|credit|debit|visa|master\s?card|amex|american express|cc|ccn|pan|"
    r"payments?|cardholder|cvv|cvc|expir\w*|exp)\b",
    re.IGNORECASE,
)
_PHONE_WORDS = re.compile(
    r"\b(?:phones?|tel|telephone|mobile|cell|cellphone|call|calls|ring|fax|whatsapp|sms|"
    r"text me|contact|reach|hotline|dial)\b|\btel\.|☎|📞",
    re.IGNORECASE,
)
_FIRST_PERSON = re.compile(r"\b(?:my|me|mine|i'm|i am|reach me|call me|text me)\b", re.I)
_SSN_WORDS = re.compile(r"\b(?:ssn|ssns|social security|soc\.? ?sec)\b", re.IGNORECASE)
_BANK_WORDS = re.compile(r"\b(?:iban|bank|account|sepa|bic|swift|transfer)\b", re.IGNORECASE)

TEST_CARDS = frozenset(
    {"4111111111111111", "4242424242424242", "4012888888881881", "4000056655665556",
     "4222222222222", "4012888888881", "5555555555554444", "5105105105105100",
     "5200828282828210", "2223003122003222", "378282246310005", "371449635398431",
     "378734493671000", "6011111111111117", "6011000990139424", "6011000400000000",
     "3530111333300000", "3566002020360505", "30569309025904", "38520000023237",
     "36227206271667", "4000000000000002", "4000000000000077", "4000000000009995"}
)  # fmt: skip
"""Card numbers that payment processors publish for testing."""

EXAMPLE_IBANS = frozenset(
    {"GB82WEST12345698765432", "GB29NWBK60161331926819", "DE89370400440532013000",
     "FR1420041010050500013M02606", "NL91ABNA0417164300", "CH9300762011623852957",
     "BE68539007547034", "ES9121000418450200051332", "IT60X0542811101000000123456"}
)  # fmt: skip
"""IBANs printed as examples in the IBAN registry, bank manuals and encyclopaedias."""

EXAMPLE_SSNS = frozenset({"078051120", "219099999", "123456789"})
"""Social security numbers known from advertising and documentation."""


def grade_card(text: str, match: re.Match[str], hinted: bool, label: str) -> Grade | None:
    """Grade a card-shaped match; None when the checksum, prefix or context says no."""
    digits = re.sub(r"\D", "", match.group(0))
    if not (13 <= len(digits) <= 19 and luhn(digits) and len(set(digits)) > 2):
        return None
    if not _CARD_PREFIX.match(digits):
        return None
    if digits in TEST_CARDS:
        return Grade(Confidence.LOW, "published test card")
    start, end = match.span()
    keyword = keyword_near(_CARD_WORDS, text, start, end)
    if not hinted and (
        arithmetic_context(text, start, end, words=not keyword)
        or identifier_context(text, start)
        or (label and identifier_context(label + " ", len(label) + 1))
    ):
        return None
    if hinted or keyword:
        return Grade(Confidence.HIGH, "card keyword or column")
    if match.group(1) or match.group(2):
        return Grade(Confidence.MEDIUM, "grouped like a card")
    return Grade(Confidence.LOW, "bare digit run without a card context")


def grade_international(text: str, match: re.Match[str], hinted: bool) -> Grade | None:
    """Grade a ``+``-prefixed number; None when no numbering plan allows it or it is a sum."""
    raw = match.group(0)
    digits = re.sub(r"\D", "", raw)
    split = split_international(digits)
    if split is None:
        return None
    start, end = match.span()
    keyword = keyword_near(_PHONE_WORDS, text, start, end)
    if not hinted and arithmetic_context(text, start, end, words=not keyword):
        return None
    if fictional(*split):
        return Grade(Confidence.LOW, "fiction or documentation range")
    if hinted or keyword:
        return Grade(Confidence.HIGH, "phone keyword or column")
    if re.search(r"[ .()-]", raw):
        return Grade(Confidence.MEDIUM, "international format")
    return Grade(Confidence.LOW, "bare digit run without a phone context")


def grade_national(text: str, match: re.Match[str]) -> Grade | None:
    """Grade a national-format number in prose: it counts only next to a phone keyword.

    Shops and offices print their numbers everywhere; a number is somebody's own only when
    the writer says so (``call me``, ``my number``): MEDIUM then, LOW otherwise.
    """
    start, end = match.span()
    if not keyword_near(_PHONE_WORDS, text, start, end):
        return None
    if arithmetic_context(text, start, end, words=False):
        return None
    digits = re.sub(r"\D", "", match.group(0))
    if not 9 <= len(digits) <= 12:
        return None
    if national_fictional(digits):
        return Grade(Confidence.LOW, "fiction or documentation range")
    if _FIRST_PERSON.search(before(text, start, 60)):
        return Grade(Confidence.MEDIUM, "someone's own number, in national format")
    return Grade(Confidence.LOW, "national format, nothing says whose")


def grade_hinted_phone(value: str) -> Grade:
    """Grade a national number that fills a column named for phone numbers."""
    digits = re.sub(r"\D", "", value)
    if national_fictional(digits):
        return Grade(Confidence.LOW, "fiction or documentation range")
    return Grade(Confidence.HIGH, "phone column")


def grade_ssn(text: str, match: re.Match[str], hinted: bool) -> Grade:
    """Grade an SSN-shaped match: certain with a keyword or column, else likely."""
    digits = match.group(0).replace("-", "")
    if digits in EXAMPLE_SSNS or digits.startswith("98765432") or made_up(digits):
        return Grade(Confidence.LOW, "published example number")
    if hinted or keyword_near(_SSN_WORDS, text, *match.span()):
        return Grade(Confidence.HIGH, "SSN keyword or column")
    return Grade(Confidence.MEDIUM, "SSN format")


def grade_iban(text: str, match: re.Match[str], hinted: bool) -> Grade | None:
    """Grade an IBAN-shaped match; None when the mod-97 check fails."""
    compact = match.group(0).replace(" ", "")
    if not (15 <= len(compact) <= 34 and iban_valid(compact)):
        return None
    if compact in EXAMPLE_IBANS:
        return Grade(Confidence.LOW, "published example IBAN")
    if hinted or keyword_near(_BANK_WORDS, text, *match.span()):
        return Grade(Confidence.HIGH, "bank keyword or column")
    return Grade(Confidence.MEDIUM, "valid IBAN checksum")


def luhn(digits: str) -> bool:
    """Return True when ``digits`` pass the Luhn checksum."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        number = int(char)
        if position % 2 == 1:
            number = number * 2 - 9 if number > 4 else number * 2
        total += number
    return total % 10 == 0


def iban_valid(iban: str) -> bool:
    """Return True when ``iban`` (no spaces) passes the ISO 7064 mod-97 check."""
    if not re.fullmatch(r"[A-Z]{2}\d{2}[A-Z0-9]+", iban):
        return False
    rearranged = iban[4:] + iban[:4]
    number = "".join(str(int(c, 36)) for c in rearranged)
    return int(number) % 97 == 1
