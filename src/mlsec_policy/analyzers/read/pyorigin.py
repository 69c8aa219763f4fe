"""Where one Python value comes from: written in the program, from outside it, or unknown here.

An expression is graded by what its parts are, never by the names they carry:

- ``CONSTANT``: text the program itself fixes — literals, names bound only to literals (module
  constants, a loop over a literal tuple, ``pytest.mark.parametrize`` values, an argparse option
  limited by ``choices=``), values the standard library picks (``sys.executable``, ``__file__``,
  temporary-file names), numbers, and anything passed through ``shlex.quote``;
- ``OUTSIDE``: text a user, a client or a model supplies — ``sys.argv`` and parsed command-line
  options, ``input()``, web request data and route parameters, the answer of a language model,
  the arguments a model picks for an agent tool;
- ``UNKNOWN``: everything this module cannot see the origin of — function parameters,
  attributes of objects, environment variables, results of other calls.

A composite value (an f-string, ``+``, ``%``, ``.format``, ``os.path.join``, a list) is as bad
as its worst part. The grading is used by the code checks to tell a command or statement built
from constants from one that carries outside text (see :mod:`.pyflow` for the statement walk).
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from enum import IntEnum


class Kind(IntEnum):
    """How much is known about a value's origin; a larger value is worse."""

    CONSTANT = 0
    UNKNOWN = 1
    OUTSIDE = 2


@dataclass(frozen=True, slots=True)
class Origin:
    """The grade of a value and the part of the code that decided it."""

    kind: Kind
    what: str = ""
    """What the deciding part is, for a person (``a command-line argument``)."""
    label: str = ""
    """The deciding expression as written, when it is known as text."""
    node: ast.AST | None = field(default=None, compare=False)
    """The deciding expression (turned into text only when a message needs it)."""
    namespace: bool = False
    """The value is a parsed command-line namespace (``parser.parse_args()``)."""
    built: tuple[ast.expr, ...] = field(default=(), compare=False)
    """For a name: the expressions its text was last assembled from, in order (``s = a``
    then ``s += b`` gives ``(a, b)``); empty when unknown."""

    @property
    def text(self) -> str:
        """Return the deciding expression as written (``args.model_path``)."""
        if self.label or self.node is None:
            return self.label
        return shown(self.node)


CONSTANT = Origin(Kind.CONSTANT)

CONSTANT_NAMES = frozenset(
    {"sys.executable", "__file__", "__name__", "os.sep", "os.pathsep", "os.linesep",
     "os.devnull", "os.curdir", "os.pardir", "os.name", "sys.platform", "sys.prefix"}
)  # fmt: skip
"""Names whose value the interpreter or the standard library fixes."""
SAFE_CALLS = frozenset(
    {"shlex.quote", "pipes.quote", "shlex.join", "int", "float", "len", "bool", "abs", "round",
     "hash", "id", "ord", "tempfile.mkstemp", "tempfile.mkdtemp", "tempfile.mktemp",
     "tempfile.gettempdir", "tempfile.NamedTemporaryFile", "tempfile.TemporaryDirectory",
     "tempfile.TemporaryFile", "tempfile.SpooledTemporaryFile", "uuid.uuid1", "uuid.uuid4",
     "time.time", "time.strftime", "os.getpid", "os.cpu_count", "shutil.which", "dir",
     "inspect.getsource", "inspect.getsourcelines"}
)  # fmt: skip
"""Calls whose result cannot carry text of a caller's choosing (quoted, numeric, chosen by the
library, identifiers, the program's own source code)."""
IDENTIFIER_ATTRIBUTES = frozenset({"__name__", "__module__", "__qualname__"})
"""Attributes that hold a Python identifier (or dotted identifiers) the code defined."""
PASS_CALLS = frozenset(
    {"str", "repr", "format", "list", "tuple", "set", "frozenset", "sorted", "reversed", "dict",
     "zip", "enumerate", "range", "min", "max", "sum", "os.path.join", "os.path.abspath",
     "os.path.realpath", "os.path.dirname", "os.path.basename", "os.path.normpath",
     "os.path.expanduser", "os.path.splitext", "os.path.relpath", "os.fspath", "os.fsdecode",
     "posixpath.join", "pathlib.Path", "pathlib.PurePath", "pathlib.PosixPath",
     "pathlib.PurePosixPath", "textwrap.dedent", "textwrap.indent"}
)  # fmt: skip
"""Calls whose result is made of their arguments (as good as the worst of them)."""
PASS_METHODS = frozenset(
    {"format", "format_map", "join", "replace", "strip", "lstrip", "rstrip", "lower", "upper",
     "title", "capitalize", "casefold", "split", "rsplit", "splitlines", "encode", "decode",
     "removeprefix", "removesuffix", "zfill", "ljust", "rjust", "center", "expandtabs",
     "partition", "rpartition", "as_posix", "resolve", "absolute", "joinpath", "with_suffix",
     "with_name", "with_stem", "relative_to", "expanduser", "items", "keys", "values", "get",
     "copy", "pop", "getlist"}
)  # fmt: skip
"""Methods whose result is made of the receiver and the arguments."""
MODEL_METHODS = frozenset(
    {"invoke", "ainvoke", "predict", "apredict", "complete", "acomplete", "chat", "achat",
     "generate", "agenerate", "generate_content", "stream_chat", "run_agent"}
)  # fmt: skip
"""Methods that return what a language model wrote."""
MODEL_CREATE_RECEIVERS = frozenset({"completions", "messages", "responses"})
"""``client.chat.completions.create(...)`` and its kin return what a model wrote."""
STDIN_CALLS = frozenset({"input", "raw_input", "sys.stdin.read", "sys.stdin.readline"})
ENVIRONMENT = frozenset({"os.environ", "os.getenv", "os.environ.get", "os.environb"})
REQUEST_OBJECTS = frozenset(
    {"flask.request", "quart.request", "bottle.request", "sanic.request", "django.http.request"}
)  # fmt: skip
"""Module-level request proxies of web frameworks: everything read from them is outside text."""
DISK_NAMES = frozenset(
    {"os.listdir", "os.scandir", "os.walk", "glob.glob", "glob.iglob", "os.readlink"}
)  # fmt: skip
"""Calls that return names found on disk (not constants, even from a constant folder)."""


