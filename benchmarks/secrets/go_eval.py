"""Evaluate the expressions of gitleaks' rule generators into example strings.

Only what the rule files need has a meaning here: string literals, ``+``, ``append``,
composite literals, ``fmt.Sprintf`` and calls of package functions whose body is a single
``return``. The gitleaks helpers that draw random secrets or multiply one secret into many
phrasings are emulated in Python (see :data:`EMULATED` and the README):

- ``secrets.NewSecret(regex)``: a random string matching the regex (:mod:`sample_regex`);
- ``utils.GenerateSampleSecrets(id, secret)``: the phrasings are read from the checkout's own
  ``samples`` table in ``utils/generate.go`` and filled in (``{i}`` id, ``{I}`` upper-case id,
  ``{s}`` secret);
- ``newPlausibleSecret(regex)``: NewSecret until the value holds a digit 1–9 and none of the
  package's ``DefaultStopWords``;
- ``base64.StdEncoding.EncodeToString``: Python's standard base64;
- ``generateTestValues()`` (base64-wrapped JWTs): the header table and token suffix are read
  from the function body; each ``{"key":value}`` header is URL-safe base64 encoded without
  padding, joined to the suffix, and the result encoded in the four base64 alphabets.

Everything else raises :class:`Unsupported`, which the caller records per example.
"""

from __future__ import annotations

import base64
import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from go_decls import FuncDecl, Statement
from go_syntax import Binary, Call, Composite, GoSyntaxError, Lit, Name, Node, parse_expression
from sample_regex import RegexUnsupported, sample


@dataclass(frozen=True, slots=True)
class Text:
    """A string value and the generator helpers that produced any part of it."""

    value: str
    helpers: frozenset[str] = frozenset()


Value = Text | int | list["Value"] | dict[str, "Value"] | None


class Unsupported(ValueError):
    """An expression this evaluator does not emulate."""


@dataclass
class Package:
    """The functions and package variables of one Go package, by name."""

    funcs: dict[str, FuncDecl] = field(default_factory=dict)
    variables: dict[str, Statement] = field(default_factory=dict)


def assignment(statement: Statement) -> tuple[str, Node] | None:
    """Return (name, expression) for ``name := expr``, ``name = expr`` or ``var name T = expr``."""
    tokens = statement.tokens
    if tokens and tokens[0].text == "var":
        tokens = tokens[1:]
    if len(tokens) < 3 or tokens[0].kind != "ident":
        return None
    for index, token in enumerate(tokens[1:], start=1):
        if token.text in {":=", "="}:
            return tokens[0].text, parse_expression(tokens[index + 1 :])
        if token.text in {",", "(", "{"}:
            return None
    return None


