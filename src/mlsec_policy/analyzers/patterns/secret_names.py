"""Which setting names hold a secret, read word by word.

A name is split into words whatever its style (``HF_TOKEN``, ``hfToken``, ``hf-token``,
``cas.authn.client-secret``), then judged by what its words say:

- **strong** — the name says it holds a credential: ``password``, ``secret``, ``api_key``,
  ``client_secret``, ``access_token``, ``hf_token``, ``db_pass``…; any literal that is not a
  placeholder is reported;
- **weak** — the name may hold one: a bare ``token`` in code (usually an NLP token there),
  ``user_auth``, ``PINECONE_KEY`` in an environment file; only a value that looks generated
  is reported;
- **none** — the name holds something *about* a secret (``token_path``, ``SECRET_NAME``,
  ``api_key_env``, ``REFRESH_TOKEN_KEY``, the key a token is stored under,
  ``vaultToStoreSecrets``), or a token that is not a credential (``pad_token``,
  ``publicToken``, ``csrf_token``, ``page_token``).
"""

from __future__ import annotations

import enum
import re

_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+")


class Strength(enum.IntEnum):
    """How strongly a name says that its value is a credential."""

    NONE = 0
    WEAK = 1
    STRONG = 2


SECRET_WORDS = frozenset(
    {
        "password",
        "passwd",
        "passphrase",
        "secret",
        "secrets",
        "credential",
        "credentials",
        "creds",
        "apikey",
        "accesskey",
        "privatekey",
        "secretkey",
        "clientsecret",
        "authkey",
        "accesstoken",
        "authtoken",
        "apitoken",
        "bearertoken",
        "refreshtoken",
    }
)
"""Words that name a credential on their own."""

KEY_KINDS = frozenset(
    {
        "api",
        "access",
        "private",
        "secret",
        "auth",
        "account",
        "master",
        "signing",
        "encryption",
        "session",
        "storage",
        "subscription",
        "client",
        "admin",
        "license",
    }
)
"""Words that make ``… key`` a credential (``api key``, ``account key``)."""

TOKEN_KINDS = frozenset(
    {
        "auth",
        "access",
        "api",
        "bearer",
        "refresh",
        "session",
        "id",
        "hf",
        "huggingface",
        "hub",
        "gh",
        "github",
        "gitlab",
        "slack",
        "bot",
        "oauth",
        "jwt",
        "personal",
        "pat",
        "service",
        "app",
        "user",
        "admin",
        "security",
        "sas",
        "webhook",
        "secret",
    }
)
"""Words that make ``… token`` a credential even in code (``hf token``, ``access token``)."""

NOT_CREDENTIAL = frozenset(
    {
        "public",
        "csrf",
        "xsrf",
        "pad",
        "bos",
        "eos",
        "unk",
        "sep",
        "cls",
        "mask",
        "page",
        "next",
        "continuation",
        "cursor",
        "max",
        "min",
        "num",
        "total",
        "special",
        "start",
        "end",
        "stop",
        "padding",
        "image",
        "audio",
        "vocab",
        "cache",
        "dict",
        "sort",
        "partition",
        "primary",
        "foreign",
        "bucket",
        "object",
        "row",
        "schema",
        "sequence",
        "hot",
        "shortcut",
        "lookup",
        "natural",
        "composite",
    }
)
"""Words before ``token``/``key``/``secret`` that make it something else (``pad_token``)."""

PREPOSITIONS = frozenset({"to", "for", "of", "from", "with", "by"})
"""In ``vault_to_store_secrets`` or ``path_for_token`` the thing named comes before the
preposition; what follows only says what it is for."""

QUALIFIERS = frozenset(
    {"value", "string", "str", "b64", "base64", "hex", "raw", "plain", "plaintext", "text"}
)
"""Trailing words that say how a secret is written, not what the name holds."""

DESCRIPTIVE = frozenset(
    {
        "name",
        "names",
        "path",
        "paths",
        "file",
        "files",
        "filename",
        "dir",
        "directory",
        "url",
        "uri",
        "env",
        "var",
        "variable",
        "header",
        "field",
        "prefix",
        "suffix",
        "type",
        "id",
        "ids",
        "tensor",
        "length",
        "len",
        "count",
        "size",
        "param",
        "column",
        "attr",
        "pattern",
        "regex",
        "template",
        "endpoint",
        "host",
        "hostname",
        "port",
        "region",
        "bucket",
        "user",
        "username",
        "email",
        "label",
        "version",
        "format",
        "mode",
        "enabled",
        "enable",
        "required",
        "timeout",
        "expiry",
        "expires",
        "expiration",
        "ttl",
        "lifetime",
        "scope",
        "scopes",
        "location",
        "store",
        "vault",
        "provider",
        "manager",
        "ref",
        "policy",
        "rotation",
        "source",
        "kind",
        "arn",
        "index",
        "idx",
        "method",
        "class",
        "config",
        "settings",
        "option",
        "options",
        "limit",
        "budget",
        "hash",
        "digest",
        "usage",
        "schema",
        "map",
        "mapping",
        "list",
        "ratio",
        "rate",
        "logits",
        "embedding",
        "embeddings",
        "key",
        "keys",
        "help",
        "description",
        "hint",
        "message",
        "msg",
        "error",
        "exists",
        "set",
        "present",
    }
)
"""Last words that describe a secret rather than hold it (``token_path``, ``SECRET_NAME``).
``key`` is here for ``REFRESH_TOKEN_KEY``-style names; ``API_KEY`` is judged before."""


def words(name: str) -> list[str]:
    """Return the lower-case words of a name in any style: ``hfApiToken`` → hf, api, token."""
    return [part.lower() for part in _WORD.findall(name)]


def strength(name: str, *, code: bool) -> Strength:
    """Return how strongly ``name`` says its value is a credential.

    ``code`` is True for names in program code, where a bare ``token`` is weak evidence.
    """
    parts = [w for w in words(name) if not w.isdigit()]
    cut = next((i for i, w in enumerate(parts) if w in PREPOSITIONS and i > 0), len(parts))
    parts = parts[:cut]
    while parts and parts[-1] in QUALIFIERS:
        parts.pop()
    if not parts:
        return Strength.NONE
    head = parts[-1]
    before = parts[-2] if len(parts) > 1 else ""
    if head in {"key", "keys", "token", "tokens", "secret"} and before in NOT_CREDENTIAL:
        return Strength.NONE
    if head in {"key", "keys"}:
        if before in KEY_KINDS:
            return Strength.STRONG
        if before in {"token", "password", "passwd", "credential", "credentials", "secret"}:
            return Strength.NONE  # the key a secret is stored under: ``REFRESH_TOKEN_KEY``
        return Strength.NONE if code or not before else Strength.WEAK
    if head in DESCRIPTIVE:
        return Strength.NONE
    if head == "token":
        return Strength.STRONG if before in TOKEN_KINDS or not code else Strength.WEAK
    if head in {"pass", "pwd"} and before:
        return Strength.STRONG  # ``db_pass``, ``SMTP_PWD``; a bare ``pwd`` is a directory
    if head == "auth":
        return Strength.WEAK
    if any(w in SECRET_WORDS for w in parts):
        return Strength.STRONG
    if "token" in parts[:-1]:
        return Strength.NONE if code else Strength.WEAK
    return Strength.NONE
