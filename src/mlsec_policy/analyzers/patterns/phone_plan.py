"""Telephone numbering facts: country calling codes, national number lengths, fiction ranges.

An international number is ``+``, a country calling code of one to three digits, then a
national significant number (NSN) whose length each country fixes. A digit run that does not
split that way is not a phone number, whatever its length. Regulators also reserve ranges for
films, books and documentation (NANP ``555`` numbers, Ofcom's drama ranges, ACMA's and
ARCEP's fiction ranges): numbers there are placeholders, not anybody's line.
"""

from __future__ import annotations

import re

ONE_DIGIT: dict[str, tuple[int, int]] = {"1": (10, 10), "7": (10, 10)}
"""Calling codes of one digit (NANP, Russia/Kazakhstan) and their NSN lengths."""

TWO_DIGITS: dict[str, tuple[int, int]] = {
    "20": (8, 10), "27": (9, 9), "30": (10, 10), "31": (9, 9), "32": (8, 9), "33": (9, 9),
    "34": (9, 9), "36": (8, 9), "39": (6, 11), "40": (9, 9), "41": (9, 9), "43": (4, 13),
    "44": (7, 10), "45": (8, 8), "46": (7, 9), "47": (8, 8), "48": (9, 9), "49": (6, 13),
    "51": (8, 9), "52": (10, 10), "53": (6, 8), "54": (10, 11), "55": (10, 11), "56": (9, 9),
    "57": (10, 10), "58": (10, 10), "60": (8, 10), "61": (9, 9), "62": (8, 12), "63": (8, 10),
    "64": (8, 10), "65": (8, 8), "66": (8, 9), "81": (9, 10), "82": (8, 10), "84": (9, 10),
    "86": (10, 11), "90": (10, 10), "91": (10, 10), "92": (9, 10), "93": (9, 9), "94": (9, 9),
    "95": (7, 10), "98": (10, 10),
}  # fmt: skip
"""Calling codes of two digits and the NSN lengths their plans allow (ITU-T E.164 lists)."""

THREE_DIGITS: dict[str, tuple[int, int]] = {
    "358": (5, 12), "351": (9, 9), "353": (7, 9), "380": (9, 9), "852": (8, 8),
    "880": (10, 10), "886": (8, 9), "960": (7, 7), "966": (9, 9), "971": (8, 9), "972": (8, 9),
}  # fmt: skip
"""Three-digit calling codes whose lengths differ from :data:`THREE_DIGIT_DEFAULT`."""

THREE_DIGIT_DEFAULT = (6, 10)
"""NSN lengths of the other three-digit codes (most smaller plans use 7 to 9 digits)."""

FICTION_PREFIXES: dict[str, tuple[str, ...]] = {
    "44": ("2079460", "1134960", "1144960", "1154960", "1164960", "1174960", "1184960",
           "1214960", "1314960", "1414960", "1514960", "1614960", "1914980", "2896496",
           "2920180", "1632960", "7700900", "8081570", "9098790", "3069990"),
    "61": ("25550", "35550", "75550", "85550", "491570", "491571", "491572"),
    "33": ("19900", "26191", "35301", "46571", "53649", "63998"),
}  # fmt: skip
"""NSN prefixes that regulators keep for drama and documentation, per calling code."""

_NANP_FICTION = re.compile(r"^\d{3}555\d{4}$")
"""North American numbers whose exchange is 555 (fiction, directory services)."""
_SEQUENCES = ("0123456789", "1234567890", "9876543210")


def split_international(digits: str) -> tuple[str, str] | None:
    """Split the digits after ``+`` into (calling code, NSN) when a plan allows it."""
    if len(digits) > 15:
        return None
    for size, known in ((1, ONE_DIGIT), (2, TWO_DIGITS)):
        code = digits[:size]
        if code in known:
            low, high = known[code]
            nsn = digits[size:]
            return (code, nsn) if low <= len(nsn) <= high else None
    code, nsn = digits[:3], digits[3:]
    if len(code) < 3 or code[0] == "0":
        return None
    low, high = THREE_DIGITS.get(code, THREE_DIGIT_DEFAULT)
    return (code, nsn) if low <= len(nsn) <= high else None


def fictional(code: str, nsn: str) -> bool:
    """Return True for numbers reserved for fiction or documentation, or plainly made up."""
    if code == "1" and _NANP_FICTION.match(nsn):
        return True
    if nsn.startswith(FICTION_PREFIXES.get(code, ())):
        return True
    return made_up(nsn)


def made_up(digits: str) -> bool:
    """Return True for digit runs nobody is assigned: one repeated digit, or 1234567890."""
    if len(set(digits)) <= 2:
        return True
    return any(digits in sequence or sequence in digits for sequence in _SEQUENCES)


def national_fictional(digits: str) -> bool:
    """Return True for a national-format number in a fiction range (NANP 555, UK drama)."""
    if len(digits) == 10 and _NANP_FICTION.match(digits):
        return True
    if len(digits) == 11 and digits.startswith("1") and _NANP_FICTION.match(digits[1:]):
        return True
    if digits.startswith("0"):
        trunk = digits[1:]
        return any(trunk.startswith(FICTION_PREFIXES[code]) for code in ("44", "61", "33"))
    return made_up(digits)