@dataclass
class Evaluator:
    """Evaluates nodes against local variables, the rules package and the utils package."""

    rules: Package
    utils: Package
    rng: random.Random
    problems: list[str] = field(default_factory=list)
    _globals: dict[str, Value] = field(default_factory=dict)

    def eval(self, node: Node, env: dict[str, Value]) -> Value:
        """Return the value of ``node``."""
        if isinstance(node, Lit):
            return Text(node.value) if isinstance(node.value, str) else node.value
        if isinstance(node, Name):
            return self.name(node.dotted, env)
        if isinstance(node, Binary):
            left, right = self.eval(node.left, env), self.eval(node.right, env)
            if node.op == "+" and isinstance(left, Text) and isinstance(right, Text):
                return Text(left.value + right.value, left.helpers | right.helpers)
            raise Unsupported(f"operator {node.op!r}")
        if isinstance(node, Composite):
            return self.composite(node, env)
        if isinstance(node, Call):
            return self.call(node, env)
        raise Unsupported(f"expression {node.text[:60]!r}")

    def name(self, dotted: str, env: dict[str, Value]) -> Value:
        """Return a local variable, ``nil`` or a package variable (evaluated once)."""
        if dotted in env:
            return env[dotted]
        if dotted == "nil":
            return None
        if dotted in self.rules.variables:
            if dotted not in self._globals:
                parsed = assignment(self.rules.variables[dotted])
                if parsed is None:
                    raise Unsupported(f"package variable {dotted}")
                self._globals[dotted] = self.eval(parsed[1], {})
            return self._globals[dotted]
        raise Unsupported(f"name {dotted}")

    def composite(self, node: Composite, env: dict[str, Value]) -> Value:
        """Return a map, a list, or a struct's readable fields."""
        if node.type_text.startswith("map["):
            mapping: dict[str, Value] = {}
            for key, value in node.items:
                name = self.eval(key, env) if key is not None else None
                if not isinstance(name, Text):
                    raise Unsupported("map key that is not a string")
                mapping[name.value] = self.eval(value, env)
            return mapping
        if node.type_text.startswith("[]") or node.type_text == "":
            items: list[Value] = []
            for _, value in node.items:
                self.guarded(items, value, env, spread=False)
            return items
        fields: dict[str, Value] = {}
        for key, value in node.items:
            if isinstance(key, Name):
                fields[key.dotted] = self.quietly(value, env)
        return fields

    def quietly(self, node: Node, env: dict[str, Value]) -> Value:
        """Evaluate ``node`` where failures do not matter (struct fields, other variables)."""
        recorded = len(self.problems)
        try:
            return self.eval(node, env)
        except (Unsupported, RegexUnsupported, GoSyntaxError):
            return None
        finally:
            del self.problems[recorded:]

    def guarded(self, items: list[Value], node: Node, env: dict[str, Value], spread: bool) -> None:
        """Append the value of ``node`` (its elements, when spread); record what fails."""
        try:
            value = self.eval(node, env)
        except (Unsupported, RegexUnsupported, GoSyntaxError, ValueError) as error:
            self.problems.append(f"{describe(node)}: {error}")
            return
        if spread and isinstance(value, list):
            items.extend(value)
        else:
            items.append(value)

    def call(self, node: Call, env: dict[str, Value]) -> Value:
        """Return the value of ``append``, an emulated helper or a one-line function."""
        if isinstance(node.func, Name):
            name = node.func.dotted
            if name == "append":
                base = self.eval(node.args[0], env) if node.args else []
                items = list(base) if isinstance(base, list) else []
                last = len(node.args) - 1
                for index, arg in enumerate(node.args[1:], start=1):
                    self.guarded(items, arg, env, spread=node.spread and index == last)
                return items
            if name in EMULATED:
                args = [self.eval(arg, env) for arg in node.args]
                return EMULATED[name](self, args)
            func = self.function(name)
            if func is not None:
                return self.invoke(func, [self.eval(arg, env) for arg in node.args])
        raise Unsupported(f"call to {describe(node.func)}")

    def function(self, name: str) -> FuncDecl | None:
        """Return the rules or utils function called ``name``."""
        if name.startswith("utils."):
            return self.utils.funcs.get(name.removeprefix("utils."))
        return self.rules.funcs.get(name)

    def invoke(self, func: FuncDecl, args: list[Value]) -> Value:
        """Call a function whose body is one ``return`` statement."""
        returns = [s for s in func.body if s.tokens and s.tokens[0].text == "return"]
        if len(func.body) != 1 or len(returns) != 1:
            raise Unsupported(f"function {func.name} is more than one return statement")
        env = dict(zip(func.params, args, strict=False))
        return self.eval(parse_expression(returns[0].tokens[1:]), env)

    def local(self, func: FuncDecl, variable: str) -> Value:
        """Evaluate the assignment of ``variable`` inside ``func``'s body."""
        for statement in func.body:
            parsed = assignment(statement)
            if parsed is not None and parsed[0] == variable:
                return self.eval(parsed[1], {})
        raise Unsupported(f"{func.name} has no assignment to {variable}")


def describe(node: Node) -> str:
    """Return a short Go-like rendering of ``node`` for reports."""
    if isinstance(node, Lit):
        text = repr(node.value)
        return text if len(text) < 50 else text[:47] + "…'"
    if isinstance(node, Name):
        return node.dotted
    if isinstance(node, Call):
        return f"{describe(node.func)}({', '.join(describe(a) for a in node.args)})"
    if isinstance(node, Binary):
        return f"{describe(node.left)} {node.op} {describe(node.right)}"
    if isinstance(node, Composite):
        return f"{node.type_text}{{…}}"
    return node.text[:60]


def _text(value: Value, what: str) -> Text:
    if not isinstance(value, Text):
        raise Unsupported(f"{what} is not a string")
    return value


def _helpers(*values: Value) -> frozenset[str]:
    found: frozenset[str] = frozenset()
    for value in values:
        if isinstance(value, Text):
            found |= value.helpers
    return found


