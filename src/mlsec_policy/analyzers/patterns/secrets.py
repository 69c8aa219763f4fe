"""The secret detectors: every credential format of :mod:`.secret_formats`, run over a text.

Matches are filtered for placeholders (``hf_xxx…``, ``your-token-here``, ``${HF_TOKEN}``),
low-entropy strings, public samples and documentation dummies (:mod:`.secret_values`), so that
a report names real credentials only. Every match lies on one line. The secret itself never
leaves this module unmasked: :func:`mask` keeps the recognisable prefix.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass

from mlsec_policy.analyzers.patterns.secret_values import (
    entropy,
    is_placeholder,
    is_public_sample,
    masked_token,
    wordlike,
)
from mlsec_policy.models import Severity
from mlsec_policy.secret_formats import RULES, SecretRule

MASK = "****"

URL_SCHEMES = frozenset(
    {"postgres", "postgresql", "mysql", "mariadb", "mongodb", "mongodb+srv", "redis", "rediss",
     "amqp", "amqps", "mssql", "oracle", "sqlserver", "http", "https", "ftp", "s3", "snowflake",
     "clickhouse", "cockroachdb", "neo4j", "bolt", "nats", "kafka", "ldap", "ldaps", "smtp",
     "smtps"}
)  # fmt: skip
"""URL schemes whose ``user:password@`` part is a credential (``+driver`` suffixes allowed)."""
_BASE_SCHEMES = frozenset(s.split("+")[0] for s in URL_SCHEMES)
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]{0,30})$")
_WORD = re.compile(r"[A-Za-z0-9_]")
_CALL = re.compile(r"[A-Za-z_][\w.]*\(")


@dataclass(frozen=True, slots=True)
class SecretMatch:
    """A secret found in one line of text."""

    rule: SecretRule
    start: int
    end: int
    """Span of the secret part in the line."""
    masked_line: str
    """The whole line with this (and every other detected) secret masked."""
    severity: Severity = Severity.HIGH
    """How sure the format is (a JWT whose header decodes is surer than one that only has the
    shape)."""


_LOWERED_NEEDLES = tuple((rule, tuple(n.lower() for n in rule.needles)) for rule in RULES)
"""Each rule with its needles lower-cased once (``RULES`` is a constant tuple)."""


def find_secrets(line: str) -> Iterator[SecretMatch]:
    """Yield every real-looking secret of one line (placeholders and dummies are skipped)."""
    for _, match in scan_text(line):
        yield match


def scan_text(text: str) -> Iterator[tuple[int, SecretMatch]]:
    """Yield (0-based line index, match) for every secret of ``text``, in line order.

    Each rule runs once over the whole text, and only when the text holds one of its needles;
    matches are then grouped by line, so every line is masked once for all of its secrets.
    """
    lowered = text.lower()
    starts: list[int] | None = None
    by_line: dict[int, list[tuple[SecretRule, int, int, Severity]]] = {}
    for rule, needles in _LOWERED_NEEDLES:
        if not any(needle in lowered for needle in needles):
            continue
        for match in rule.pattern.finditer(text):
            start, end = match.span("secret")
            severity = _accepted(rule, match, text)
            if severity is None:
                continue
            if starts is None:
                starts = [0, *(m.end() for m in re.finditer("\n", text))]
            index = bisect.bisect_right(starts, start) - 1
            if end > (starts[index + 1] if index + 1 < len(starts) else len(text) + 1):
                continue  # a match spanning lines is not a credential on one line
            offset = starts[index]
            spans = by_line.setdefault(index, [])
            if not any(s < end - offset and start - offset < e for _, s, e, _ in spans):
                spans.append((rule, start - offset, end - offset, severity))
    for index in sorted(by_line):
        assert starts is not None
        stop = starts[index + 1] - 1 if index + 1 < len(starts) else len(text)
        line = text[starts[index] : stop]
        found = sorted(by_line[index], key=lambda item: item[1])
        masked = mask(line, [(s, e, r.keep) for r, s, e, _ in found])
        for rule, start, end, severity in found:
            yield index, SecretMatch(rule, start, end, masked, severity)


def _accepted(rule: SecretRule, match: re.Match[str], text: str) -> Severity | None:
    """Apply the boundary, scheme, placeholder and entropy filters; return the severity."""
    begin = match.start()
    bounded = rule.pattern.pattern.startswith("(?P<secret>")
    if bounded and begin > 0 and _WORD.match(text, begin - 1):
        return None  # a token prefix inside a longer word: ``task-…`` is not ``sk-…``
    if rule.id == "url-password":
        scheme = _SCHEME.search(text, max(0, begin - 31), begin)
        if scheme is None or scheme.group(1).lower().split("+")[0] not in _BASE_SCHEMES:
            return None
    secret = match.group("secret")
    body = secret[rule.keep :]
    if rule.judge == "value" and (is_placeholder(body) or _CALL.match(body)):
        return None  # a placeholder, or code: ``MLFLOW_TRACKING_PASSWORD = _EnvVar(...)``
    if rule.judge == "token" and (masked_token(body) or wordlike(body)):
        return None
    if is_public_sample(secret) or entropy(body) < rule.min_entropy:
        return None
    return rule.validate(match, text) if rule.validate else rule.severity


def mask(line: str, spans: list[tuple[int, int, int]]) -> str:
    """Return ``line`` with each (start, end, visible-prefix) span masked."""
    result = line
    for start, end, keep in sorted(spans, reverse=True):
        visible = min(keep, end - start)
        result = result[: start + visible] + MASK + result[end:]
    return result
