"""Personal data recognisers: value patterns with checksums, and telling column names.

Strong patterns stand on their own: e-mail addresses (documentation domains excluded), US
social security numbers, payment cards (Luhn and a known issuer prefix), IBANs (ISO 7064
mod 97), international phone numbers. Weak ones — national phone formats, public IP addresses,
dates of birth — count only in a column whose name says what it holds. Every example
leaving this module is redacted: a report shows the shape of what it found, never the value.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum

from mlsec_policy.models import Severity


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
"""Per-kind finding severity; the rest are medium."""

EXAMPLE_DOMAINS = re.compile(
    r"@(?:[\w-]+\.)*(?:example\.(?:com|org|net)|test|invalid|localhost|example|domain\.com|"
    r"email\.com|users\.noreply\.github\.com)$",
    re.IGNORECASE,
)
_EMAIL = re.compile(
    r"(?<![\w.+-])[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,24}\b"
)
_SSN = re.compile(r"(?<![\d-])(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}(?![\d-])")
_CARD = re.compile(
    r"(?<![\d.,-])(?:\d{13,19}|\d{4}([ -])\d{4}\1\d{4}\1\d{1,7}|\d{4}([ -])\d{6}\2\d{5})(?![\d.,-])"
)
_IBAN = re.compile(r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b")
_E164 = re.compile(r"(?<![\w+])\+\d{1,3}[ .-]?\(?\d{1,4}\)?(?:[ .-]?\d{2,4}){2,4}(?![\d])")
_NATIONAL_PHONE = re.compile(r"^\(?\d{3}\)?[ .-]?\d{3}[ .-]?\d{4}$|^0\d{2,4}[ /.-]?\d{3,8}$")
_IPV4 = re.compile(r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.])")
_DATE = re.compile(
    r"^(?:19|20)\d\d[-/.](?:0?[1-9]|1[0-2])[-/.](?:0?[1-9]|[12]\d|3[01])|"
    r"^(?:0?[1-9]|[12]\d|3[01])[-/.](?:0?[1-9]|1[0-2])[-/.](?:19|20)\d\d"
)
_CARD_PREFIX = re.compile(r"^(?:4|5[1-5]|2[2-7]|3[47]|6011|65|35|3[068])")

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
    """One personal-data value found."""

    kind: PiiKind
    redacted: str


def column_kind(name: str) -> PiiKind | None:
    """Return the kind of personal data a column name announces, if any."""
    for pattern, kind in COLUMN_HINTS:
        if pattern.search(name.strip()):
            return kind
    return None


def find_pii(text: str, hint: PiiKind | None = None) -> Iterator[PiiMatch]:
    """Yield the personal data in ``text``; ``hint`` is what its column name announces."""
    if len(text) > 100_000:
        text = text[:100_000]
    for match in _EMAIL.finditer(text):
        if not EXAMPLE_DOMAINS.search(match.group(0)):
            yield PiiMatch(PiiKind.EMAIL, _redact_email(match.group(0)))
    for match in _SSN.finditer(text):
        yield PiiMatch(PiiKind.SSN, "***-**-" + match.group(0)[-4:])
    for match in _CARD.finditer(text):
        digits = re.sub(r"\D", "", match.group(0))
        valid = 13 <= len(digits) <= 19 and luhn(digits) and len(set(digits)) > 2
        if valid and _CARD_PREFIX.match(digits):
            yield PiiMatch(PiiKind.CARD, "**** " + digits[-4:])
    for match in _IBAN.finditer(text):
        compact = match.group(0).replace(" ", "")
        if 15 <= len(compact) <= 34 and iban_valid(compact):
            yield PiiMatch(PiiKind.IBAN, compact[:2] + "** **** " + compact[-2:])
    for match in _E164.finditer(text):
        digits = re.sub(r"\D", "", match.group(0))
        if 9 <= len(digits) <= 15:
            yield PiiMatch(PiiKind.PHONE, "+" + "*" * (len(digits) - 2) + digits[-2:])
    yield from _hinted(text.strip(), hint)


def _hinted(value: str, hint: PiiKind | None) -> Iterator[PiiMatch]:
    """Weak patterns that count only in a column named for them."""
    if not value or hint is None:
        return
    if hint is PiiKind.PHONE and not value.startswith("+") and _NATIONAL_PHONE.match(value):
        yield PiiMatch(PiiKind.PHONE, "*" * (len(value) - 2) + value[-2:])
    elif hint is PiiKind.IP and _IPV4.fullmatch(value) and _public_ip(value):
        yield PiiMatch(PiiKind.IP, value.split(".")[0] + ".*.*.*")
    elif hint is PiiKind.DOB and _DATE.match(value):
        yield PiiMatch(PiiKind.DOB, "****-**-**")
    elif hint is PiiKind.IDENTITY and len(value) >= 2 and not value.replace(".", "").isdigit():
        yield PiiMatch(PiiKind.IDENTITY, value[0] + "***")


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