def join(origins: Iterable[Origin]) -> Origin:
    """Return the worst of ``origins`` (the first of the worst on ties); CONSTANT when empty."""
    worst = CONSTANT
    count = 0
    for origin in origins:
        count += 1
        if origin.kind > worst.kind:
            worst = origin
    return replace(worst, namespace=False) if worst.namespace and count > 1 else worst


def unknown(what: str, node: ast.AST) -> Origin:
    """Return an UNKNOWN origin decided by ``node``."""
    return Origin(Kind.UNKNOWN, what, node=node)


def outside(what: str, node: ast.AST) -> Origin:
    """Return an OUTSIDE origin decided by ``node``."""
    return Origin(Kind.OUTSIDE, what, node=node)


def shown(node: ast.AST, limit: int = 60) -> str:
    """Return the source text of ``node``, shortened for a message."""
    try:
        text = " ".join(ast.unparse(node).split())
    except (ValueError, RecursionError):
        return "…"
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass
class Scope:
    """What the module says about names, shared by every evaluation in it."""

    imports: dict[str, str] = field(default_factory=dict)
    """Local name → the dotted name it was imported as (``sp`` → ``subprocess``)."""
    bounded_options: set[str] = field(default_factory=set)
    """Command-line option destinations limited to fixed values (``choices=``, ``type=int``)."""
    globals: dict[str, Origin] = field(default_factory=dict)
    """Module-level names, after the whole module ran."""
    classes: dict[str, dict[str, Origin]] = field(default_factory=dict)
    """Class attributes of the classes defined in the module, by class name."""

    def qualified(self, node: ast.expr) -> str | None:
        """Return the dotted name of a name or attribute chain, with imports resolved."""
        parts: list[str] = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if not isinstance(node, ast.Name):
            return None
        parts.append(self.imports.get(node.id, node.id))
        return ".".join(reversed(parts))


