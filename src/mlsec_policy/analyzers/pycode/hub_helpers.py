"""Hub ids read from a configuration and handed to a helper that loads them unpinned.

A function of a module takes a model id as a parameter and loads it with
``X.from_pretrained(id, ...)`` without ``revision=``; on its own that is ambiguous (a local
folder or a hub id, the caller's choice). It is reported when a call in the same module passes
that parameter a value read out of a configuration object (``flavor_config.get(KEY)``,
``cfg["model"]``, ``self.config.name``): the repository is then one a configuration records,
the helper offers no revision for it (no ``revision`` parameter, no keyword options) and the
default branch is downloaded whatever pin the configuration holds beside the name. The finding
is at the load; its flow names the call that reads the configuration. The file is parsed,
never imported. This is MLSEC-HUB-02 ``hub-id-from-config`` followed through one call.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from mlsec_policy.analyzers.base import AnalyzerSpec, FileContext, Observation
from mlsec_policy.analyzers.params import NO_PARAMS, NoParams
from mlsec_policy.analyzers.pycode.byte_calls import (
    END,
    IDENT,
    NONE,
    first_arguments,
)
from mlsec_policy.analyzers.pycode.call_words import GAP, call_test
from mlsec_policy.analyzers.pycode.encoding import searched
from mlsec_policy.analyzers.pycode.source import byte_tree
from mlsec_policy.analyzers.read.pysymbols import dotted, keyword, last_name
from mlsec_policy.models import ArtifactKind, FlowStep

CONFIG_NAME = re.compile(r"^(?:self\.)?(?:config|cfg|conf|\w+_(?:config|conf|cfg))$")
"""Names of configuration objects (the same names as the semgrep check)."""
MAY_LOAD = call_test(rb"from_pretrained")
"""Whether a file's searched bytes may hold a ``from_pretrained`` call whose first argument is
not a plain literal (a load of a parameter; :mod:`.call_words`)."""
MODULE_DEF = re.compile(
    rb"(?:^|\r)(?:\xef\xbb\xbf)?(?:[ \t\f]*\f)?"
    rb"(?:async(?:[ \t\f]|\\\r?\n|\\\r)+)?def(?:[ \t\f]|\\)",
    re.MULTILINE,
)
"""A ``def`` at the start of a line (after a byte-order mark, or a form feed, which CPython
takes back to column 0): a module-level function starts so, or the module defines none."""
LOAD_CALL = re.compile(rb"from_pretrained" + GAP + rb"\(" + GAP)
BARE = re.compile(IDENT + END)
"""A bare name that is the whole argument (an ``ast.Name``)."""
KEYWORD_NAME = re.compile(
    rb"pretrained_model_name_or_path" + GAP + rb"=(?!=)" + GAP + rb"(?:" + IDENT + END + rb"|\()"
)
"""The keyword :func:`_loads` reads when there is no positional argument, given a bare name
(or something in brackets, which may be one)."""

Function = ast.FunctionDef | ast.AsyncFunctionDef


@dataclass(frozen=True, slots=True)
class _Load:
    """An unpinned ``from_pretrained`` of a parameter, in a function of the module."""

    function: Function
    parameter: str
    position: int | None
    """Index among the positional parameters, None for a keyword-only one."""
    call: ast.Call


def hub_id_through_helper(context: FileContext, params: NoParams) -> Iterable[Observation]:
    """Yield unpinned loads of a helper parameter that a call fills from a configuration."""
    data = searched(context)
    if not MAY_LOAD(data) or not may_load_parameter(data):
        return
    tree = byte_tree(context)
    loads = _loads(tree)
    if not loads:
        return
    reported: set[int] = set()
    for call in sorted(_calls(tree), key=lambda c: (c.lineno, c.col_offset)):
        if not isinstance(call.func, ast.Name):
            continue
        for load in loads.get(call.func.id, ()):
            value = _argument(call, load)
            if value is None or not _reads_configuration(value) or id(load.call) in reported:
                continue
            reported.add(id(load.call))
            source = ast.unparse(value)
            yield Observation(
                context.at(load.call.lineno, start_column=load.call.col_offset + 1),
                f"the hub id is parameter {load.parameter!r} of {load.function.name}(), which "
                f"a call fills from a configuration ({source}); it is downloaded without "
                "revision= and the function offers none, so the repository the configuration "
                "names is fetched at its default branch",
                flow=(
                    FlowStep(
                        context.at(call.lineno, start_column=call.col_offset + 1),
                        f"the id is read from {source} and passed to {load.function.name}()",
                    ),
                ),
            )


def may_load_parameter(data: bytes) -> bool:
    """Tell whether searched bytes may hold a module function's load of a bare name.

    :func:`_loads` needs a module-level function (:data:`MODULE_DEF`) and a ``from_pretrained``
    call (or a call of its result, whose last name is the same) whose first argument is a bare
    name, or which has none and gives ``pretrained_model_name_or_path`` one. Any other first
    argument (a literal, an attribute, a call, ``*args``) loads no parameter. False only when
    the file holds no such call: then it is not parsed.
    """
    if not MODULE_DEF.search(data):
        return False
    for at in first_arguments(data, LOAD_CALL):
        if at is None or BARE.match(data, at) or data[at : at + 1] == b"(":
            return True
        keyword_first = NONE.match(data, at) is not None and data[at : at + 1] not in b")*"
        if keyword_first and KEYWORD_NAME.search(data):
            return True
    return False


def _loads(tree: ast.Module) -> dict[str, list[_Load]]:
    """Return the unpinned loads of a parameter, by the name of the module function."""
    found: dict[str, list[_Load]] = {}
    for function in tree.body:
        if not isinstance(function, Function) or _offers_revision(function.args):
            continue
        positional = [a.arg for a in (*function.args.posonlyargs, *function.args.args)]
        names = set(positional) | {a.arg for a in function.args.kwonlyargs}
        for node in ast.walk(function):
            if not isinstance(node, ast.Call) or last_name(node.func) != "from_pretrained":
                continue
            first = node.args[0] if node.args else keyword(node, "pretrained_model_name_or_path")
            if not isinstance(first, ast.Name) or first.id not in names or _pinned(node):
                continue
            index = positional.index(first.id) if first.id in positional else None
            found.setdefault(function.name, []).append(_Load(function, first.id, index, node))
    return found


def _offers_revision(args: ast.arguments) -> bool:
    every = (*args.posonlyargs, *args.args, *args.kwonlyargs)
    return args.kwarg is not None or any(a.arg == "revision" for a in every)


def _pinned(call: ast.Call) -> bool:
    """Tell whether the load passes a revision, keyword options or ``local_files_only=True``."""
    offline = keyword(call, "local_files_only")
    return (
        keyword(call, "revision") is not None
        or any(k.arg is None for k in call.keywords)
        or (isinstance(offline, ast.Constant) and offline.value is True)
    )


def _calls(tree: ast.Module) -> Iterator[ast.Call]:
    return (node for node in ast.walk(tree) if isinstance(node, ast.Call))


def _argument(call: ast.Call, load: _Load) -> ast.expr | None:
    """Return what ``call`` passes for the load's parameter (positionally or by keyword)."""
    given = keyword(call, load.parameter)
    if given is not None:
        return given
    if load.position is None or load.position >= len(call.args):
        return None
    if any(isinstance(a, ast.Starred) for a in call.args[: load.position + 1]):
        return None
    return call.args[load.position]


def _reads_configuration(value: ast.expr) -> bool:
    """Tell whether VALUE is ``cfg.get(...)``, ``cfg[...]`` or ``cfg.name`` of a configuration."""
    if isinstance(value, ast.Call) and isinstance(value.func, ast.Attribute):
        if value.func.attr != "get":
            return False
        holder: ast.expr = value.func.value
    elif isinstance(value, ast.Subscript | ast.Attribute):
        holder = value.value
    else:
        return False
    return bool(CONFIG_NAME.match(dotted(holder))) and not isinstance(holder, ast.Call)


HUB_ID_THROUGH_HELPER = AnalyzerSpec(
    name="python-hub-id-through-helper",
    description="from_pretrained of a helper's parameter without revision=, where a call in "
    "the same module fills the parameter from a configuration object (reported at the load, "
    "linked to the call).",
    kinds=frozenset({ArtifactKind.PYTHON}),
    params=NO_PARAMS,
    file=hub_id_through_helper,
)
