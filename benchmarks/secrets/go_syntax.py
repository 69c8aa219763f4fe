"""Just enough Go syntax to read gitleaks' rule generators as data.

The rule files are plain Go: functions whose bodies assign string lists (``tps``, ``fps``) built
from literals, ``+`` concatenation, ``append`` and helper calls. This module tokenizes a Go
file (with Go's automatic semicolons) and parses expressions into a small tree;
:mod:`go_decls` splits a file into declarations and statements. Nothing here runs Go; the
evaluator in :mod:`go_eval` gives the tree a meaning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TOKEN = re.compile(
    r"""(?P<ws>[ \t\r]+)|(?P<nl>\n)|(?P<comment>//[^\n]*|/\*.*?\*/)
    |(?P<raw>`[^`]*`)|(?P<str>"(?:[^"\\\n]|\\.)*")|(?P<rune>'(?:[^'\\\n]|\\.)+')
    |(?P<num>\d+(?:\.\d+)?)|(?P<ident>[A-Za-z_]\w*)
    |(?P<op>\.\.\.|:=|==|!=|<=|>=|&&|\|\||\+\+|--|\+=|-=|<-|[-+*/%&|^!<>=.,;:(){}\[\]])""",
    re.VERBOSE | re.DOTALL,
)
_ENDS_STATEMENT = {")", "]", "}", "++", "--", "return", "break", "continue", "fallthrough"}
_GO_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "'": "'", "a": "\a",
               "b": "\b", "f": "\f", "v": "\v"}  # fmt: skip


class GoSyntaxError(ValueError):
    """The Go text is outside the subset this reader understands."""


@dataclass(frozen=True, slots=True)
class Token:
    """One token: its kind (``ident``, ``str``, ``num``, ``op``, ``;``) and text."""

    kind: str
    text: str
    line: int


def tokenize(source: str) -> list[Token]:
    """Split Go source into tokens, inserting semicolons where Go's grammar does."""
    tokens: list[Token] = []
    line, pos = 1, 0
    while pos < len(source):
        match = _TOKEN.match(source, pos)
        if match is None:
            raise GoSyntaxError(f"line {line}: cannot read {source[pos : pos + 20]!r}")
        kind, text = match.lastgroup or "", match.group()
        pos = match.end()
        if (kind in {"nl", "comment"} and "\n" in text) or kind == "nl":
            _semicolon(tokens, line)
            line += text.count("\n")
            continue
        if kind in {"ws", "comment"}:
            continue
        tokens.append(Token(kind, text, line))
    _semicolon(tokens, line)
    return tokens


def _semicolon(tokens: list[Token], line: int) -> None:
    if not tokens:
        return
    last = tokens[-1]
    if last.kind in {"ident", "str", "raw", "num", "rune"} or last.text in _ENDS_STATEMENT:
        tokens.append(Token(";", ";", line))


def string_value(token: Token) -> str:
    """Return the value of a raw or interpreted Go string literal."""
    if token.kind == "raw":
        return token.text[1:-1].replace("\r", "")
    body, out, index = token.text[1:-1], [], 0
    while index < len(body):
        char = body[index]
        if char != "\\":
            out.append(char)
            index += 1
            continue
        code = body[index + 1]
        if code in _GO_ESCAPES:
            out.append(_GO_ESCAPES[code])
            index += 2
        elif code in "xuU":
            width = {"x": 2, "u": 4, "U": 8}[code]
            out.append(chr(int(body[index + 2 : index + 2 + width], 16)))
            index += 2 + width
        else:
            raise GoSyntaxError(f"line {token.line}: escape \\{code}")
    return "".join(out)


# -- expression tree ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Lit:
    """A string or number literal."""

    value: str | int


@dataclass(frozen=True, slots=True)
class Name:
    """An identifier or a dotted name (``utils.AlphaNumeric``)."""

    dotted: str


@dataclass(frozen=True, slots=True)
class Call:
    """A call; ``spread`` when the last argument ends with ``...``."""

    func: Node
    args: tuple[Node, ...]
    spread: bool


@dataclass(frozen=True, slots=True)
class Composite:
    """A composite literal: ``[]string{...}``, ``map[string]string{...}``, ``T{K: V}``."""

    type_text: str
    items: tuple[tuple[Node | None, Node], ...]
    """(key or None, value) pairs."""


@dataclass(frozen=True, slots=True)
class Binary:
    """``left op right`` (only ``+`` is evaluated)."""

    op: str
    left: Node
    right: Node


@dataclass(frozen=True, slots=True)
class Other:
    """Syntax kept only so that its source can be quoted in a report."""

    text: str


Node = Lit | Name | Call | Composite | Binary | Other


@dataclass
class Parser:
    """A recursive-descent parser over a token list."""

    tokens: list[Token]
    pos: int = 0

    def peek(self, ahead: int = 0) -> Token:
        """Return the token ``ahead`` places on (an ``eof`` token past the end)."""
        index = self.pos + ahead
        return self.tokens[index] if index < len(self.tokens) else Token("eof", "", -1)

    def take(self, text: str | None = None) -> Token:
        """Consume and return the next token, which must read ``text`` when given."""
        token = self.peek()
        if token.kind == "eof" or (text is not None and token.text != text):
            raise GoSyntaxError(f"line {token.line}: expected {text!r}, found {token.text!r}")
        self.pos += 1
        return token

    def skip_semicolons(self) -> None:
        """Skip the semicolons Go inserts at line ends inside lists."""
        while self.peek().kind == ";":
            self.pos += 1

    def expression(self) -> Node:
        """Parse a binary expression (all operators at one precedence: only ``+`` is used)."""
        left = self.unary()
        while self.peek().text in {"+", "-", "*", "/", "%", "==", "!=", "&&", "||", "<", ">"}:
            op = self.take().text
            left = Binary(op, left, self.unary())
        return left

    def unary(self) -> Node:
        """Parse a unary operator and its operand."""
        if self.peek().text in {"&", "-", "!", "*"}:
            op = self.take().text
            return Binary(op, Lit(""), self.unary())
        return self.postfix(self.primary())

    def primary(self) -> Node:
        """Parse a literal, name, parenthesised expression, composite or function literal."""
        token = self.peek()
        if token.kind in {"str", "raw"}:
            self.pos += 1
            return Lit(string_value(token))
        if token.kind == "num":
            self.pos += 1
            return Lit(int(float(token.text)))
        if token.text == "(":
            self.take("(")
            inner = self.expression()
            self.take(")")
            return inner
        if token.text in {"[", "map", "struct"}:
            type_text = self.type_text()
            if self.peek().text == "(":
                return self.call(Name(type_text))  # a conversion: ``[]byte(x)``
            return self.composite(type_text)
        if token.kind == "ident":
            dotted = self.take().text
            while self.peek().text == "." and self.peek(1).kind == "ident":
                self.pos += 1
                dotted += "." + self.take().text
            return Name(dotted)
        if token.text == "func":
            self.skip_balanced_until("{")
            return Other(self.skip_balanced_until("}", include=True))
        raise GoSyntaxError(f"line {token.line}: unexpected {token.text!r}")

    def postfix(self, node: Node) -> Node:
        """Parse calls, composite bodies, indexes and selectors after ``node``."""
        while True:
            text = self.peek().text
            if text == "(":
                node = self.call(node)
            elif text == "{" and isinstance(node, Name):
                node = self.composite(node.dotted)
            elif text == "[":
                node = Other(self.skip_balanced_until("]", include=True))
            elif text == "." and self.peek(1).kind == "ident":
                self.pos += 2
                node = Other(f"(...).{self.peek(-1).text}")
            else:
                return node

    def call(self, func: Node) -> Call:
        """Parse the argument list of a call to ``func``."""
        self.take("(")
        args: list[Node] = []
        spread = False
        while self.peek().text != ")":
            args.append(self.expression())
            if self.peek().text == "...":
                self.take()
                spread = True
            if self.peek().text == ",":
                self.take()
            self.skip_semicolons()
        self.take(")")
        return Call(func, tuple(args), spread)

    def type_text(self) -> str:
        """Read a type (``[]string``, ``map[string][]string``) up to its body."""
        parts: list[str] = []
        while self.peek().text not in {"{", "(", ""}:
            parts.append(self.take().text)
        return "".join(parts)

    def composite(self, type_text: str) -> Composite:
        """Parse a ``{...}`` body of keyed or plain elements."""
        self.take("{")
        items: list[tuple[Node | None, Node]] = []
        self.skip_semicolons()
        while self.peek().text != "}":
            if self.peek().text == "{":
                value: Node = self.composite("")  # an elided element type
            else:
                value = self.expression()
            key: Node | None = None
            if self.peek().text == ":":
                self.take()
                key, value = (
                    value,
                    self.composite("") if self.peek().text == "{" else self.expression(),
                )
            items.append((key, value))
            if self.peek().text == ",":
                self.take()
            self.skip_semicolons()
        self.take("}")
        return Composite(type_text, tuple(items))

    def skip_balanced_until(self, stop: str, include: bool = False) -> str:
        """Skip tokens up to ``stop`` at nesting depth 0; return their text."""
        depth, words = 0, []
        while self.peek().kind != "eof":
            token = self.peek()
            if depth == 0 and token.text == stop and not include:
                break
            self.pos += 1
            words.append(token.text)
            if token.text in "([{":
                depth += 1
            elif token.text in ")]}":
                depth -= 1
                if depth == 0 and include and token.text == stop:
                    break
        return " ".join(words)


def parse_expression(tokens: tuple[Token, ...]) -> Node:
    """Parse one expression that spans all of ``tokens``."""
    parser = Parser([*tokens, Token(";", ";", -1)])
    node = parser.expression()
    parser.skip_semicolons()
    if parser.peek().kind != "eof":
        raise GoSyntaxError(f"line {tokens[0].line}: trailing {parser.peek().text!r}")
    return node
