"""Credential formats, one regular expression per documented token shape.

Each rule's ``secret`` group is the sensitive part; ``needles`` are literals every match
contains, so a rule is skipped on text that lacks them. The shapes are the ones the providers
document (prefix, alphabet, length; see ``benchmarks/secrets/README.md`` for the sources). A
checksum or a decodable structure raises confidence where a format has one (a JWT header that
decodes to JSON), but is never required: a token that has the shape is reported.

``judge`` says how a matched value is tested for being a placeholder
(:mod:`.secret_values`): ``token`` for prefixed formats (masks, templates, sample words),
``value`` for values found by the name in front of them (also words and identifiers),
``none`` where a validator decides alone (private keys: the key body must be there).
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from mlsec_policy.models import Severity
from mlsec_policy.textfile import load_json

Validator = Callable[[re.Match[str], str], Severity | None]
"""Given the match and the whole text, return the severity to report, or None to drop it."""


@dataclass(frozen=True, slots=True)
class SecretRule:
    """One kind of credential."""

    id: str
    title: str
    pattern: re.Pattern[str]
    needles: tuple[str, ...]
    """Literals of which every match contains one; the rule is skipped on text without any."""
    severity: Severity = Severity.HIGH
    min_entropy: float = 3.0
    """Shannon entropy (bits per character) the secret part must reach."""
    keep: int = 0
    """How many leading characters of the secret group stay visible when masked (and are not
    judged: ``hf_`` is not part of the randomness)."""
    judge: Literal["token", "value", "none"] = "token"
    validate: Validator | None = None


def _rule(
    rule_id: str, title: str, regex: str, needles: tuple[str, ...], **extra: object
) -> SecretRule:
    return SecretRule(rule_id, title, re.compile(regex), needles, **extra)  # type: ignore[arg-type]


_BASE64_BODY = re.compile(r"[A-Za-z0-9+/=]+")
_ESCAPES = re.compile(r"\\+[nrt]|\s|[\"'+,]")


def private_key_body(match: re.Match[str], text: str) -> Severity | None:
    r"""Accept a PEM header only when at least 64 characters of key body follow it.

    The body may be on the next lines or, in JSON and code, on the same line with ``\\n``
    escapes; armour without a body (``-----BEGIN PRIVATE KEY-----`` in documentation) is not
    a key.
    """
    header_end = text.index("-----", match.start("secret")) + 5
    region = text[header_end : header_end + 8192]
    region = region.split("-----END", 1)[0]
    lines = [line for line in region.split("\n") if not re.match(r"\s*[\w-]+: ", line)]
    body = _ESCAPES.sub("", "".join(lines))
    run = _BASE64_BODY.match(body)
    return Severity.HIGH if run and len(run.group(0)) >= 64 else None


def _b64decode(text: str) -> bytes | None:
    padded = text + "=" * (-len(text) % 4)
    try:
        return base64.urlsafe_b64decode(padded.replace("+", "-").replace("/", "_"))
    except (binascii.Error, ValueError):
        return None


def jwt_header(match: re.Match[str], text: str) -> Severity | None:
    """Return high for a JWT whose header decodes to JSON naming ``alg``, medium otherwise.

    A token that only has the shape (``ey…``.``ey…``.``…``) is still reported, with less
    confidence.
    """
    header = _b64decode(match.group("secret").split(".", 1)[0].rstrip("="))
    try:
        decoded = load_json(header or b"")
    except (ValueError, UnicodeDecodeError):
        return Severity.MEDIUM
    return Severity.HIGH if isinstance(decoded, dict) and "alg" in decoded else Severity.MEDIUM


def wrapped_jwt(match: re.Match[str], text: str) -> Severity | None:
    """Accept base64 text only when it decodes to a JWT (``eyJ…``.``…``.)."""
    decoded = _b64decode(match.group("secret").rstrip("="))
    if decoded is None:
        return None
    plain = decoded.decode("ascii", errors="replace")
    return Severity.HIGH if re.match(r"eyJ[\w-]{8,}\.[\w-]*", plain) else None


_TOKEN_END = r"(?![A-Za-z0-9_\-])"

RULES: tuple[SecretRule, ...] = (
    _rule("private-key", "a private key", r"-----BEGIN (?P<secret>(?:[A-Z0-9]+ )*PRIVATE KEY(?: BLOCK)?-----.*)", ("PRIVATE KEY",), judge="none", min_entropy=0.0, validate=private_key_body),  # noqa: E501
    _rule("huggingface-token", "a Hugging Face token", r"(?P<secret>hf_[A-Za-z0-9]{34})(?![A-Za-z0-9_])", ("hf_",), keep=3),  # noqa: E501
    _rule("huggingface-org-token", "a Hugging Face organisation token", r"(?P<secret>api_org_[A-Za-z0-9]{34})(?![A-Za-z0-9_])", ("api_org_",), keep=8),  # noqa: E501
    _rule("anthropic-key", "an Anthropic API key", r"(?P<secret>sk-ant-(?:api|admin)\d\d-[A-Za-z0-9_\-]{93}AA)" + _TOKEN_END, ("sk-ant-",), keep=7),  # noqa: E501
    _rule("openai-key", "an OpenAI API key", r"(?P<secret>sk-(?:(?:proj|svcacct|admin)-[A-Za-z0-9_\-]{32,}|[A-Za-z0-9]{20}T3BlbkFJ[A-Za-z0-9]{20}))", ("sk-",), keep=3),  # noqa: E501
    _rule("aws-access-key-id", "an AWS access key id", r"(?P<secret>A(?:KIA|SIA|BIA|CCA)[A-Z0-9]{16})(?![A-Za-z0-9])", ("AKIA", "ASIA", "ABIA", "ACCA"), keep=4, min_entropy=2.5),  # noqa: E501
    _rule("aws-secret-key", "an AWS secret access key", r"(?i)aws_?secret_?(?:access_?)?key\W{0,5}(?:=|:|:=|=>)\s*[\"']?(?P<secret>[A-Za-z0-9/+=]{40})(?![A-Za-z0-9/+=])", ("ecret",), min_entropy=3.5, judge="value"),  # noqa: E501
    _rule("aws-bedrock-key", "an Amazon Bedrock API key", r"(?P<secret>ABSKQmVkcm9ja0FQSUtleS[A-Za-z0-9+/]{60,}={0,2})(?![A-Za-z0-9+/=])", ("ABSK",), keep=4),  # noqa: E501
    _rule("aws-bedrock-short-key", "an Amazon Bedrock API key (short-term)", r"(?P<secret>bedrock-api-key-YmVkcm9jay5hbWF6b25hd3MuY29t[A-Za-z0-9+/=%_\-]*)", ("bedrock-api-key-",), keep=16),  # noqa: E501
    _rule("github-token", "a GitHub token", r"(?P<secret>gh[pousr]_[A-Za-z0-9]{36,255})\b", ("ghp_", "gho_", "ghu_", "ghs_", "ghr_"), keep=4),  # noqa: E501
    _rule("github-pat", "a GitHub token", r"(?P<secret>github_pat_[A-Za-z0-9_]{60,255})\b", ("github_pat_",), keep=11),  # noqa: E501
    _rule("gitlab-token", "a GitLab token", r"(?P<secret>glpat-[A-Za-z0-9_\-]{20,})", ("glpat-",), keep=6),  # noqa: E501
    _rule("slack-bot-token", "a Slack bot token", r"(?P<secret>xoxb-\d{8,14}-(?:\d{8,14}-)?[A-Za-z0-9]{18,})" + _TOKEN_END, ("xoxb-",), keep=5),  # noqa: E501
    _rule("slack-user-token", "a Slack user token", r"(?P<secret>xox[pe]-\d{8,14}-\d{8,14}-\d{8,14}-[A-Za-z0-9]{24,})" + _TOKEN_END, ("xoxp-", "xoxe-"), keep=5),  # noqa: E501
    _rule("slack-legacy-token", "a Slack legacy token", r"(?P<secret>xox[os]-\d+-\d+-\d+-[A-Fa-f0-9]{10,})" + _TOKEN_END, ("xoxo-", "xoxs-"), keep=5),  # noqa: E501
    _rule("slack-workspace-token", "a Slack workspace token", r"(?P<secret>xox[ar]-(?:\d-)?[A-Za-z0-9]{8,}(?:-[A-Za-z0-9]+)*)" + _TOKEN_END, ("xoxa-", "xoxr-"), keep=5, min_entropy=1.0),  # noqa: E501
    _rule("slack-app-token", "a Slack app-level token", r"(?P<secret>xapp-\d-[A-Z0-9]{8,}-\d{8,}-[A-Za-z0-9]{32,})" + _TOKEN_END, ("xapp-",), keep=5),  # noqa: E501
    _rule("slack-config-token", "a Slack configuration token", r"(?P<secret>xoxe(?:\.xox[bp])?-\d-[A-Za-z0-9]{100,})" + _TOKEN_END, ("xoxe",), keep=5),  # noqa: E501
    _rule("slack-webhook", "a Slack webhook URL", r"hooks\.slack\.com/(?:services|workflows|triggers)/(?P<secret>[A-Za-z0-9+/_\-]{20,})", ("hooks.slack.com/",)),  # noqa: E501
    _rule("google-api-key", "a Google API key", r"(?P<secret>AIza[0-9A-Za-z_\-]{35})" + _TOKEN_END, ("AIza",), keep=4),  # noqa: E501
    _rule("azure-client-secret", "an Azure AD client secret", r"(?<![A-Za-z0-9_~.\-])(?P<secret>[A-Za-z0-9_~.]{3}\dQ~[A-Za-z0-9_~.\-]{31,34})(?![A-Za-z0-9_~.\-])", ("Q~",)),  # noqa: E501
    _rule("azure-storage-key", "an Azure storage account key", r"AccountKey=(?P<secret>[A-Za-z0-9+/]{86}==)", ("AccountKey=",)),  # noqa: E501
    _rule("azure-shared-access-key", "an Azure shared access key", r"SharedAccessKey=(?P<secret>[A-Za-z0-9+/]{42,43}=)", ("SharedAccessKey=",)),  # noqa: E501
    _rule("jwt", "a JSON Web Token", r"(?P<secret>ey[A-Za-z0-9_\-]{10,}\.ey[A-Za-z0-9_\-]{10,}\.[A-Za-z0-9_\-]*={0,2})(?![A-Za-z0-9_\-=.])", (".ey",), keep=2, validate=jwt_header),  # noqa: E501
    _rule("jwt-base64", "a base64-encoded JSON Web Token", r"(?P<secret>ZXlK[A-Za-z0-9+/_\-]{40,}={0,2})", ("ZXlK",), keep=4, validate=wrapped_jwt),  # noqa: E501
    _rule("stripe-key", "a Stripe secret key", r"(?P<secret>sk_live_[0-9A-Za-z]{20,})\b", ("sk_live_",), keep=8),  # noqa: E501
    _rule("stripe-restricted-key", "a Stripe restricted key", r"(?P<secret>rk_live_[0-9A-Za-z]{20,})\b", ("rk_live_",), keep=8),  # noqa: E501
    _rule("replicate-token", "a Replicate token", r"(?P<secret>r8_[A-Za-z0-9]{37})\b", ("r8_",), keep=3),  # noqa: E501
    _rule("groq-key", "a Groq API key", r"(?P<secret>gsk_[A-Za-z0-9]{48,})\b", ("gsk_",), keep=4),
    _rule("nvidia-key", "an NVIDIA API key", r"(?P<secret>nvapi-[A-Za-z0-9_\-]{40,})", ("nvapi-",), keep=6),  # noqa: E501
    _rule("wandb-key", "a Weights & Biases API key", r"(?i)(?:wandb_api_key|wandb\.login\s*\(\s*key)\W{0,5}(?:=|:)?\s*[\"']?(?P<secret>[0-9a-f]{40})\b", ("andb",)),  # noqa: E501
    _rule("wandb-key-v1", "a Weights & Biases API key", r"(?P<secret>wandb_v1_[A-Za-z0-9_]{40,})", ("wandb_v1_",), keep=9),  # noqa: E501
    _rule("kaggle-key", "a Kaggle API key", r"\"key\"\s*:\s*\"(?P<secret>[0-9a-f]{32})\"", ('"key"',)),  # noqa: E501
    _rule("kaggle-env-key", "a Kaggle API key", r"(?i)kaggle_key\W{0,5}(?:=|:)\s*[\"']?(?P<secret>[0-9a-f]{32})\b", ("aggle",)),  # noqa: E501
    _rule("mlflow-credentials", "MLflow tracking credentials", r"(?i)mlflow_tracking_(?:password|token)\W{0,5}(?:=|:)\s*[\"']?(?P<secret>[^\s\"'$]{8,})", ("racking_",), min_entropy=2.5, judge="value"),  # noqa: E501
    _rule("url-password", "a password inside a URL", r"://[^\s:/@\"'`]{0,64}:(?P<secret>[^\s@/\"'`]{3,128})@[A-Za-z0-9.\-\[\]]", ("://",), min_entropy=1.5, judge="value"),  # noqa: E501
)  # fmt: skip
"""Every detector, most specific first (an earlier rule's span wins an overlap)."""
