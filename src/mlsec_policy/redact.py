"""Remove secrets from text before it reaches any report.

A report must never leak what it found. Every text that came from the target (snippets,
messages, hints, parser and semgrep error texts, reasons for skipping) passes through
:func:`redact` once, where the engines hand their output over (``scan.py``). It masks every
credential format the secrets analyzers detect (:mod:`mlsec_policy.secret_formats`, keeping
the recognisable prefix so a reader knows what kind of secret it was), known token prefixes,
values assigned to secret-looking names, passwords inside URLs and private key blocks.
Redaction errs towards masking: a placeholder that merely has a token's shape is masked too.
"""

from __future__ import annotations

import re

from mlsec_policy.secret_formats import RULES

MASK = "****"

_PREFIXED = re.compile(
    r"\b(hf_|api_org_|sk-(?:proj-|ant-(?:api\d\d-|admin\d\d-)?)?|AKIA|ASIA|ABIA|ACCA|ABSK|"
    r"bedrock-api-key-|ghp_|gho_|ghs_|ghu_|ghr_|github_pat_|glpat-|xox[abeporsx]-|xapp-|AIza|"
    r"ya29\.|r8_|pcsk_|gsk_|wandb_v1_|nvapi-|dapi|SG\.)"
    r"([A-Za-z0-9_\-.+/=]{8,})"
)
_JWT = re.compile(r"\b(eyJ)[\w-]{10,}\.[\w-]{10,}\.[\w-]*")
_AZURE_CLIENT_SECRET = re.compile(r"(?<![\w~.\-])[\w~.]{3}\dQ~[\w~.\-]{31,34}")
_SLACK_WEBHOOK = re.compile(r"(hooks\.slack\.com/(?:services|workflows|triggers)/)[\w+/\-]{8,}")
_ASSIGNED = re.compile(
    r"(?i)((?:[\w.-]*?)(?:password|passwd|pwd|secret|token|api[_-]?key|apikey|access[_-]?key|"
    r"private[_-]?key|account[_-]?key|auth|credential)s?[\w.-]*\s*(?:=|:|:=|=>)\s*)"
    r"(?:(['\"])([^'\"\n]{4,})\2|([^\s'\",;#]{6,}))"
)
_URL_PASSWORD = re.compile(r"(\b[a-zA-Z][a-zA-Z0-9+.-]*://[^/\s:@]+:)([^@\s/]+)(@)")
_PEM = re.compile(r"-----BEGIN ([A-Z ]*PRIVATE KEY)-----.*?(?:-----END \1-----|$)", re.DOTALL)
_KEYED_HEX = re.compile(
    r"(?i)(\b(?:key|token|secret|apikey)[\"']?\s*(?:=|:|\()\s*[\"']?)([0-9a-f]{32,64})\b"
)
"""Hex API keys under a bare ``key`` name: Kaggle's kaggle.json, ``wandb.login(key=...)``."""
_NETRC_PASSWORD = re.compile(r"(?i)(\bpassword\s+)(?![*]{4})(\S{4,})")
_AWS_SECRET = re.compile(r"(?<![A-Za-z0-9/+=])([A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])")


_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
"""Characters a report must not pass on raw: terminal escapes and other C0/C1 controls (a
form feed or vertical tab also splits an excerpt's lines), and bidirectional overrides that
make a line read differently from what it holds. Tab and newline stay."""
_ANY_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
"""The same, tab and newline included: for text that must stay on one line."""


def scrub(text: str) -> str:
    """Return target text fit for every report: secrets masked, control characters escaped.

    This is the one path every text taken from the target goes through (see the module
    docstring); control characters become visible backslash escapes, so an escape
    character reads as the four characters backslash, x, 1, b.
    """
    return escape_controls(redact(text).replace("\r\n", "\n"))


def escape_controls(text: str, *, one_line: bool = False) -> str:
    """Return ``text`` with control characters and bidirectional overrides escaped.

    ``one_line`` escapes tabs and newlines too (a file name must stay one line).
    """
    return (_ANY_CONTROL if one_line else _CONTROL).sub(_escape, text)


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def redact(text: str) -> str:
    """Return ``text`` with every secret-looking value masked."""
    text = _known_formats(text)
    text = _PEM.sub(lambda m: f"-----BEGIN {m.group(1)}----- {MASK}", text)
    text = _PREFIXED.sub(_mask_prefixed, text)
    text = _JWT.sub(lambda m: m.group(1) + MASK, text)
    text = _AZURE_CLIENT_SECRET.sub(MASK, text)
    text = _SLACK_WEBHOOK.sub(lambda m: m.group(1) + MASK, text)
    text = _URL_PASSWORD.sub(lambda m: m.group(1) + MASK + m.group(3), text)
    text = _KEYED_HEX.sub(lambda m: m.group(1) + MASK, text)
    text = _NETRC_PASSWORD.sub(lambda m: m.group(1) + MASK, text)
    return _ASSIGNED.sub(_mask_assignment, text)


def _known_formats(text: str) -> str:
    """Mask the secret part of every match of the detectors' formats, keeping its prefix."""
    lowered = text.lower()
    for rule in RULES:
        if rule.judge == "none" or not any(n.lower() in lowered for n in rule.needles):
            continue
        spans = [m.span("secret") for m in rule.pattern.finditer(text)]
        for start, end in reversed(spans):
            text = text[: start + rule.keep] + MASK + text[end:]
    return text


def _mask_prefixed(match: re.Match[str]) -> str:
    """Mask a token behind a known prefix; leave identifiers (``hf_hub_download``) alone."""
    body = match.group(2)
    random_looking = any(c.isdigit() for c in body) or (
        any(c.isupper() for c in body) and any(c.islower() for c in body)
    )
    if not random_looking or re.fullmatch(r"[a-z]+(?:_[a-z]+)*", body):
        return match.group(0)
    return match.group(1) + MASK


def _mask_assignment(match: re.Match[str]) -> str:
    prefix, quote, quoted, bare = match.group(1), match.group(2), match.group(3), match.group(4)
    value = quoted if quoted is not None else bare
    if value is None or _is_reference(value):
        return match.group(0)
    if quote:
        return f"{prefix}{quote}{MASK}{quote}"
    return prefix + MASK


def _is_reference(value: str) -> bool:
    """Values that name a secret rather than hold one (env lookups, templates, placeholders)."""
    lowered = value.lower()
    return (
        value.startswith(("$", "${", "{{", "os.environ", "os.getenv", "env.", "secrets."))
        or lowered in {"none", "null", "true", "false", "changeme", "required", "optional"}
        or lowered.startswith(("<", "your", "xxx", "os.", "getenv", "environ", "settings."))
        or "(" in value
    )
