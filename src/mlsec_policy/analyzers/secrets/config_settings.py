"""Literal values given to secret-named keys in configuration text, one line at a time.

One reader for the line-oriented formats: INI/``.cfg``/``.conf``, TOML, YAML (flat and nested
keys, ``- NAME=value`` list items), Java-style ``.properties``, ``.env`` files and shell
``export NAME=value``, JSON (pretty or minified: every ``"key": "value"`` pair of a line), and
``NAME=value`` lines printed in notebook outputs. Each line is read on its own, so a key
without a value never reaches into the next line.

Values may be quoted or bare; a bare value ends at an inline comment. Configuration values are
judged as possibly substituted (``${VAR}``, ``%(name)s``, ``{{ x }}`` are references).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from mlsec_policy.analyzers.patterns.secret_settings import literal_secret
from mlsec_policy.analyzers.secrets.code_settings import Setting, hinted_lines

KEY_LINE = re.compile(
    r"^\s*(?:export\s+|-\s+|setx?\s+)?(?P<kq>[\"']?)(?P<name>[A-Za-z_][\w.\-]*)(?P=kq)\s*"
    r"(?::=|=|:(?!//))[ \t]*(?P<value>.*)$"
)
"""``key = value``, ``key: value``, ``export KEY=value``, ``- KEY=value``."""
JSON_PAIR = re.compile(
    r"\"(?P<name>[^\"\\\n]{1,100})\"\s*:\s*\"(?P<value>(?:[^\"\\\n]|\\.){0,300})\""
)
_HINT = re.compile(r"passw|secret|key|token|cred|auth|pass\b|pwd")
TEMPLATE_WORDS = frozenset({"example", "sample", "template", "dist", "defaults", "tmpl", "tpl"})


def is_dotenv(name: str) -> bool:
    """Return True for environment files: ``.env``, ``.env.local``, ``prod.env``."""
    return name == ".env" or name.startswith(".env.") or name.endswith(".env")


def is_template(name: str) -> bool:
    """Return True for a file name that marks a template: ``.env.example``, ``sample.env``."""
    parts = name.lower().split(".")
    if parts[-1] in TEMPLATE_WORDS:
        return True
    return parts[-1] == "env" and any(part in TEMPLATE_WORDS for part in parts[:-1])


def config_settings(lines: Iterable[str], *, json: bool = False) -> Iterator[Setting]:
    """Yield every secret-named key holding a literal credential in configuration lines."""
    all_lines = list(lines)
    for number in hinted_lines(all_lines, _HINT):
        line = all_lines[number - 1]
        if "allowlist secret" in line or line.lstrip().startswith(("#", ";", "//")):
            continue
        for name, value in _pairs(line, json):
            if literal_secret(name, value):
                yield Setting(number, name)
                break


def _pairs(line: str, json: bool) -> Iterator[tuple[str, str]]:
    if json or line.lstrip().startswith(("{", '"')):
        found = False
        for match in JSON_PAIR.finditer(line):
            found = True
            yield match.group("name"), match.group("value").replace('\\"', '"')
        if found or json:
            return
    pair = KEY_LINE.match(line)
    if pair is None:
        return
    value = bare_value(pair.group("value"))
    if value is not None:
        yield pair.group("name"), value


def bare_value(raw: str) -> str | None:
    """Return the value written after ``=`` or ``:``, or None when there is no scalar value.

    A quoted value is the quoted string; a bare one ends at a comment. Empty values, blocks and
    inline structures have no scalar value.
    """
    text = raw.strip()
    if not text or text[0] in "{[|>&*!":
        return None
    if text[0] in "\"'":
        quote = text[0]
        end = text.find(quote, 1)
        while end > 0 and text[end - 1] == "\\":
            end = text.find(quote, end + 1)
        return text[1:end] if end > 0 else None
    text = re.split(r"\s+[#;]|\s+//", text, maxsplit=1)[0]
    return text.rstrip(",").strip()
