"""Remove secrets from text before it reaches any report.

A report must never leak what it found. Every snippet passes through :func:`redact`, which
masks known token formats (keeping the recognisable prefix so a reader knows what kind of
secret it was), values assigned to secret-looking names, passwords inside URLs and private
key blocks.
"""

from __future__ import annotations

import re

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


def redact(text: str) -> str:
    """Return ``text`` with every secret-looking value masked."""
    text = _PEM.sub(lambda m: f"-----BEGIN {m.group(1)}----- {MASK}", text)
    text = _PREFIXED.sub(_mask_prefixed, text)
    text = _JWT.sub(lambda m: m.group(1) + MASK, text)
    text = _AZURE_CLIENT_SECRET.sub(MASK, text)
    text = _SLACK_WEBHOOK.sub(lambda m: m.group(1) + MASK, text)
    text = _URL_PASSWORD.sub(lambda m: m.group(1) + MASK + m.group(3), text)
    text = _KEYED_HEX.sub(lambda m: m.group(1) + MASK, text)
    text = _NETRC_PASSWORD.sub(lambda m: m.group(1) + MASK, text)
    return _ASSIGNED.sub(_mask_assignment, text)


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
