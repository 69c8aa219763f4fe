"""How a value is judged: random enough to be a credential, or a placeholder, mask or sample.

Two questions are asked of a candidate value, and they differ on purpose:

- :func:`masked_token` — for a value that already has a provider's token format (``hf_…``,
  ``xoxb-…``): is it masked (``xxxx``, ``****``), a template (``<…>``, ``${…}``), a sample
  that says so (``your``, ``example``, ``here``…), or a sequence typed by hand (``123456``,
  ``abcdefgh``)? A letters-only body is *not* a reason: Hugging Face tokens are letters only.
- :func:`is_placeholder` — for a value found only by the name it is given
  (``password = "…"``): the same tests, plus words and identifiers (``hunter``,
  ``db_pass_value``) and values that restate what they are (``test-api-key-12345``).

A ``literal`` value is one written where nothing is substituted — a Python string literal — so
``$``, ``(`` or ``{`` inside it are characters of the value, and only a value that is *wholly*
a reference (``"${API_KEY}"``, ``"{token}"``) is a template there.
"""

from __future__ import annotations

import hashlib
import math
import re

MASK_RUN = re.compile(r"([xX*#•.\-_])\1{3,}")
"""Four or more of the same masking character: ``xxxx``, ``****``, ``....``, ``____``."""

PLACEHOLDER_WORDS = (
    "your",
    "example",
    "placeholder",
    "changeme",
    "change_me",
    "change-me",
    "dummy",
    "fake",
    "sample",
    "redacted",
    "replace",
    "insert",
    "here",
    "todo",
    "****",
    "...",
    "…",
)
"""Words that say the value stands in for a real one."""

TEMPLATE_MARKS = ("<", "${", "{{", "%(", "{", "$", "[")
"""Characters that start a substitution or a placeholder in shells, templates and configs."""

WHOLLY_TEMPLATE = re.compile(
    r"<[^<>]*>|\$\{[^}]*\}|\$[A-Za-z_]\w*|\{\{.*\}\}|\{[\w.\-\s]*\}|%\(\w+\)[sd]|\[[\w\s\-]*\]"
)
"""A value that is one reference and nothing else (``${KEY}``, ``{token}``, ``<your key>``)."""

SEQUENCE = re.compile(r"(?:abc|123|xyz){2}|0123456|123456|234567|abcdefgh|qwerty|asdfgh")
"""Runs typed by hand."""

SELF_DESCRIBING = re.compile(r"(?i)api[\s_\-.]?key|token|secret|passw(?:or)?d|credential")
"""A value that names its own kind (``test-api-key-12345``, ``_app_refresh_token``) is a
label or a dummy; a credential does not spell out what it is."""

IDENTIFIER = re.compile(
    r"_*[a-z]+(?:[_\-][a-z]+)*"  # hunter, db_pass_value
    r"|_*[A-Za-z]{2,}\d*(?:_+[A-Za-z]{2,}\d*)+"  # chain_Anvil2_Key, _kHM_generatedByAppKey
    r"|[a-z]+(?:[A-Z][a-z]+)+|(?:[A-Z][a-z]+){2,}"  # getUserName, HomeAppDebugKey
)
"""A word or an identifier made of words; a generated value is not spelled in words."""

_WORDS = re.compile(r"[A-Z]?[a-z]{3,}")