def _new_secret(ev: Evaluator, args: list[Value]) -> Value:
    pattern = _text(args[0], "NewSecret's regex")
    return Text(sample(pattern.value, ev.rng), pattern.helpers | {"secrets.NewSecret"})


def _sprintf(ev: Evaluator, args: list[Value]) -> Value:
    template = _text(args[0], "Sprintf's format")
    rest = list(args[1:])

    def fill(match: re.Match[str]) -> str:
        if match.group() == "%%":
            return "%"
        if not rest:
            raise Unsupported("Sprintf with too few arguments")
        value = rest.pop(0)
        return value.value if isinstance(value, Text) else str(value)

    text = re.sub(r"%[sdv%]", fill, template.value)
    return Text(text, _helpers(*args))


def _sample_secrets(ev: Evaluator, args: list[Value]) -> Value:
    func = ev.utils.funcs.get("GenerateSampleSecrets")
    if func is None:
        raise Unsupported("utils.GenerateSampleSecrets not found in the checkout")
    table = ev.local(func, "samples")
    if not isinstance(table, dict):
        raise Unsupported("GenerateSampleSecrets' samples table is not a map")
    ident, secret = _text(args[0], "identifier"), _text(args[1], "secret")
    helpers = ident.helpers | secret.helpers | {"utils.GenerateSampleSecrets"}
    out: list[Value] = []
    for phrasing in table.values():
        text = _text(phrasing, "phrasing").value
        for placeholder, filler in (
            ("{i}", ident.value),
            ("{I}", ident.value.upper()),
            ("{s}", secret.value),
        ):
            text = text.replace(placeholder, filler)
        out.append(Text(text, helpers))
    return out


def _plausible(ev: Evaluator, args: list[Value]) -> Value:
    pattern = _text(args[0], "regex")
    stop_words = ev.name("DefaultStopWords", {})
    words = (
        [w.value.lower() for w in stop_words if isinstance(w, Text)]
        if isinstance(stop_words, list)
        else []
    )
    for _ in range(10_000):
        candidate = sample(pattern.value, ev.rng)
        lowered = candidate.lower()
        if re.search("[1-9]", candidate) and not any(word in lowered for word in words):
            return Text(candidate, pattern.helpers | {"newPlausibleSecret"})
    raise Unsupported("no plausible secret after 10,000 draws")


def _jwt_base64(ev: Evaluator, args: list[Value]) -> Value:
    func = ev.rules.funcs.get("generateTestValues")
    if func is None:
        raise Unsupported("generateTestValues not found")
    suffix = _text(ev.local(func, "jwtSuffix"), "jwtSuffix").value
    headers = ev.local(func, "headers")
    if not isinstance(headers, dict):
        raise Unsupported("headers is not a map")
    out: list[Value] = []
    helpers = frozenset({"generateTestValues"})
    for key, values in headers.items():
        for value in values if isinstance(values, list) else []:
            header = '{"%s":%s}' % (key, _text(value, "header value").value)  # noqa: UP031
            token = base64.urlsafe_b64encode(header.encode()).rstrip(b"=") + suffix.encode()
            encodings = (
                base64.b64encode(token),
                base64.b64encode(token).rstrip(b"="),
                base64.urlsafe_b64encode(token),
                base64.urlsafe_b64encode(token).rstrip(b"="),
            )
            out.extend(Text(encoded.decode(), helpers) for encoded in encodings)
    return out


def _base64(ev: Evaluator, args: list[Value]) -> Value:
    text = _text(args[0], "base64 input")
    return Text(base64.b64encode(text.value.encode()).decode(), text.helpers)


def _identity(ev: Evaluator, args: list[Value]) -> Value:
    return args[0]


def _upper(ev: Evaluator, args: list[Value]) -> Value:
    text = _text(args[0], "argument")
    return Text(text.value.upper(), text.helpers)


EMULATED: dict[str, Callable[[Evaluator, list[Value]], Value]] = {
    "secrets.NewSecret": _new_secret,
    "fmt.Sprintf": _sprintf,
    "utils.GenerateSampleSecrets": _sample_secrets,
    "newPlausibleSecret": _plausible,
    "generateTestValues": _jwt_base64,
    "base64.StdEncoding.EncodeToString": _base64,
    "string": _identity,
    "[]byte": _identity,
    "strings.ToUpper": _upper,
}
"""Helpers given a Python meaning instead of being read from their Go body."""
