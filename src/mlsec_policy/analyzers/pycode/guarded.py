"""Findings graded by the opt-in guards in front of them (a check's ``opt-in-guard``).

A check may declare that a match reachable only behind an opt-in guard (see :mod:`.guards`) is
a lesser finding: the statement is still a place to look at, but it no longer runs unless a
caller or an operator asks for it. Such a match takes the declared severity and a message that
names the guard's line and what must hold; severity none drops it. Only Python files are read
(parsed, never imported); a file that does not parse leaves its findings as they are.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path

from mlsec_policy.analyzers.pycode.guards import Guard, find_guard
from mlsec_policy.models import GuardContext, Hit
from mlsec_policy.pyparse import syntax_tree

MAX_BYTES = 4 * 1024 * 1024
"""Larger files are not parsed for guards (their findings stay as they are)."""


def graded_by_guards(
    root: Path,
    contexts: Mapping[str, GuardContext],
    messages: Mapping[str, str],
    hits: Sequence[Hit],
) -> list[Hit]:
    """Return ``hits``, each re-graded where its check has a guard context and a guard applies.

    ``contexts`` and ``messages`` are keyed by check id (``messages`` holds each check's own
    message, used when the observation carries none). A hit on a line of a ``.py`` file that
    an opt-in guard dominates takes the context's severity and says so; a context of severity
    none drops it. Every other hit is returned as it is, in the same order.
    """
    if not any(hit.check_id in contexts for hit in hits):
        return list(hits)
    trees: dict[str, ast.Module | None] = {}
    graded: list[Hit] = []
    for hit in hits:
        context = contexts.get(hit.check_id)
        guard = None if context is None else _guard_of(root, hit, trees)
        if context is None or guard is None:
            graded.append(hit)
            continue
        if context.severity is None:
            continue
        said = hit.observation.message or messages.get(hit.check_id, "")
        message = (
            f"{said.rstrip('. ')} — behind an opt-in guard at line {guard.line}: reachable "
            f"only when {guard.condition}"
        )
        observation = replace(hit.observation, severity=context.severity, message=message)
        graded.append(replace(hit, observation=observation))
    return graded


def _guard_of(root: Path, hit: Hit, trees: dict[str, ast.Module | None]) -> Guard | None:
    location = hit.observation.location
    if location.start_line is None or location.cell is not None:
        return None
    if not location.path.endswith(".py"):
        return None
    if location.path not in trees:
        trees[location.path] = _parse(root, location.path)
    tree = trees[location.path]
    return None if tree is None else find_guard(tree, location.start_line)


def _parse(root: Path, relative: str) -> ast.Module | None:
    path = root / relative
    try:
        if path.is_symlink() or not path.is_file() or path.stat().st_size > MAX_BYTES:
            return None
        return syntax_tree(path.read_bytes(), relative)
    except (OSError, SyntaxError, ValueError, RecursionError):
        return None
