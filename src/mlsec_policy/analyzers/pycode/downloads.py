"""Plain-http downloads whose URL is written somewhere else than the call.

A download call (``urlretrieve``, ``requests.get``, ``download_file``, ``read_csv``...) whose
URL argument is not a literal is judged by where the URL is written:

- a constant of another module of the repository (``from settings import DATA_URL``, or
  ``import settings`` then ``settings.DATA_URL``);
- a key of a configuration file (``cfg["data_url"]``, ``config.get("data_url")``) that a YAML,
  TOML, JSON or INI file of the repository sets to a URL;
- the default of a parameter of the function around the call (``def fetch(url="http://...")``).

When that place holds an ``http://`` or ``ftp://`` URL to a public host, the finding is at the
call, and its data flow names the place the URL is written (and the import that brings it).
A constant of the same module is semgrep's to see (MLSEC-FETCH-01's own rule). The files are
parsed, never imported.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterable, Iterator
from functools import partial
from pathlib import PurePosixPath

from mlsec_policy.analyzers.base import AnalyzerSpec, FileContext, Observation
from mlsec_policy.analyzers.params import NO_PARAMS, NoParams
from mlsec_policy.analyzers.patterns import context as handles
from mlsec_policy.analyzers.pycode.call_words import call_test
from mlsec_policy.analyzers.pycode.encoding import searched
from mlsec_policy.analyzers.pycode.fetch_origins import FETCH_NAMES, may_judge
from mlsec_policy.analyzers.pycode.source import byte_tree
from mlsec_policy.analyzers.read.pysymbols import dotted, keyword, last_name, parameters
from mlsec_policy.models import ArtifactKind, FlowStep, Location
from mlsec_policy.pyparse import syntax_tree

FETCH = re.compile(
    r"^(?:get|post|request|stream|fetch|urlopen|urlretrieve|Request|download\w*|get_file"
    r"|read_csv|read_json|read_parquet|read_table|load_state_dict_from_url|load_url"
    r"|load_dataset|genfromtxt|loadtxt)$"
)
"""Names of calls that fetch what their first argument (or ``url=``) names."""
MAY_FETCH = call_test(FETCH_NAMES, keyword=b"url")
"""Whether a file's searched bytes may hold a :data:`FETCH` call with a URL to judge (a first
argument that is not a plain literal, or ``url=``; :mod:`.call_words`)."""
PLAIN = re.compile(
    r"^(?:http|ftp)://(?!localhost\b|127\.|0\.0\.0\.0|\[|10\.|192\.168\.|172\.(?:1[6-9]|2\d|3[01])\."
    r"|169\.254\.)[^/:?#\s\"']*\.[^/:?#\s\"']*(?<!\.local)(?<!\.internal)(?<!\.svc)(?:[:/?#]|$)"
)
"""A URL in clear text to a host that is neither local nor cluster-internal."""
_CONFIG_KEY = r"""^\s*["']?{key}["']?\s*[:=]\s*["']?((?:http|ftp)://[^\s"',]+)"""


def plaintext_download_origins(context: FileContext, params: NoParams) -> Iterable[Observation]:
    """Yield downloads whose plain-http URL is a constant elsewhere, a config key or a default."""
    data = searched(context)
    if not MAY_FETCH(data) or not may_judge(data):
        return
    yield from origin_findings(context, context.read_bytes(), _download_target, "download")


def _download_target(call: ast.Call) -> ast.expr | None:
    if not FETCH.match(last_name(call.func)):
        return None
    return keyword(call, "url") or (call.args[0] if call.args else None)


def origin_findings(
    context: FileContext,
    raw: bytes,
    target_of: Callable[[ast.Call], ast.expr | None],
    what: str,
) -> Iterator[Observation]:
    """Yield the calls whose URL (``target_of`` the call) is a plain-http URL written elsewhere.

    ``what`` names the call in the message ("download", "endpoint").
    """
    tree = byte_tree(context)  # parsed once for every analyzer of the file that asks
    calls, imports = _survey(tree)
    lines = raw.decode("utf-8", errors="replace").splitlines()
    for function, call in calls:
        target = target_of(call)
        if target is None:
            continue
        steps = list(_origin(context, target, imports, function))
        if steps:
            yield Observation(
                context.at(call.lineno, start_column=call.col_offset + 1),
                f"the {what}'s URL is {steps[0][2]}: http:// or ftp:// to a public host, so "
                "its content can be read and replaced in transit",
                context=handles.recognise(
                    context.artifact.path,
                    lines[call.lineno - 1] if call.lineno <= len(lines) else "",
                    lines,
                    call.lineno - 1,
                ),
                flow=tuple(FlowStep(place, message) for place, message, _ in steps),
            )


Function = ast.FunctionDef | ast.AsyncFunctionDef
LEAVES = (ast.Name, ast.Constant, ast.expr_context, ast.operator, ast.unaryop, ast.cmpop,
          ast.boolop, ast.alias)  # fmt: skip
"""Nodes that hold no call and no import: the walk does not enter them."""


def _survey(tree: ast.Module) -> tuple[list[tuple[Function | None, ast.Call]],
                                       dict[str, tuple[str, str, int]]]:  # fmt: skip
    """Return the calls, each with the function around it, and the imported names.

    The calls come in the order of a walk from the last statement back (None: module level);
    the names as :func:`_imports` gives them. One walk finds both; only when a name is
    imported twice (the last import in :func:`ast.walk`'s order wins) are the imports read
    again in that order.
    """
    calls: list[tuple[Function | None, ast.Call]] = []
    found: dict[str, tuple[str, str, int]] = {}
    twice = False
    stack: list[tuple[ast.AST, Function | None]] = [(tree, None)]
    while stack:
        node, function = stack.pop()
        for name in node._fields:
            value = getattr(node, name, None)
            for child in value if isinstance(value, list) else (value,):
                if not isinstance(child, ast.AST) or isinstance(child, LEAVES):
                    continue
                if isinstance(child, ast.Call):
                    calls.append((function, child))
                elif isinstance(child, ast.Import | ast.ImportFrom):
                    for imported, entry in _bound(child):
                        twice = twice or imported in found
                        found[imported] = entry
                inner = child if isinstance(child, Function) else function
                stack.append((child, inner))
    return calls, _imports(tree) if twice else found


def _bound(node: ast.Import | ast.ImportFrom) -> Iterator[tuple[str, tuple[str, str, int]]]:
    """Yield the names one import binds: (dotted module with leading dots, name or '', line)."""
    if isinstance(node, ast.ImportFrom):
        module = "." * node.level + (node.module or "")
        for alias in node.names:
            yield alias.asname or alias.name, (module, alias.name, node.lineno)
        return
    for alias in node.names:
        if alias.asname or "." not in alias.name:
            yield alias.asname or alias.name, (alias.name, "", node.lineno)


def _imports(tree: ast.Module) -> dict[str, tuple[str, str, int]]:
    """Return each imported name: (dotted module with leading dots, name or '', line)."""
    found: dict[str, tuple[str, str, int]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            found.update(_bound(node))
    return found


def _origin(
    context: FileContext,
    target: ast.expr,
    imports: dict[str, tuple[str, str, int]],
    function: Function | None,
) -> Iterator[tuple[Location, str, str]]:
    """Yield the steps (place, message, what) from where the URL is written to this file."""
    if isinstance(target, ast.Name) and function is not None:
        for argument, default in parameters(function.args):
            if argument.arg == target.id:
                value = _string(default)
                if value is not None and PLAIN.match(value) and default is not None:
                    yield (
                        context.at(default.lineno),
                        f"URL given as the default of parameter {argument.arg!r}",
                        f"the default of parameter {argument.arg!r}",
                    )
                return
    name, attribute = _reference(target)
    if name in imports:
        module, imported, line = imports[name]
        if attribute is None:
            constant = imported
        else:
            constant = attribute
            if imported:  # from pkg import settings; settings.URL
                module = module + imported if module.endswith(".") else f"{module}.{imported}"
        found = _constant(context, module, constant) if constant else None
        if found is not None:
            yield (found, "URL defined here", f"the constant {constant} of {found.path}")
            yield (context.at(line), "imported here", "")
        return
    key = _config_key(target)
    if key is not None:
        found = _config_value(context, key)
        if found is not None:
            yield (found, f"config key {key!r} set here", f"the config key {key!r}")


def _reference(target: ast.expr) -> tuple[str, str | None]:
    """Return (name, attribute) for ``name`` or ``name.attribute``; ('', None) otherwise."""
    if isinstance(target, ast.Name):
        return target.id, None
    if isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name):
        return target.value.id, target.attr
    return "", None


def _config_key(target: ast.expr) -> str | None:
    """Return the key of ``cfg["key"]`` or ``cfg.get("key", ...)``, else None."""
    if isinstance(target, ast.Subscript):
        return _string(target.slice)
    if isinstance(target, ast.Call) and last_name(target.func) == "get" and target.args:
        if dotted(target.func).startswith("os.environ"):
            return None
        return _string(target.args[0])
    return None


def _string(node: ast.AST | None) -> str | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def _module_paths(context: FileContext, module: str) -> list[str]:
    """Return the repository paths a (possibly relative) dotted module may be written in."""
    level = len(module) - len(module.lstrip("."))
    parts = [p for p in module.lstrip(".").split(".") if p]
    if level:
        base = PurePosixPath(context.artifact.path).parents[level - 1]
        stems = [base.joinpath(*parts)]
    elif parts:  # from the root, a src layout, or beside the script that imports it
        here = PurePosixPath(context.artifact.path).parent
        stems = [PurePosixPath(*parts), PurePosixPath("src", *parts), here.joinpath(*parts)]
    else:
        stems = []
    return [str(p) for s in stems for p in (s.with_suffix(".py"), s / "__init__.py")]


def _constant(context: FileContext, module: str, name: str) -> Location | None:
    """Return where module ``module`` binds ``name`` to a plain-http URL, if it does."""
    candidates = _module_paths(context, module)
    known = {a.path for a in context.artifacts(ArtifactKind.PYTHON, paths=candidates)}
    for path in candidates:
        if path not in known:
            continue
        constants = context.shared(
            ("python-url-constants", path), partial(_url_constants, context, path)
        )
        if constants is None:
            return None
        if name in constants:
            return constants[name]
    return None


def _url_constants(context: FileContext, path: str) -> dict[str, Location] | None:
    """Return each module-level name of ``path`` first bound to a plain-http URL.

    None when the module cannot be read or parsed. Built once per scan for every file that
    imports it.
    """
    data = context.other_bytes(path)
    if data is None:
        return None
    try:
        tree = syntax_tree(data)
    except (SyntaxError, ValueError, RecursionError):
        return None
    found: dict[str, Location] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            value = _string(node.value)
            if value is None or not PLAIN.match(value):
                continue
            for target in targets:
                if isinstance(target, ast.Name):
                    found.setdefault(target.id, Location(path, node.value.lineno))
    return found


def _config_value(context: FileContext, key: str) -> Location | None:
    """Return where a configuration file sets ``key`` to a plain-http URL, if one does.

    Looked up once per scan for each key, for every file that reads it.
    """
    return context.shared(("config-url", key), partial(_find_config_value, context, key))


def _find_config_value(context: FileContext, key: str) -> Location | None:
    pattern = re.compile(_CONFIG_KEY.format(key=re.escape(key)), re.MULTILINE)
    for artifact in context.artifacts(ArtifactKind.CONFIG):
        data = context.other_bytes(artifact.path)
        if data is None:
            continue
        text = data.decode("utf-8", errors="replace")
        for match in pattern.finditer(text):
            if PLAIN.match(match.group(1)):
                return Location(artifact.path, text.count("\n", 0, match.start()) + 1)
    return None


DOWNLOAD_ORIGINS = AnalyzerSpec(
    name="python-plaintext-download-origin",
    description="Downloads whose http:// or ftp:// URL is a constant of another module, a "
    "configuration key or a parameter default (reported at the call, linked to the URL).",
    kinds=frozenset({ArtifactKind.PYTHON}),
    params=NO_PARAMS,
    file=plaintext_download_origins,
)
