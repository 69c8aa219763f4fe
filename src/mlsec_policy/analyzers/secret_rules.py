"""The secret detectors: token formats with known prefixes, key blocks and URL passwords.

Each rule is a regular expression whose ``secret`` group is the sensitive part. Matches are
filtered for placeholders (``hf_xxx…``, ``your-token-here``, ``${HF_TOKEN}``), low-entropy
strings and documentation dummies, so that a report names real credentials only. The secret
itself never leaves this module unmasked: :func:`mask` keeps the recognisable prefix.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass

from mlsec_policy.models import Severity

MASK = "****"


@dataclass(frozen=True, slots=True)
class SecretRule:
    """One kind of credential."""

    id: str
    title: str
    pattern: re.Pattern[str]
    severity: Severity = Severity.HIGH
    min_entropy: float = 3.0
    """Shannon entropy (bits per character) the secret part must reach."""
    keep: int = 0
    """How many leading characters of the secret group stay visible when masked."""


def _rule(rule_id: str, title: str, regex: str, **extra: object) -> SecretRule:
    return SecretRule(rule_id, title, re.compile(regex), **extra)  # type: ignore[arg-type]


RULES: tuple[SecretRule, ...] = (
    _rule("private-key", "a private key", r"-----BEGIN (?P<secret>(?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?)-----", min_entropy=0.0, keep=100),  # noqa: E501
    _rule("huggingface-token", "a Hugging Face token", r"\b(?P<secret>hf_[A-Za-z0-9]{30,40})\b", keep=3),  # noqa: E501
    _rule("huggingface-org-token", "a Hugging Face organisation token", r"\b(?P<secret>api_org_[A-Za-z0-9]{30,40})\b", keep=8),  # noqa: E501
    _rule("anthropic-key", "an Anthropic API key", r"\b(?P<secret>sk-ant-(?:api|admin)\d\d-[A-Za-z0-9_\-]{32,})", keep=7),  # noqa: E501
    _rule("openai-key", "an OpenAI API key", r"\b(?P<secret>sk-(?:proj|svcacct|admin)-[A-Za-z0-9_\-]{32,}|sk-[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20})", keep=3),  # noqa: E501
    _rule("aws-access-key-id", "an AWS access key id", r"\b(?P<secret>(?:AKIA|ASIA)[A-Z0-9]{16})\b", keep=4, min_entropy=2.5),  # noqa: E501
    _rule("aws-secret-key", "an AWS secret access key", r"(?i)aws_?secret_?(?:access_?)?key\W{0,5}(?:=|:|:=|=>)\s*[\"']?(?P<secret>[A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])", min_entropy=3.5),  # noqa: E501
    _rule("github-token", "a GitHub token", r"\b(?P<secret>gh[pousr]_[A-Za-z0-9]{36,255}|github_pat_[A-Za-z0-9_]{60,255})\b", keep=4),  # noqa: E501
    _rule("gitlab-token", "a GitLab token", r"\b(?P<secret>glpat-[A-Za-z0-9_\-]{20,})", keep=6),
    _rule("slack-token", "a Slack token", r"\b(?P<secret>xox[abposr]-[A-Za-z0-9-]{10,})", keep=5),
    _rule("google-api-key", "a Google API key", r"\b(?P<secret>AIza[0-9A-Za-z_\-]{35})\b", keep=4),
    _rule("stripe-key", "a Stripe secret key", r"\b(?P<secret>[sr]k_live_[0-9A-Za-z]{20,})\b", keep=8),  # noqa: E501
    _rule("replicate-token", "a Replicate token", r"\b(?P<secret>r8_[A-Za-z0-9]{37})\b", keep=3),
    _rule("groq-key", "a Groq API key", r"\b(?P<secret>gsk_[A-Za-z0-9]{48,})\b", keep=4),
    _rule("nvidia-key", "an NVIDIA API key", r"\b(?P<secret>nvapi-[A-Za-z0-9_\-]{40,})", keep=6),
    _rule("wandb-key", "a Weights & Biases API key", r"(?i)(?:wandb_api_key|wandb\.login\s*\(\s*key)\W{0,5}(?:=|:)?\s*[\"']?(?P<secret>[0-9a-f]{40})\b"),  # noqa: E501
    _rule("wandb-key-v1", "a Weights & Biases API key", r"\b(?P<secret>wandb_v1_[A-Za-z0-9_]{40,})", keep=9),  # noqa: E501
    _rule("kaggle-key", "a Kaggle API key", r"(?i)(?:kaggle_key\W{0,5}(?:=|:)|\"key\"\s*:)\s*[\"']?(?P<secret>[0-9a-f]{32})\b"),  # noqa: E501
    _rule("mlflow-credentials", "MLflow tracking credentials", r"(?i)mlflow_tracking_(?:password|token)\W{0,5}(?:=|:)\s*[\"']?(?P<secret>[^\s\"'$]{8,})", severity=Severity.HIGH, min_entropy=2.5),  # noqa: E501
    _rule("url-password", "a password inside a URL", r"\b(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|redis|rediss|amqps?|mssql|oracle|sqlserver|https?|ftp|s3|snowflake)(?:\+[a-z0-9]+)?://[^\s:/@\"'`]{1,64}:(?P<secret>[^\s@/\"'`]{3,128})@[A-Za-z0-9.\-\[\]]", min_entropy=1.5),  # noqa: E501
)  # fmt: skip
"""Every detector, most specific first."""

PLACEHOLDER_WORDS = (
    "your",
    "xxxx",
    "example",
    "placeholder",
    "changeme",
    "change_me",
    "dummy",
    "fake",
    "sample",
    "redacted",
    "replace",
    "insert",
    "here",
    "secret_key",
    "password",
    "****",
    "...",
    "<",
    "${",
    "{{",
    "%(",
    "{",
    "$",
)
"""Substrings that mark a value as a placeholder rather than a credential."""

SECRET_NAME = re.compile(
    r"(?i)(?<![a-z])(?:token|secret|passw(?:or)?d|passwd|api[_\-]?key|apikey|access[_\-]?key|"
    r"private[_\-]?key|client[_\-]?secret|credentials?|auth[_\-]?key)(?![a-z])"
)
"""Names of variables, keys and settings that hold secrets."""


@dataclass(frozen=True, slots=True)
class SecretMatch:
    """A secret found in one line of text."""

    rule: SecretRule
    start: int
    end: int
    """Span of the secret part in the line."""
    masked_line: str
    """The whole line with this (and every other detected) secret masked."""


def entropy(text: str) -> float:
    """Return the Shannon entropy of ``text`` in bits per character."""
    if not text:
        return 0.0
    counts: dict[str, int] = {}
    for char in text:
        counts[char] = counts.get(char, 0) + 1
    return -sum(c / len(text) * math.log2(c / len(text)) for c in counts.values())


def is_placeholder(value: str) -> bool:
    """Return True when ``value`` reads as a placeholder, a reference or a dummy."""
    lowered = value.strip().strip("\"'").lower()
    if len(lowered) < 4 or len(set(lowered)) <= 3:
        return True
    if any(word in lowered for word in PLACEHOLDER_WORDS):
        return True
    if re.fullmatch(r"[a-z]+(?:[_\-][a-z]+)*", lowered):
        return True  # a word or identifier (``hunter``, ``db_pass_value``)
    return re.search(r"(abc|123|xyz){2}|0123456|abcdefgh", lowered) is not None


def find_secrets(line: str) -> Iterator[SecretMatch]:
    """Yield every real-looking secret of ``line`` (placeholders and dummies are skipped)."""
    found: list[tuple[SecretRule, int, int]] = []
    for rule in RULES:
        for match in rule.pattern.finditer(line):
            start, end = match.span("secret")
            if any(s < end and start < e for _, s, e in found):
                continue
            secret = match.group("secret")
            body = secret[rule.keep :] if rule.id != "private-key" else secret
            if rule.id != "private-key" and (
                is_placeholder(body) or entropy(body) < rule.min_entropy
            ):
                continue
            found.append((rule, start, end))
    if not found:
        return
    masked = mask(line, [(s, e, r.keep) for r, s, e in found])
    for rule, start, end in sorted(found, key=lambda f: f[1]):
        yield SecretMatch(rule, start, end, masked)


def mask(line: str, spans: list[tuple[int, int, int]]) -> str:
    """Return ``line`` with each (start, end, visible-prefix) span masked."""
    result = line
    for start, end, keep in sorted(spans, reverse=True):
        visible = min(keep, end - start)
        result = result[: start + visible] + MASK + result[end:]
    return result
