"""Follow Python's brackets, strings and line continuations across lines, without parsing.

Text that is not yet Python (a notebook cell before its IPython syntax is rewritten, a cell cut
short) cannot go through Python's tokenizer, which stops at the first error. This scanner reads
one line at a time and keeps only what is needed to tell where a statement starts and which
brackets are still open: the open brackets, an open string, a trailing backslash.
"""

from __future__ import annotations

_CLOSERS = {"(": ")", "[": "]", "{": "}"}


class Scanner:
    """The lexical state between lines: open brackets, an open string, a continuation."""

    def __init__(self) -> None:
        """Start at the beginning of a module."""
        self.brackets: list[str] = []
        self.quote: str | None = None
        self.continued = False
        self.comment_at: int | None = None
        """Where the comment of the last line fed starts, if it has one."""

    @property
    def at_statement(self) -> bool:
        """Return True when the next line starts a statement."""
        return not self.brackets and self.quote is None and not self.continued

    def closers(self) -> str:
        """Return the brackets that would close what is open, innermost first."""
        return "".join(_CLOSERS[opener] for opener in reversed(self.brackets))

    def feed(self, line: str) -> None:
        """Advance over one line."""
        self.continued = False
        self.comment_at = None
        index, length = 0, len(line)
        while index < length:
            char = line[index]
            if self.quote is not None:
                if char == "\\":
                    index += 2
                elif line.startswith(self.quote, index):
                    index += len(self.quote)
                    self.quote = None
                else:
                    index += 1
                continue
            if char == "#":
                self.comment_at = index
                break
            if char in "\"'":
                triple = line[index : index + 3]
                self.quote = triple if triple in ('"""', "'''") else char
                index += len(self.quote)
                continue
            if char in _CLOSERS:
                self.brackets.append(char)
            elif char in ")]}" and self.brackets:
                self.brackets.pop()
            elif char == "\\" and index == length - 1:
                self.continued = True
            index += 1
        if self.quote is not None and len(self.quote) == 1 and not line.endswith("\\"):
            self.quote = None  # an unterminated one-line string ends with its line
