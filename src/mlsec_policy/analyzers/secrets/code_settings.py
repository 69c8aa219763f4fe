"""Literal values given to secret-named settings in Python code, one line at a time.

The phrasings real code uses to give a setting a value:

- assignments, annotated assignments and dataclass/pydantic fields: ``API_KEY = "…"``,
  ``self.token = "…"``, ``password: str = "…"``, ``key: str = Field(default="…")``;
- keyword arguments and function defaults: ``Client(api_key="…")``, ``def f(token="…")``,
  dictionary entries ``{"password": "…"}``;
- defaults of environment and configuration look-ups: ``os.getenv("HF_TOKEN", "…")``,
  ``os.environ.get(…)``, ``os.environ.setdefault(…)``, ``config.get("secret", "…")``,
  ``os.environ["API_KEY"] = "…"``;
- argparse defaults: ``add_argument("--hf-token", default="…")``.

Only a literal that is the whole value counts (``"Bearer " + token`` is built, not written),
and an f-string with a replacement field is computed. Values are judged with
:func:`~mlsec_policy.analyzers.patterns.secret_settings.literal_secret` as string literals: a
``$`` or ``{`` inside one is a character, not a reference.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass

from mlsec_policy.analyzers.patterns.secret_settings import literal_secret

_STRING = (
    r"(?P<prefix>[rRbBuUfF]{0,2})(?P<q>\"\"\"|'''|\"|')"
    r"(?P<value>(?:(?!(?P=q))[^\\\n]|\\.){1,300}?)(?P=q)"
)
_END = r"(?=\s*(?:[,)\]};#]|$))"
ASSIGNMENT = re.compile(
    r"(?<![\w.\"'])(?P<name>[A-Za-z_][\w.]{0,80}|\"[\w.\-]{1,80}\"|'[\w.\-]{1,80}')\s*"
    r"(?::\s*[\w\[\], .|]{1,60}?\s*(?==))?"
    r"(?::=|=(?!=)|:)\s*"
    r"(?:(?:[\w.]+\.)?(?:Field|field|Option|Argument)\(\s*(?:default\s*=\s*)?)?" + _STRING + _END
)
"""``name = "v"``, ``name: T = "v"``, ``name="v"``, ``"name": "v"``, ``name: T = Field("v")``."""
LOOKUP = re.compile(
    r"(?i:(?:get|default)\w{0,40})\(\s*"
    r"(?P<nq>[\"'])(?P<name>[\w.\-]+)(?P=nq)\s*,\s*(?:default\s*=\s*)?" + _STRING + r"\s*\)"
)
"""``os.getenv("NAME", "v")`` and every ``…get…("NAME", "v")`` default."""
ENVIRON_SET = re.compile(
    r"environ\[\s*(?P<nq>[\"'])(?P<name>[\w.\-]+)(?P=nq)\s*\]\s*=\s*" + _STRING + _END
)
ARGPARSE = re.compile(
    r"add_argument\(\s*(?P<nq>[\"'])-{0,2}(?P<name>[\w\-]+)(?P=nq)[^#\n]*?\bdefault\s*=\s*"
    + _STRING
    + _END
)
_HINT = re.compile(r"passw|secret|key|token|cred|auth|pass\b|pwd")
"""A fast pre-filter, run once over the lower-cased text: lines that name no secret are not
worth the patterns."""


@dataclass(frozen=True, slots=True)
class Setting:
    """A literal value given to a named setting on one line."""

    line: int
    """1-based line number in the lines given."""
    name: str


def code_settings(lines: list[str], min_entropy: float = 3.0) -> Iterator[Setting]:
    """Yield every secret-named setting that holds a literal credential in Python lines."""
    for number in hinted_lines(lines, _HINT):
        line = lines[number - 1]
        if ("'" not in line and '"' not in line) or "allowlist secret" in line:
            continue
        seen: set[str] = set()
        for pattern in (LOOKUP, ENVIRON_SET, ARGPARSE, ASSIGNMENT):
            for match in pattern.finditer(line):
                name = match.group("name").strip("\"'").rsplit(".", 1)[-1]
                value = match.group("value")
                if name in seen or _computed(match.group("prefix"), value):
                    continue
                if literal_secret(name, _unescape(value), min_entropy, code=True, literal=True):
                    seen.add(name)
                    yield Setting(number, name)


def hinted_lines(lines: list[str], hint: re.Pattern[str]) -> list[int]:
    """Return the 1-based numbers of the lines where ``hint`` matches the lower-cased text.

    One pass over the whole text is much faster than a search per line. ``hint`` never matches
    a line break; the search takes the rest of the line with the first match on it, so each
    line is found once however many words hint at a secret there (``token`` and ``key`` fill
    tokenizer code), and the lines are counted as the matches come, in order.
    """
    text = "\n".join(lines).lower()
    numbers: list[int] = []
    number, counted = 1, 0
    for found in _rest_of_line(hint).finditer(text):
        number += text.count("\n", counted, found.start())
        counted = found.start()
        numbers.append(number)
    return numbers


@functools.lru_cache(maxsize=8)
def _rest_of_line(hint: re.Pattern[str]) -> re.Pattern[str]:
    """Return ``hint`` followed by the rest of its line."""
    return re.compile(f"(?:{hint.pattern}).*", hint.flags & ~re.DOTALL)


def _computed(prefix: str, value: str) -> bool:
    """Return True for an f-string with a replacement field: built at run time, not written."""
    return "f" in prefix.lower() and re.search(r"\{[^{}]+\}", value) is not None


def _unescape(value: str) -> str:
    return value.replace("\\\\", "\\").replace('\\"', '"').replace("\\'", "'")
