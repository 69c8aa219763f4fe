"""What the names of one Python module stand for, read from its syntax tree (never imported).

A web app rarely writes its guards inline: ``check_key = [Depends(verify_api_key)]`` is bound
once and used as ``dependencies=check_key`` on every route; a request field goes through a
local variable and a helper function before it reaches the model. This reader gives analyzers
what they need to follow such names without running anything: for each scope (the module and
every function), the value last assigned to each name, the functions and classes defined,
and the imports, plus a parent map so that a node's enclosing scopes can be found.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field
from typing import TypeAlias

from mlsec_policy.pyparse import syntax_tree

FunctionNode: TypeAlias = ast.FunctionDef | ast.AsyncFunctionDef
ScopeNode: TypeAlias = ast.Module | ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef


@dataclass(frozen=True, slots=True)
class Imported:
    """A name bound by an import: ``from .auth import verify`` is ``Imported(".auth", "verify")``.

    ``import a.b as c`` gives ``Imported("a.b", "")``: the name is the module itself.
    """

    module: str
    """Dotted module, with leading dots for a relative import."""
    name: str
    """The name inside that module, '' when the binding is the module."""

    def member(self, attribute: str) -> Imported:
        """Return the binding of ``alias.attribute`` (a name inside an imported module)."""
        if not self.name:
            return Imported(self.module, attribute)
        joiner = "" if self.module.endswith(".") else "."
        return Imported(f"{self.module}{joiner}{self.name}", attribute)


Binding: TypeAlias = ast.expr | FunctionNode | ast.ClassDef | Imported
"""What a name stands for: an assigned value, a function, a class or an import."""


@dataclass(slots=True)
class Scope:
    """The names bound directly in one module, function or class body."""

    node: ScopeNode
    bindings: dict[str, list[Binding]] = field(default_factory=dict)
    """Every binding of each name in source order (``x = []`` then ``x = [auth]`` under an
    ``if``: a reader cannot know which one runs, so it is given both)."""


@dataclass(slots=True)
class ModuleSymbols:
    """The parsed module with its scopes and a parent map."""

    tree: ast.Module
    scopes: dict[ast.AST, Scope]
    parents: dict[ast.AST, ast.AST]
    calls: list[ast.Call] = field(default_factory=list)
    """Every call of the module, in source order."""

    @property
    def module_scope(self) -> Scope:
        """Return the module's own scope."""
        return self.scopes[self.tree]

    def enclosing(self, node: ast.AST) -> list[Scope]:
        """Return the scopes around ``node``, innermost first (class bodies are skipped)."""
        found: list[Scope] = []
        current = self.parents.get(node)
        while current is not None:
            scope = self.scopes.get(current)
            if scope is not None and not isinstance(current, ast.ClassDef):
                found.append(scope)
            current = self.parents.get(current)
        return found

    def lookup(self, name: str, at: ast.AST) -> list[Binding]:
        """Return what ``name`` may stand for where ``at`` is ([] when it is not bound here)."""
        for scope in self.enclosing(at):
            if name in scope.bindings:
                return scope.bindings[name]
        return []

    def lookup_module(self, name: str) -> list[Binding]:
        """Return what a module-level ``name`` may stand for (for names imported by others)."""
        return self.module_scope.bindings.get(name, [])


def read_symbols(text: str) -> ModuleSymbols:
    """Parse ``text`` and index its scopes; raise SyntaxError or ValueError as ast does."""
    return index_tree(syntax_tree(text))


def index_tree(tree: ast.Module) -> ModuleSymbols:
    """Index the scopes and parents of an already parsed module (one pass over the tree)."""
    parents: dict[ast.AST, ast.AST] = {}
    scopes: dict[ast.AST, Scope] = {tree: Scope(tree)}
    binders: list[ast.stmt] = []
    calls: list[ast.Call] = []
    todo: list[ast.AST] = [tree]
    while todo:
        node = todo.pop()
        if isinstance(node, ast.Call):
            calls.append(node)
        elif isinstance(node, ast.stmt):
            binders.append(node)
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                scopes[node] = Scope(node)
        for child in ast.iter_child_nodes(node):
            parents[child] = node
            todo.append(child)
    binders.sort(key=lambda node: (node.lineno, node.col_offset))
    for node in binders:
        owner = _scope_of(node, parents, scopes)
        if owner is not None:
            _bind(node, owner.bindings)
    calls.sort(key=lambda node: (node.lineno, node.col_offset))
    return ModuleSymbols(tree, scopes, parents, calls)


def _scope_of(
    node: ast.AST, parents: dict[ast.AST, ast.AST], scopes: dict[ast.AST, Scope]
) -> Scope | None:
    current = parents.get(node)
    while current is not None and current not in scopes:
        current = parents.get(current)
    return scopes.get(current) if current is not None else None


def _bind(node: ast.stmt, bindings: dict[str, list[Binding]]) -> None:
    """Record what the statement ``node`` binds in the scope that contains it."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        bindings.setdefault(node.name, []).append(node)
    elif isinstance(node, ast.Assign):
        for target in node.targets:
            if isinstance(target, ast.Name):
                bindings.setdefault(target.id, []).append(node.value)
    elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
        # ``deps += [Depends(auth)]`` adds to what ``deps`` held: recorded as one more value
        if isinstance(node.target, ast.Name) and node.value is not None:
            bindings.setdefault(node.target.id, []).append(node.value)
    elif isinstance(node, ast.ImportFrom):
        module = "." * node.level + (node.module or "")
        for alias in node.names:
            if alias.name != "*":
                bindings.setdefault(alias.asname or alias.name, []).append(
                    Imported(module, alias.name)
                )
    elif isinstance(node, ast.Import):
        for alias in node.names:
            name = alias.asname or alias.name.split(".")[0]
            module = alias.name if alias.asname else name
            bindings.setdefault(name, []).append(Imported(module, ""))


def dotted(node: ast.AST) -> str:
    """Return ``a.b.c`` for a name or attribute chain (calls are looked through), else ''."""
    parts: list[str] = []
    current: ast.AST = node
    while True:
        if isinstance(current, ast.Call):
            current = current.func
        elif isinstance(current, ast.Attribute):
            parts.append(current.attr)
            current = current.value
        elif isinstance(current, ast.Name):
            parts.append(current.id)
            return ".".join(reversed(parts))
        else:
            return ""


def last_name(node: ast.AST) -> str:
    """Return the last segment of :func:`dotted` (``verify`` for ``auth.verify(...)``)."""
    return dotted(node).rsplit(".", 1)[-1]


def string_value(node: ast.AST | None) -> str | None:
    """Return the value of a string literal, else None."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    return None


def keyword(call: ast.Call, name: str) -> ast.expr | None:
    """Return the value given to keyword ``name`` in ``call``, else None."""
    return next((k.value for k in call.keywords if k.arg == name), None)


def parameters(args: ast.arguments) -> list[tuple[ast.arg, ast.expr | None]]:
    """Return each named parameter of a signature with its default (None when it has none)."""
    positional = [*args.posonlyargs, *args.args]
    padding: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults))
    defaults = [*padding, *args.defaults]
    return [
        *zip(positional, defaults, strict=True),
        *zip(args.kwonlyargs, args.kw_defaults, strict=True),
    ]
