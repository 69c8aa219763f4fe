"""Whether a literal value given to a named setting is a credential.

The name decides how much the value must prove (:mod:`.secret_names`): under a strong name
(``password``, ``api_key``) any value that is not a placeholder, reference, path or label is
reported; under a weak one (a bare ``token`` in code) only a value that looks generated. A
value that has a known token format is left to the token detectors (reported once, there),
and one that *starts* like a known token but fails its format (``xoxp-1234-…``,
``sk-ant-…BB``) is a sample or a truncation, not a secret.
"""

from __future__ import annotations

import re

from mlsec_policy.analyzers.patterns.secret_names import Strength, strength
from mlsec_policy.analyzers.patterns.secret_values import (
    entropy,
    is_placeholder,
    is_public_sample,
    looks_random,
)
from mlsec_policy.analyzers.patterns.secrets import find_secrets
from mlsec_policy.secret_formats import RULES
from mlsec_policy.views.helm import PLACEHOLDER

TOKEN_PREFIXES = tuple(
    sorted(
        {
            needle
            for rule in RULES
            if rule.pattern.pattern.startswith("(?P<secret>") and rule.id != "jwt"
            for needle in rule.needles
        }
    )
)
"""Prefixes that start a known token format (``hf_``, ``xoxb-``, ``AKIA``…)."""
PUBLISHABLE_PREFIXES = ("pk_live_", "pk_test_", "phc_", "pk.eyJ")
"""Keys their providers document as public: Stripe publishable keys, PostHog project keys
(write-only, meant for browsers), Mapbox public tokens."""
_AZURE_SHAPE = re.compile(r".{3}\dQ~")
_DOTTED = re.compile(r"[a-z_][\w\-]*(?:\.[\w\-]+)+|[A-Z][A-Z0-9_]+")
_IMPORT_PATH = re.compile(r"\.*[A-Za-z_]\w*(?:[.:][A-Za-z_]\w*)+")
_CODE = re.compile(r"[A-Za-z_]\w*\(.*\)")
_DIRECTORY = re.compile(r"/[a-z][a-z0-9_\-]{3,}/")
_WORD_VALUES = frozenset({"true", "false", "none", "null", "nil", "required", "optional"})


def literal_secret(
    name: str,
    value: str,
    min_entropy: float = 2.5,
    *,
    code: bool = False,
    literal: bool = False,
) -> bool:
    """Return True when ``value`` given to setting ``name`` looks like a real secret.

    ``code`` marks names in program code (a bare ``token`` is weak evidence there);
    ``literal`` marks values where nothing is substituted (Python string literals), so that
    ``$``, ``(`` and ``{`` inside them are characters, not references.
    """
    evidence = strength(name, code=code)
    if evidence is Strength.NONE:
        return False
    value = value.strip().strip("\"'")
    if not _shaped_like_a_secret(value, literal):
        return False
    if evidence is Strength.WEAK:
        return looks_random(value)
    return entropy(value) >= min_entropy


def _shaped_like_a_secret(value: str, literal: bool) -> bool:
    if "://" in value or value.startswith(("/", "./", "../", "~/")):
        return False  # a URL (passwords inside URLs have their own detector) or a path
    if any(c.isspace() for c in value) or len(value) < 6:
        return False  # a phrase, or too short to guard anything
    if _DOTTED.fullmatch(value) or _IMPORT_PATH.fullmatch(value):
        return False  # ``argilla.apikey``, an environment variable's name, an import path
    if _CODE.search(value) or _DIRECTORY.search(value) or '"' in value or "'" in value:
        return False  # an expression, markup or a path inside a longer string
    if value.lower() in _WORD_VALUES or PLACEHOLDER in value:
        return False
    if is_placeholder(value, literal=literal) or is_public_sample(value):
        return False
    if value.startswith(TOKEN_PREFIXES) or _AZURE_SHAPE.match(value):
        return False  # a known format: reported by its detector, or failing its shape
    if value.startswith(PUBLISHABLE_PREFIXES):
        return False  # a key its provider documents as safe to publish
    return not any(find_secrets(value))
