"""Top-level declarations and function bodies of a Go file, split into statements.

A rule generator is a function whose body is a list of statements; this module finds the
functions and package variables of a file (:func:`declarations`) and splits a body into
statements at Go's semicolons, outside brackets. Expressions inside them are parsed by
:mod:`go_syntax`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from go_syntax import Parser, Token


@dataclass(frozen=True, slots=True)
class Statement:
    """One statement of a function body, as its tokens."""

    tokens: tuple[Token, ...]


@dataclass
class FuncDecl:
    """A top-level function: its parameter names and body statements."""

    name: str
    params: tuple[str, ...]
    body: list[Statement] = field(default_factory=list)
    path: str = ""


def declarations(tokens: list[Token]) -> tuple[list[FuncDecl], list[Statement]]:
    """Return the top-level functions and ``var`` statements of one file."""
    funcs: list[FuncDecl] = []
    variables: list[Statement] = []
    parser = Parser(tokens)
    while parser.peek().kind != "eof":
        token = parser.take()
        if token.text == "func" and parser.peek().text == "(":
            parser.skip_balanced_until("{")  # a method: not needed, skipped whole
            parser.skip_balanced_until("}", include=True)
        elif token.text == "func" and parser.peek().kind == "ident":
            name = parser.take().text
            params = _params(parser)
            parser.skip_balanced_until("{")
            funcs.append(FuncDecl(name, params, _block(parser)))
        elif token.text == "var":
            start = parser.pos
            parser.skip_balanced_until(";")
            variables.append(Statement(tuple(tokens[start : parser.pos])))
    return funcs, variables


def _params(parser: Parser) -> tuple[str, ...]:
    parser.take("(")
    names: list[str] = []
    expect_name = True
    while parser.peek().text != ")":
        token = parser.take()
        if expect_name and token.kind == "ident":
            names.append(token.text)
            expect_name = False
        elif token.text == ",":
            expect_name = True
    parser.take(")")
    return tuple(names)


def _block(parser: Parser) -> list[Statement]:
    parser.take("{")
    statements: list[Statement] = []
    current: list[Token] = []
    depth = 0
    while True:
        token = parser.take()
        if token.text in "([{":
            depth += 1
        elif token.text in ")]}":
            if depth == 0:
                break
            depth -= 1
        if token.kind == ";" and depth == 0:
            if current:
                statements.append(Statement(tuple(current)))
            current = []
            continue
        current.append(token)
    if current:
        statements.append(Statement(tuple(current)))
    return statements


def var_block(statement: Statement) -> list[Statement]:
    """Split ``var ( a = x; b = y )`` into one statement per variable; others pass through."""
    tokens = statement.tokens
    start = 1 if tokens and tokens[0].text == "var" else 0
    if len(tokens) < start + 2 or tokens[start].text != "(" or tokens[-1].text != ")":
        return [statement]
    inner: list[Statement] = []
    current: list[Token] = []
    depth = 0
    for token in tokens[start + 1 : -1]:
        depth += token.text in "([{" and token.kind == "op"
        depth -= token.text in ")]}" and token.kind == "op"
        if token.kind == ";" and depth == 0:
            if current:
                inner.append(Statement(tuple(current)))
            current = []
        else:
            current.append(token)
    if current:
        inner.append(Statement(tuple(current)))
    return inner
