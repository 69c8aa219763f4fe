"""Personal data recognisers: value patterns with checksums and context, and telling column names.

Every match carries a :class:`~.pii_context.Confidence` and the reason for it. Strong shapes —
e-mail addresses, US social security numbers, payment cards (Luhn and an issuer prefix), IBANs
(ISO 7064 mod 97), international phone numbers that fit a numbering plan — are found anywhere
and graded by their context (:mod:`.pii_email`, :mod:`.pii_numbers`). Weak ones — national
phone formats, public IP addresses, dates of birth, identity columns — count only in a column
whose name says what it holds (national phone numbers also next to a phone keyword in prose).
Every example leaving this module is redacted: a report shows the shape of what it found,
never the value.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum

from mlsec_policy.analyzers.patterns.pii_context import Confidence, Grade
from mlsec_policy.analyzers.patterns.pii_email import EMAIL, grade_email
from mlsec_policy.analyzers.patterns.pii_numbers import (
    CARD,
    E164,
    IBAN,
    NATIONAL,
    SSN,
    grade_card,
    grade_hinted_phone,
    grade_iban,
    grade_international,
    grade_national,
    grade_ssn,
    iban_valid,
    luhn,
)
from mlsec_policy.models import Severity

__all__ = [
    "SEVERITY",
    "Confidence",
    "PiiKind",
    "PiiMatch",
    "column_kind",
    "find_pii",
    "iban_valid",
    "luhn",
    "severity_for",
]


class PiiKind(StrEnum):
    """A category of personal data."""

    EMAIL = "e-mail address"
    PHONE = "phone number"
    SSN = "US social security number"
    CARD = "payment card number"
    IBAN = "IBAN"
    IP = "IP address"
    DOB = "date of birth"
    IDENTITY = "identity column"
    """A column named for personal data (name, address, passport...)."""


SEVERITY = {
    PiiKind.SSN: Severity.HIGH,
    PiiKind.CARD: Severity.HIGH,
    PiiKind.IBAN: Severity.HIGH,
}
"""Severity of a kind when the match is certain (HIGH confidence); the rest are medium."""

MAX_TEXT = 100_000
"""Characters of one value examined (a longer value is cut)."""

_NATIONAL_PHONE = re.compile(r"^\(?\d{3}\)?[ .-]?\d{3}[ .-]?\d{4}$|^0\d{2,4}[ /.-]?\d{3,8}$")
_IPV4 = re.compile(r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.])")
_DATE = re.compile(
    r"^(?:19|20)\d\d[-/.](?:0?[1-9]|1[0-2])[-/.](?:0?[1-9]|[12]\d|3[01])|"
    r"^(?:0?[1-9]|[12]\d|3[01])[-/.](?:0?[1-9]|1[0-2])[-/.](?:19|20)\d\d"
)

COLUMN_HINTS: tuple[tuple[re.Pattern[str], PiiKind], ...] = (
    (re.compile(r"e[-_ ]?mail", re.I), PiiKind.EMAIL),
    (re.compile(r"phone|mobile|msisdn|tel(?:ephone)?$|fax", re.I), PiiKind.PHONE),
    (re.compile(r"\bssn\b|social[-_ ]?security", re.I), PiiKind.SSN),
    (re.compile(r"card[-_ ]?(?:num|no)|\bpan\b|\bccn\b", re.I), PiiKind.CARD),
    (re.compile(r"\biban\b", re.I), PiiKind.IBAN),
    (re.compile(r"(?:^|[-_ ])ip(?:[-_ ]?addr(?:ess)?)?$|client[-_ ]?ip|remote[-_ ]?addr", re.I),
     PiiKind.IP),
    (re.compile(r"\bdob\b|birth[-_ ]?(?:date|day)|date[-_ ]?of[-_ ]?birth", re.I), PiiKind.DOB),
    (re.compile(r"^(?:first|last|full|given|family|sur|maiden|middle)[-_ ]?name$|^surname$|"
                r"street|home[-_ ]?address|postal[-_ ]?address|passport|national[-_ ]?id|"
                r"driver'?s?[-_ ]?licen[cs]e|tax[-_ ]?id|\bnino\b|patient[-_ ]?(?:name|id)", re.I),
     PiiKind.IDENTITY),
)  # fmt: skip
"""Column-name patterns and what they announce."""


@dataclass(frozen=True, slots=True)
class PiiMatch:
    """One personal-data value found, with how sure the recogniser is."""

    kind: PiiKind
    redacted: str
    confidence: Confidence
    reason: str
    """Why the confidence is what it is (``placeholder domain``, ``card keyword or column``)."""
    start: int = 0
    """Offset of the match in the text examined."""


def severity_for(kind: PiiKind, confidence: Confidence) -> Severity:
    """Map a kind and a confidence to a finding severity.

    Certain matches take the kind's severity (HIGH for SSNs, cards and IBANs, MEDIUM for the
    rest); likely ones are MEDIUM; possible ones LOW (reported only when asked for).
    """
    if confidence is Confidence.HIGH:
        return SEVERITY.get(kind, Severity.MEDIUM)
    return Severity.MEDIUM if confidence is Confidence.MEDIUM else Severity.LOW


def column_kind(name: str) -> PiiKind | None:
    """Return the kind of personal data a column name announces, if any."""
    for pattern, kind in COLUMN_HINTS:
        if pattern.search(name.strip()):
            return kind
    return None


def find_pii(
    text: str,
    hint: PiiKind | None = None,
    *,
    label: str = "",
    own_domains: frozenset[str] = frozenset(),
    own_names: frozenset[str] = frozenset(),
) -> Iterator[PiiMatch]:
    """Yield the personal data in ``text``, graded by its context.

    ``hint`` is what the value's column name announces and ``label`` that name itself;
    ``own_domains`` and ``own_names`` describe the repository's own organisation (its
    mailboxes are not personal data).
    """
    text = text[:MAX_TEXT]
    for match in EMAIL.finditer(text):
        grade = grade_email(text, match, hint is PiiKind.EMAIL, own_domains, own_names)
        if grade:
            yield _match(PiiKind.EMAIL, _redact_email(match.group(0)), grade, match.start())
    for match in SSN.finditer(text):
        ssn = grade_ssn(text, match, hint is PiiKind.SSN)
        yield _match(PiiKind.SSN, "***-**-" + match.group(0)[-4:], ssn, match.start())
    for match in CARD.finditer(text):
        grade = grade_card(text, match, hint is PiiKind.CARD, label)
        if grade:
            digits = re.sub(r"\D", "", match.group(0))
            yield _match(PiiKind.CARD, "**** " + digits[-4:], grade, match.start())
    for match in IBAN.finditer(text):
        grade = grade_iban(text, match, hint is PiiKind.IBAN)
        if grade:
            compact = match.group(0).replace(" ", "")
            redacted = compact[:2] + "** **** " + compact[-2:]
            yield _match(PiiKind.IBAN, redacted, grade, match.start())
    yield from _phones(text, hint)
    yield from _hinted(text.strip(), hint)


def _phones(text: str, hint: PiiKind | None) -> Iterator[PiiMatch]:
    taken: list[tuple[int, int]] = []
    for match in E164.finditer(text):
        grade = grade_international(text, match, hint is PiiKind.PHONE)
        taken.append(match.span())
        if grade:
            digits = re.sub(r"\D", "", match.group(0))
            redacted = "+" + "*" * (len(digits) - 2) + digits[-2:]
            yield _match(PiiKind.PHONE, redacted, grade, match.start())
    if hint is PiiKind.PHONE:
        return  # a phone column is read whole by _hinted
    for match in NATIONAL.finditer(text):
        if any(start <= match.start() < end for start, end in taken):
            continue
        grade = grade_national(text, match)
        if grade:
            digits = re.sub(r"\D", "", match.group(0))
            yield _match(PiiKind.PHONE, "*" * (len(digits) - 2) + digits[-2:], grade, match.start())


def _hinted(value: str, hint: PiiKind | None) -> Iterator[PiiMatch]:
    """Weak patterns that count only in a column named for them."""
    if not value or hint is None:
        return
    column = Grade(Confidence.MEDIUM, "column named for it")
    if hint is PiiKind.PHONE and not value.startswith("+") and _NATIONAL_PHONE.match(value):
        grade = grade_hinted_phone(value)
        yield _match(PiiKind.PHONE, "*" * (len(value) - 2) + value[-2:], grade, 0)
    elif hint is PiiKind.IP and _IPV4.fullmatch(value) and _public_ip(value):
        yield _match(PiiKind.IP, value.split(".")[0] + ".*.*.*", column, 0)
    elif hint is PiiKind.DOB and _DATE.match(value):
        yield _match(PiiKind.DOB, "****-**-**", column, 0)
    elif hint is PiiKind.IDENTITY and len(value) >= 2 and not value.replace(".", "").isdigit():
        yield _match(PiiKind.IDENTITY, value[0] + "***", column, 0)


def _match(kind: PiiKind, redacted: str, grade: Grade, start: int) -> PiiMatch:
    return PiiMatch(kind, redacted, grade.confidence, grade.reason, start)


def _public_ip(text: str) -> bool:
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return False
    return address.is_global and not text.startswith(("0.", "255."))


def _redact_email(email: str) -> str:
    local, _, domain = email.partition("@")
    host, _, tld = domain.rpartition(".")
    return f"{local[:1]}***@{host[:1]}***.{tld}"
