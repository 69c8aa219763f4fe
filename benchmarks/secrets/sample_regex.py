r"""Random strings that match a regular expression, as gitleaks' rule generators make them.

gitleaks builds many of its true examples with ``secrets.NewSecret(regex)``, which hands the
regex to a small Go generator (lucasjones/reggen, called with a repetition limit of 1). This
module does the same job for the subset of regex syntax those calls use:

- literals and escapes (``\.``, ``\-``, ``\/``, ``\x60``), ``.`` (any printable ASCII);
- classes ``[...]`` and ``[^...]`` with ranges and ``\w``, ``\d``, ``\s`` inside or outside;
- groups ``(...)``, ``(?:...)``, ``(?P<name>...)``, ``(?i:...)`` and a leading ``(?i)``;
  alternation ``|`` picks one branch at random;
- quantifiers ``?``, ``*``, ``+``, ``{n}``, ``{n,m}``, ``{n,}`` (lazy ``?`` ignored).
  Unbounded repeats draw between the minimum and the minimum plus one, as reggen does with a
  limit of 1;
- anchors and word boundaries (``^``, ``$``, ``\b``, ``\z``) produce nothing.

Case-insensitive groups fold ASCII letters only (Go also folds the Kelvin sign and the long s;
no generator call here depends on that). Anything else raises :class:`RegexUnsupported`.
"""

from __future__ import annotations

import random
import string
from collections.abc import Callable
from dataclasses import dataclass

PRINTABLE = string.ascii_letters + string.digits + string.punctuation
"""What ``.`` and negated classes draw from: printable ASCII without whitespace."""
UNBOUNDED_EXTRA = 1
"""How many repetitions beyond the minimum an unbounded quantifier may add."""

_CLASSES = {
    "w": string.ascii_letters + string.digits + "_",
    "d": string.digits,
    "s": " ",
}
_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", "f": "\f", "v": "\v"}

Gen = Callable[[random.Random], str]


class RegexUnsupported(ValueError):
    """The regex uses syntax this generator does not emulate."""


