"""The secret detectors: token formats with known prefixes, key blocks and URL passwords.

Each rule is a regular expression whose ``secret`` group is the sensitive part. Matches are
filtered for placeholders (``hf_xxx…``, ``your-token-here``, ``${HF_TOKEN}``), low-entropy
strings and documentation dummies, so that a report names real credentials only. The secret
itself never leaves this module unmasked: :func:`mask` keeps the recognisable prefix.
:func:`literal_secret` judges a value by the name it is given to (``password = "..."``).
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass

from mlsec_policy.models import Severity
from mlsec_policy.views.helm import PLACEHOLDER

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
    _rule("huggingface-token", "a Hugging Face token", r"(?P<secret>hf_[A-Za-z0-9]{30,40})\b", keep=3),  # noqa: E501
    _rule("huggingface-org-token", "a Hugging Face organisation token", r"(?P<secret>api_org_[A-Za-z0-9]{30,40})\b", keep=8),  # noqa: E501
    _rule("anthropic-key", "an Anthropic API key", r"(?P<secret>sk-ant-(?:api|admin)\d\d-[A-Za-z0-9_\-]{32,})", keep=7),  # noqa: E501
    _rule("openai-key", "an OpenAI API key", r"(?P<secret>sk-(?:(?:proj|svcacct|admin)-[A-Za-z0-9_\-]{32,}|[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}))", keep=3),  # noqa: E501
    _rule("aws-access-key-id", "an AWS access key id", r"(?P<secret>A(?:KIA|SIA)[A-Z0-9]{16})\b", keep=4, min_entropy=2.5),  # noqa: E501
    _rule("aws-secret-key", "an AWS secret access key", r"(?i)aws_?secret_?(?:access_?)?key\W{0,5}(?:=|:|:=|=>)\s*[\"']?(?P<secret>[A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])", min_entropy=3.5),  # noqa: E501
    _rule("github-token", "a GitHub token", r"(?P<secret>gh[pousr]_[A-Za-z0-9]{36,255})\b", keep=4),
    _rule("github-pat", "a GitHub token", r"(?P<secret>github_pat_[A-Za-z0-9_]{60,255})\b", keep=11),  # noqa: E501
    _rule("gitlab-token", "a GitLab token", r"(?P<secret>glpat-[A-Za-z0-9_\-]{20,})", keep=6),
    _rule("slack-token", "a Slack token", r"(?P<secret>xox[abposr]-[A-Za-z0-9-]{10,})", keep=5),
    _rule("google-api-key", "a Google API key", r"(?P<secret>AIza[0-9A-Za-z_\-]{35})\b", keep=4),
    _rule("stripe-key", "a Stripe secret key", r"(?P<secret>sk_live_[0-9A-Za-z]{20,})\b", keep=8),
    _rule("stripe-restricted-key", "a Stripe restricted key", r"(?P<secret>rk_live_[0-9A-Za-z]{20,})\b", keep=8),  # noqa: E501
    _rule("replicate-token", "a Replicate token", r"(?P<secret>r8_[A-Za-z0-9]{37})\b", keep=3),
    _rule("groq-key", "a Groq API key", r"(?P<secret>gsk_[A-Za-z0-9]{48,})\b", keep=4),
    _rule("nvidia-key", "an NVIDIA API key", r"(?P<secret>nvapi-[A-Za-z0-9_\-]{40,})", keep=6),
    _rule("wandb-key", "a Weights & Biases API key", r"(?i)(?:wandb_api_key|wandb\.login\s*\(\s*key)\W{0,5}(?:=|:)?\s*[\"']?(?P<secret>[0-9a-f]{40})\b"),  # noqa: E501
    _rule("wandb-key-v1", "a Weights & Biases API key", r"(?P<secret>wandb_v1_[A-Za-z0-9_]{40,})", keep=9),  # noqa: E501
    _rule("kaggle-key", "a Kaggle API key", r"\"key\"\s*:\s*\"(?P<secret>[0-9a-f]{32})\""),
    _rule("kaggle-env-key", "a Kaggle API key", r"(?i)kaggle_key\W{0,5}(?:=|:)\s*[\"']?(?P<secret>[0-9a-f]{32})\b"),  # noqa: E501
    _rule("mlflow-credentials", "MLflow tracking credentials", r"(?i)mlflow_tracking_(?:password|token)\W{0,5}(?:=|:)\s*[\"']?(?P<secret>[^\s\"'$]{8,})", severity=Severity.HIGH, min_entropy=2.5),  # noqa: E501
    _rule("url-password", "a password inside a URL", r"://[^\s:/@\"'`]{1,64}:(?P<secret>[^\s@/\"'`]{3,128})@[A-Za-z0-9.\-\[\]]", min_entropy=1.5),  # noqa: E501
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
    "(",
    "[",
)
"""Substrings that mark a value as a placeholder rather than a credential."""

SECRET_NAME = re.compile(
    r"(?i)(?<![a-z])(?:token|secret|passw(?:or)?d|passwd|api[_\-]?key|apikey|access[_\-]?key|"
    r"private[_\-]?key|client[_\-]?secret|credentials?|auth[_\-]?key)(?![a-z])"
)
"""Names of variables, keys and settings that hold secrets (in env files, ENV lines, manifests)."""

CODE_SECRET_NAME = re.compile(
    r"(?i)(?<![a-z])(?:passw(?:or)?d|passwd|secret|api[_\-]?key|apikey|access[_\-]?key|"
    r"private[_\-]?key|client[_\-]?secret|(?:auth|access|api|bearer|refresh|secret|session|hf|"
    r"gh|github|gitlab|slack|bot|oauth)[_\-]?token)(?![a-z])"
)
"""Stricter names for assignments in code: a bare ``token`` there is usually an NLP token."""

NOT_A_SECRET_NAME = re.compile(
    r"(?i)[_\-.](?:name|names|path|file|dir|url|uri|env|var|header|field|prefix|suffix|type|id|"
    r"ids|tensor|length|len|count|size|key_name|param|column|attr|pattern|regex|template)$"
)
"""Names that hold something *about* a secret (where it is, what it is called), not the secret."""


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
    return re.search(r"(abc|123|xyz){2}|0123456|123456|abcdefgh", lowered) is not None


URL_SCHEMES = frozenset(
    {"postgres", "postgresql", "mysql", "mariadb", "mongodb", "mongodb+srv", "redis", "rediss",
     "amqp", "amqps", "mssql", "oracle", "sqlserver", "http", "https", "ftp", "s3", "snowflake"}
)  # fmt: skip
"""URL schemes whose ``user:password@`` part is a credential (``+driver`` suffixes allowed)."""
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]{0,30})$")
_WORD = re.compile(r"[A-Za-z0-9_]")


def find_secrets(line: str) -> Iterator[SecretMatch]:
    """Yield every real-looking secret of one line (placeholders and dummies are skipped)."""
    for _, match in scan_text(line):
        yield match


def scan_text(text: str) -> Iterator[tuple[int, SecretMatch]]:
    """Yield (0-based line index, match) for every secret of ``text``, in line order.

    Each rule runs once over the whole text (regular expressions with a literal prefix are
    fast there); matches are then grouped by line, so every line is masked once for all of
    its secrets.
    """
    starts: list[int] | None = None
    by_line: dict[int, list[tuple[SecretRule, int, int]]] = {}
    for rule in RULES:
        for match in rule.pattern.finditer(text):
            start, end = match.span("secret")
            if not _accepted(rule, match, text):
                continue
            if starts is None:
                starts = [0, *(m.end() for m in re.finditer("\n", text))]
            index = bisect.bisect_right(starts, start) - 1
            if end > (starts[index + 1] if index + 1 < len(starts) else len(text) + 1):
                continue  # a match spanning lines is not a credential on one line
            offset = starts[index]
            spans = by_line.setdefault(index, [])
            if not any(s < end - offset and start - offset < e for _, s, e in spans):
                spans.append((rule, start - offset, end - offset))
    for index in sorted(by_line):
        assert starts is not None
        stop = starts[index + 1] - 1 if index + 1 < len(starts) else len(text)
        line = text[starts[index] : stop]
        found = sorted(by_line[index], key=lambda item: item[1])
        masked = mask(line, [(s, e, r.keep) for r, s, e in found])
        for rule, start, end in found:
            yield index, SecretMatch(rule, start, end, masked)


def _accepted(rule: SecretRule, match: re.Match[str], text: str) -> bool:
    """Apply the word boundary, scheme, placeholder and entropy filters to one match."""
    begin = match.start()
    prefixed = rule.pattern.pattern.startswith("(?P<secret>")
    if prefixed and begin > 0 and _WORD.match(text, begin - 1):
        return False  # a token prefix inside a longer word: ``task-…`` is not ``sk-…``
    if rule.id == "url-password":
        scheme = _SCHEME.search(text, max(0, begin - 31), begin)
        if scheme is None or scheme.group(1).lower().split("+")[0] not in _base_schemes():
            return False
    if rule.id == "private-key":
        return True
    body = match.group("secret")[rule.keep :]
    return not is_placeholder(body) and entropy(body) >= rule.min_entropy


def _base_schemes() -> frozenset[str]:
    return frozenset(s.split("+")[0] for s in URL_SCHEMES)


def mask(line: str, spans: list[tuple[int, int, int]]) -> str:
    """Return ``line`` with each (start, end, visible-prefix) span masked."""
    result = line
    for start, end, keep in sorted(spans, reverse=True):
        visible = min(keep, end - start)
        result = result[: start + visible] + MASK + result[end:]
    return result


def literal_secret(
    name: str, value: str, min_entropy: float = 2.5, names: re.Pattern[str] = SECRET_NAME
) -> bool:
    """Return True when ``value`` given to setting ``name`` looks like a real secret."""
    if not names.search(name) or NOT_A_SECRET_NAME.search(name):
        return False
    value = value.strip().strip("\"'")
    if "://" in value or value.startswith(("/", "./", "~")) or any(c.isspace() for c in value):
        return False  # a URL, a path or a phrase
    if re.fullmatch(r"[a-z_][\w\-]*(?:\.[\w\-]+)+|[A-Z][A-Z0-9_]+", value):
        return False  # a dotted name (``argilla.apikey``) or an environment variable's name
    if re.fullmatch(r"\.*[A-Za-z_]\w*(?:[.:][A-Za-z_]\w*)+", value):
        return False  # an import path (``._internal.cloud.api_token:ApiToken``)
    if len(value) < 6 or is_placeholder(value) or PLACEHOLDER in value:
        return False
    if value.lower() in {"true", "false", "none", "null", "required", "optional"}:
        return False
    if any(find_secrets(value)):
        return False  # a known token format: the token detector reports it, once
    return entropy(value) >= min_entropy