PUBLIC_SAMPLES = frozenset(
    {
        # Google API keys published in the Firebase SDKs' sample configurations (gitleaks keeps
        # the same keys as its allowlist, cmd/generate/config/rules/gcp.go).
        "f56e323494a6ffc2064e7a955908957d84f0755e5f975dabd64328d0359a8f7c",
        "2037abcaffb2b77785da716cf7ccff4ff4d00c4ea930db0167b7d71f50af7eb4",
        "3f370c9dd8225c63b5c77de1f785edc9712958f18bb612d5fa2e0ae33aeca682",
        "e4a5542bb7fd7b67e943c71ad29c34b5972c9840597e7eda53e666f44d5da0b9",
        "a19f89ab3555eac10c40741f6df79ecf0935998f15569f8db9d67bce0181fff6",
        "0b476bdf9acf2123d547b5ae76f1e59884d8ec9553ee0c47e9f31fd4768f3f3c",
        "eb540d2b6ee2a0a47c5779bc8a0141784c6b753840d4c6f4e2428a6e86e9e0b1",
        "37f8f09bdf12c2f2eae4ead7273a62ddb0c23459cbf902892f282b57f7ed6619",
        "8731261cb72d86267a32a532ebd3df429e2144e5e4ced7e13568bc9e6c8fb1b1",
        "49f777db995e8260da7ca9ffdf0c08d66f0453e97ec967018baf2cdfe3b582d0",
        "27a9a42931dff7eb2f8434e20a9bce976ea364e7bee49187f19d5cfeca9c7045",
        "dc0fcf046c61640cbd1e8b999ada3262d722c2ca4bf42dceac999020ffdbb614",
        "4c98242dcadc8b29005c6b4aad526552d5ea1842149154c0694adeec75847583",
        "ea9bb1082cf95663f5faca23b8b15ef2aa0fce0a5c6df9c32dcb85b2e0a4513d",
        "3a8b61d0f636b007840c0d40ba12bcf48465dc054cdc1a68704a33521d84b665",
        "a6c814bc555ae62c7bd8b58ec07bf559c7ed3a009976a1e0acc9cef0d4473b41",
        # The storage account key of Microsoft's local storage emulators (Azurite, the Azure
        # Storage Emulator), the same on every machine and published in their documentation.
        "0011cc25eb4320717494d2703e8cba85743e71b500283c21c8b88147992f9059",
    }
)
"""SHA-256 digests of credentials published as public samples, reported by no detector. Only
digests are kept, so this file holds no key and is not itself reported by secret scanners."""


def entropy(text: str) -> float:
    """Return the Shannon entropy of ``text`` in bits per character."""
    if not text:
        return 0.0
    counts: dict[str, int] = {}
    for char in text:
        counts[char] = counts.get(char, 0) + 1
    return -sum(c / len(text) * math.log2(c / len(text)) for c in counts.values())


def is_public_sample(value: str) -> bool:
    """Return True when ``value`` is a credential its vendor published as a public sample."""
    return hashlib.sha256(value.encode("utf-8")).hexdigest() in PUBLIC_SAMPLES


def _template(lowered: str, literal: bool) -> bool:
    if literal:
        return WHOLLY_TEMPLATE.fullmatch(lowered) is not None
    return any(mark in lowered for mark in TEMPLATE_MARKS)


def masked_token(body: str, *, literal: bool = False) -> bool:
    """Return True when a value with a token's format is masked, a template or a sample."""
    lowered = body.strip().lower()
    if len(lowered) < 4 or len(set(lowered)) <= 3 or MASK_RUN.search(lowered):
        return True
    if _template(lowered, literal) or "example" in lowered:
        return True
    if any(word in lowered for word in PLACEHOLDER_WORDS):
        return True
    return SEQUENCE.search(lowered) is not None


def is_placeholder(value: str, *, literal: bool = False) -> bool:
    """Return True when a value found by its name reads as a placeholder, label or dummy."""
    lowered = value.strip().strip("\"'").lower()
    if masked_token(lowered, literal=literal):
        return True
    bare = value.strip().strip("\"'").rstrip(",;")
    if IDENTIFIER.fullmatch(bare) or wordlike(bare):
        return True
    return SELF_DESCRIBING.search(lowered) is not None


def wordlike(value: str) -> bool:
    """Return True for a letters-only value made mostly of words.

    ``hunter`` and ``ProcessorMixinTestsForAll`` are words; random letters
    (``ZJOowcYSZwwAyoFnd``) are not.

    Measured on random mixed-case letters: 0.2 % of 34-letter strings (a Hugging Face token's
    body) and about 3 % of 16-letter strings are taken for words.
    """
    if not value.isascii() or not value.isalpha():
        return False
    upper = sum(c.isupper() for c in value) / len(value)
    if upper < 0.25 or upper > 0.75:
        return True  # random letters are half upper case; words are mostly one case
    covered = sum(len(m.group(0)) for m in _WORDS.finditer(value))
    return covered >= 0.8 * len(value)


def looks_random(value: str, min_length: int = 16, min_entropy: float = 3.3) -> bool:
    """Return True when ``value`` looks generated: long, mixed character classes, high entropy.

    Used where the name alone is weak evidence (a bare ``token`` in code is usually an NLP
    token): only a value that no person would type passes.
    """
    if len(value) < min_length or any(c.isspace() for c in value):
        return False
    classes = sum(
        (
            any(c.islower() for c in value),
            any(c.isupper() for c in value),
            any(c.isdigit() for c in value),
        )
    )
    return classes >= 2 and entropy(value) >= min_entropy