@dataclass
class _Parser:
    pattern: str
    pos: int = 0
    fold: bool = False

    def peek(self) -> str:
        return self.pattern[self.pos] if self.pos < len(self.pattern) else ""

    def take(self) -> str:
        char = self.peek()
        if not char:
            raise RegexUnsupported(f"unexpected end of {self.pattern!r}")
        self.pos += 1
        return char

    def alternation(self) -> Gen:
        branches = [self.sequence()]
        while self.peek() == "|":
            self.pos += 1
            branches.append(self.sequence())
        if len(branches) == 1:
            return branches[0]
        return lambda rng: rng.choice(branches)(rng)

    def sequence(self) -> Gen:
        parts: list[Gen] = []
        while self.peek() and self.peek() not in "|)":
            parts.append(self.quantified(self.atom()))
        return lambda rng: "".join(part(rng) for part in parts)

    def quantified(self, atom: Gen) -> Gen:
        low, high = 1, 1
        char = self.peek()
        if char == "?":
            low, high = 0, 1
        elif char == "*":
            low, high = 0, UNBOUNDED_EXTRA
        elif char == "+":
            low, high = 1, 1 + UNBOUNDED_EXTRA
        elif char == "{":
            end = self.pattern.find("}", self.pos)
            body = self.pattern[self.pos + 1 : end] if end > 0 else ""
            numbers = body.split(",")
            if end < 0 or not numbers[0].isdigit() or len(numbers) > 2:
                return atom  # a literal brace
            low = int(numbers[0])
            if len(numbers) == 1:
                high = low
            elif numbers[1] == "":
                high = low + UNBOUNDED_EXTRA
            elif numbers[1].isdigit():
                high = int(numbers[1])
            else:
                return atom
            self.pos = end
        else:
            return atom
        self.pos += 1
        if self.peek() == "?":
            self.pos += 1  # lazy: same strings
        return lambda rng: "".join(atom(rng) for _ in range(rng.randint(low, high)))

    def atom(self) -> Gen:
        char = self.take()
        if char == "(":
            return self.group()
        if char == "[":
            return self.choice(self.char_class())
        if char == ".":
            return self.choice(PRINTABLE)
        if char in "^$":
            return lambda rng: ""
        if char == "\\":
            escaped = self.take()
            if escaped in "bBzA":
                return lambda rng: ""
            return self.choice(self.escape(escaped))
        return self.choice(self.folded(char))

    def group(self) -> Gen:
        saved = self.fold
        if self.pattern.startswith("?", self.pos):
            end = self.pattern.find(":", self.pos)
            close = self.pattern.find(")", self.pos)
            if self.pattern.startswith("?P<", self.pos):
                self.pos = self.pattern.index(">", self.pos) + 1
            elif 0 < close < end or end < 0:
                flags = self.pattern[self.pos + 1 : close]  # a flag group: ``(?i)``
                self._flags(flags)
                self.pos = close + 1
                return lambda rng: ""
            else:
                self._flags(self.pattern[self.pos + 1 : end])
                self.pos = end + 1
        inner = self.alternation()
        if self.take() != ")":
            raise RegexUnsupported(f"unbalanced group in {self.pattern!r}")
        self.fold = saved
        return inner

    def _flags(self, flags: str) -> None:
        on, _, off = flags.partition("-")
        if set(on + off) - {"i"}:
            raise RegexUnsupported(f"flags {flags!r} in {self.pattern!r}")
        if "i" in on:
            self.fold = True
        if "i" in off:
            self.fold = False

    def char_class(self) -> str:
        negated = self.peek() == "^"
        if negated:
            self.pos += 1
        members: list[str] = []
        first = True
        while True:
            char = self.take()
            if char == "]" and not first:
                break
            first = False
            if char == "[" and self.pattern.startswith(":", self.pos):
                raise RegexUnsupported(f"POSIX class in {self.pattern!r}")
            chars = self.escape(self.take()) if char == "\\" else char
            if (
                len(chars) == 1
                and self.peek() == "-"
                and self.pattern[self.pos + 1 : self.pos + 2] not in {"]", ""}
            ):
                self.pos += 1
                end = self.take()
                end = self.escape(self.take()) if end == "\\" else end
                if len(end) != 1:
                    raise RegexUnsupported(f"range to a class in {self.pattern!r}")
                chars = "".join(chr(c) for c in range(ord(chars), ord(end) + 1))
            members.append(chars)
        allowed = "".join(dict.fromkeys(self.folded("".join(members))))
        if negated:
            allowed = "".join(c for c in PRINTABLE if c not in allowed)
        if not allowed:
            raise RegexUnsupported(f"empty class in {self.pattern!r}")
        return allowed

    def escape(self, char: str) -> str:
        if char in _CLASSES:
            return _CLASSES[char]
        if char in _ESCAPES:
            return _ESCAPES[char]
        if char == "x":
            digits = self.pattern[self.pos : self.pos + 2]
            self.pos += 2
            return chr(int(digits, 16))
        if char.isalnum():
            raise RegexUnsupported(f"escape \\{char} in {self.pattern!r}")
        return char

    def folded(self, chars: str) -> str:
        if not self.fold:
            return chars
        return "".join(dict.fromkeys(chars + chars.swapcase()))

    @staticmethod
    def choice(chars: str) -> Gen:
        return lambda rng: rng.choice(chars)


def compile_sampler(pattern: str) -> Gen:
    """Return a function that draws one string matching ``pattern`` from a ``random.Random``."""
    parser = _Parser(pattern)
    sampler = parser.alternation()
    if parser.pos != len(pattern):
        raise RegexUnsupported(f"unbalanced ')' in {pattern!r}")
    return sampler


def sample(pattern: str, rng: random.Random) -> str:
    """Return one random string matching ``pattern``."""
    return compile_sampler(pattern)(rng)