class Values:
    """Grades expressions against the names bound at one point of the program."""

    def __init__(self, scope: Scope, env: Mapping[str, Origin]) -> None:
        self.scope = scope
        self.env = env

    def of(self, node: ast.expr | None) -> Origin:
        """Return the origin of ``node`` (CONSTANT for None: nothing was written)."""
        if node is None:
            return CONSTANT
        try:
            return self._of(node)
        except RecursionError:
            return unknown("an expression too deep to follow", node)

    def name(self, identifier: str, node: ast.expr) -> Origin:
        """Return the origin of a bare name at this point."""
        bound = self.env.get(identifier, self.scope.globals.get(identifier))
        if bound is not None:
            return replace(bound, label=identifier) if bound.namespace else bound
        if identifier in CONSTANT_NAMES:
            return CONSTANT
        dotted = self.scope.imports.get(identifier)
        if dotted is not None:
            if dotted in REQUEST_OBJECTS:
                return outside("request data", node)
            if dotted in CONSTANT_NAMES:
                return CONSTANT
            return unknown(f"a name imported from {dotted.rpartition('.')[0] or dotted}", node)
        return unknown("a name defined elsewhere", node)

    def _of(self, node: ast.expr) -> Origin:
        if isinstance(node, ast.Constant):
            return CONSTANT
        if isinstance(node, ast.JoinedStr):
            return join(self._of(v) for v in node.values)
        if isinstance(node, ast.FormattedValue):
            return join((self._of(node.value), self.of(node.format_spec)))
        if isinstance(node, ast.BinOp):
            return join((self._of(node.left), self._of(node.right)))
        if isinstance(node, ast.Name):
            return self.name(node.id, node)
        if isinstance(node, ast.Attribute):
            return self._attribute(node)
        if isinstance(node, ast.Subscript):
            return self._subscript(node)
        if isinstance(node, ast.Call):
            return self._call(node)
        if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
            return join(self._of(e) for e in node.elts)
        if isinstance(node, ast.Dict):
            return join(self._of(v) for v in node.values)
        if isinstance(node, ast.IfExp):
            return join((self._of(node.body), self._of(node.orelse)))
        if isinstance(node, ast.BoolOp):
            return join(self._of(v) for v in node.values)
        if isinstance(node, (ast.Compare, ast.UnaryOp)):
            return CONSTANT  # a truth value or a number
        if isinstance(node, (ast.Starred, ast.Await, ast.NamedExpr)):
            return self._of(node.value)
        if isinstance(node, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
            return self._comprehension(node)
        return unknown("a value computed here", node)

    def _attribute(self, node: ast.Attribute) -> Origin:
        if node.attr in IDENTIFIER_ATTRIBUTES:
            return CONSTANT
        dotted = self.scope.qualified(node)
        if dotted is not None:
            if dotted in CONSTANT_NAMES:
                return CONSTANT
            if dotted in ENVIRONMENT:
                return unknown("an environment variable", node)
            if dotted == "sys.argv":
                return outside("a command-line argument", node)
            if dotted.rpartition(".")[0] in REQUEST_OBJECTS or dotted in REQUEST_OBJECTS:
                return outside("request data", node)
        owner = node.value.id if isinstance(node.value, ast.Name) else ""
        if owner in self.scope.classes and owner not in self.env:
            members = self.scope.classes[owner]
            return members.get(node.attr, unknown("an attribute of a class", node))
        base = self._of(node.value)
        if base.namespace:
            if node.attr in self.scope.bounded_options:
                return CONSTANT
            return outside("a command-line argument", node)
        if base.kind is Kind.CONSTANT:
            return base
        if base.kind is Kind.OUTSIDE:
            return base
        if isinstance(node.value, ast.Name) and node.value.id in {"self", "cls"}:
            return unknown("an attribute of the object", node)
        return base

    def _subscript(self, node: ast.Subscript) -> Origin:
        dotted = self.scope.qualified(node.value)
        if dotted in ENVIRONMENT:
            return unknown("an environment variable", node)
        if dotted == "sys.argv":
            return outside("a command-line argument", node)
        return self._of(node.value)  # an item of a constant table is a constant

    def _call(self, node: ast.Call) -> Origin:
        callee = node.func
        dotted = self.scope.qualified(callee)
        arguments = [*node.args, *(k.value for k in node.keywords)]
        if dotted is not None:
            if dotted in SAFE_CALLS:
                return CONSTANT
            if dotted in STDIN_CALLS:
                return outside("text typed on standard input", node)
            if dotted in ENVIRONMENT:
                return unknown("an environment variable", node)
            if dotted in DISK_NAMES:
                return unknown("names read from disk", node)
            if dotted in PASS_CALLS:
                return join(self._of(a) for a in arguments)
            if dotted == "compile" and node.args:  # the code object is its source text
                return self._of(node.args[0])
            if dotted.rpartition(".")[0] in REQUEST_OBJECTS:
                return outside("request data", node)
        if isinstance(callee, ast.Attribute):
            return self._method(node, callee, arguments)
        if isinstance(callee, ast.Name) and callee.id in self.scope.classes:
            return unknown(f"a {callee.id} object", node)
        tainted = join(self._of(a) for a in arguments)
        if tainted.kind is Kind.OUTSIDE:
            return tainted  # outside text handed to a helper comes back out of it
        return unknown(f"the result of {shown(callee, 40)}()", node)

    def _method(self, node: ast.Call, callee: ast.Attribute, arguments: list[ast.expr]) -> Origin:
        method = callee.attr
        if method in {"parse_args", "parse_known_args"}:
            return replace(outside("parsed command-line arguments", node), namespace=True)
        if method in MODEL_METHODS or (
            method == "create"
            and isinstance(callee.value, ast.Attribute)
            and callee.value.attr in MODEL_CREATE_RECEIVERS
        ):
            return outside("text a language model wrote", node)
        receiver = self._of(callee.value)
        if method in PASS_METHODS:
            return join((receiver, *(self._of(a) for a in arguments)))
        if method in {"read", "readline", "readlines", "read_text", "json"}:
            if receiver.kind is Kind.OUTSIDE:
                return receiver
            return unknown("data read from a file or stream", node)
        tainted = join((receiver, *(self._of(a) for a in arguments)))
        if tainted.kind is Kind.OUTSIDE:
            return tainted
        return unknown(f"the result of {shown(callee, 40)}()", node)

    def _comprehension(
        self, node: ast.ListComp | ast.SetComp | ast.GeneratorExp | ast.DictComp
    ) -> Origin:
        env = dict(self.env)
        inner = Values(self.scope, env)
        for generator in node.generators:
            element = inner.of(generator.iter)
            for target in ast.walk(generator.target):
                if isinstance(target, ast.Name):
                    env[target.id] = element
        if isinstance(node, ast.DictComp):
            return join((inner.of(node.key), inner.of(node.value)))
        return inner.of(node.elt)
