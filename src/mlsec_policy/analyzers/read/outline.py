"""An outline of YAML-like text by indentation: which keys a line sits under.

Some files that say where a setting sits cannot be parsed as YAML: a manifest with Go
template expressions (``name: {{.Name}}``), a Helm test suite, pretty-printed JSON cut out of
an API document. Their indentation still tells the nesting. This reader never parses: for a
line, it walks upwards and collects each less-indented line's key (``rayStartParams`` →
``headGroupSpec`` → ``spec``), stopping at a document separator (``---``). Comment lines are
skipped everywhere, so a setting left commented out is not read as set.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_KEY = re.compile(r"""^(?:-\s+)*["']?([A-Za-z0-9_.\-/$]+)["']?\s*:(?:\s|$)""")


@dataclass(frozen=True, slots=True)
class Outline:
    """The lines of a text, with what each line's indentation says about its nesting."""

    lines: tuple[str, ...]

    @classmethod
    def of(cls, text: str) -> Outline:
        """Return the outline of ``text``."""
        return cls(tuple(text.splitlines()))

    def is_content(self, number: int) -> bool:
        """Return True when line ``number`` (1-based) is neither blank nor a comment."""
        stripped = self.lines[number - 1].strip()
        return bool(stripped) and not stripped.startswith(("#", "//"))

    def ancestors(self, number: int) -> list[tuple[int, str]]:
        """Return (line, key) of the keys line ``number`` is nested in, innermost first."""
        line = self.lines[number - 1]
        indent = _key_indent(line)
        # a sequence may sit at its parent key's indentation ("key:" then "- item")
        item = line.lstrip().startswith("- ")
        result: list[tuple[int, str]] = []
        for index in range(number - 2, -1, -1):
            raw = self.lines[index]
            if raw.strip() == "---":
                break
            if not self.is_content(index + 1):
                continue
            own = _indent(raw)
            listed = raw.lstrip().startswith("- ")
            if own > indent or (own == indent and (listed or not item)):
                continue
            key = key_of(raw)
            sibling = listed and _key_indent(raw) == indent
            if key is not None and not sibling:
                result.append((index + 1, key))
            indent, item = own, listed
            if own == 0 and not listed:
                break
        return result

    def block_end(self, number: int) -> int:
        """Return the last line of the block that line ``number`` opens (its nested lines)."""
        indent = _key_indent(self.lines[number - 1])
        last = number
        for index in range(number, len(self.lines)):
            raw = self.lines[index]
            if raw.strip() == "---":
                break
            if not self.is_content(index + 1):
                continue
            if _indent(raw) <= indent and not raw.lstrip().startswith(("]", "}")):
                break
            last = index + 1
        return last

    def document(self, number: int) -> tuple[int, int]:
        """Return the first and last line of the ``---``-separated document holding a line."""
        first, last = 1, len(self.lines)
        for index in range(number - 1, -1, -1):
            if self.lines[index].strip() == "---":
                first = index + 2
                break
        for index in range(number, len(self.lines)):
            if self.lines[index].strip() == "---":
                last = index
                break
        return first, last

    def content(self, first: int, last: int) -> str:
        """Return lines ``first``..``last`` without comment lines, joined."""
        return "\n".join(self.lines[n - 1] for n in range(first, last + 1) if self.is_content(n))


def key_of(line: str) -> str | None:
    """Return the mapping key a line starts with (``- name: x`` gives ``name``), if any."""
    match = _KEY.match(line.strip())
    return match.group(1) if match else None


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" \t"))


def _key_indent(line: str) -> int:
    """Return the column of a line's content, past any ``- `` list markers."""
    stripped = line.lstrip(" \t")
    column = len(line) - len(stripped)
    while stripped.startswith("- "):
        rest = stripped[2:].lstrip(" ")
        column += len(stripped) - len(rest)
        stripped = rest
    return column
