"""Formulas of words: ``And`` / ``Or`` of the words a file must hold for a rule to match it.

A word is bytes, marked as :mod:`.prefilter` marks it (where in the file it counts); a formula
is a word, an :class:`And` or an :class:`Or` of formulas. :data:`TRUE` (the empty ``And``)
lets every file through. Formulas are built only by :func:`conj` and :func:`disj`, which keep
them small and canonical: nested ``And``/``Or`` are flattened, duplicates and subsumed parts
dropped (absorption: in ``Or(a, And(a, b))`` the ``And`` adds nothing), parts sorted, so that
two derivations of the same rule give equal formulas.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Union


@dataclass(frozen=True, slots=True)
class And:
    """Every part holds (no part: always true)."""

    parts: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Or:
    """Some part holds (built only with two parts or more)."""

    parts: tuple[Node, ...]


Node = Union[bytes, And, Or]  # noqa: UP007 (a runtime alias of forward-declared classes)
"""A formula of words."""

TRUE = And(())
"""The formula every file satisfies (a rule that needs no particular word)."""


def conj(parts: Iterable[Node]) -> Node:
    """Return the canonical ``And`` of ``parts`` (a lone part is itself; none: :data:`TRUE`)."""
    flat: set[Node] = set()
    for part in parts:
        flat.update(part.parts if isinstance(part, And) else (part,))
    # a part that another part implies adds nothing: Or(a, b) beside a
    kept = [n for n in flat if not any(m != n and _options(m) <= _options(n) for m in flat)]
    return kept[0] if len(kept) == 1 else And(_sorted(kept))


def disj(parts: Iterable[Node]) -> Node:
    """Return the canonical ``Or`` of ``parts`` (:data:`TRUE` when some part is true).

    ``parts`` must not be empty: a rule whose alternatives are unknown needs nothing, and
    the caller says so with :data:`TRUE`.
    """
    flat: set[Node] = set()
    for part in parts:
        if part == TRUE:
            return TRUE
        flat.update(part.parts if isinstance(part, Or) else (part,))
    if not flat:
        raise ValueError("an Or needs at least one part")
    # a part that implies another part adds nothing: And(a, b) beside a
    kept = [n for n in flat if not any(m != n and _needs(m) <= _needs(n) for m in flat)]
    return kept[0] if len(kept) == 1 else Or(_sorted(kept))


def _options(node: Node) -> frozenset[Node]:
    return frozenset(node.parts) if isinstance(node, Or) else frozenset({node})


def _needs(node: Node) -> frozenset[Node]:
    return frozenset(node.parts) if isinstance(node, And) else frozenset({node})


def _sorted(nodes: Iterable[Node]) -> tuple[Node, ...]:
    return tuple(sorted(nodes, key=_order))


def _order(node: Node) -> tuple[int, bytes | tuple[object, ...]]:
    if isinstance(node, bytes):
        return (0, node)
    return (1 if isinstance(node, And) else 2, tuple(_order(part) for part in node.parts))


def words(node: Node) -> frozenset[bytes]:
    """Return every word of the formula."""
    if isinstance(node, bytes):
        return frozenset({node})
    return frozenset().union(*(words(part) for part in node.parts))


def holds(node: Node, present: frozenset[bytes] | set[bytes]) -> bool:
    """Return True when the formula holds with ``present`` the words the file holds."""
    return holds_by(node, present.__contains__)


def holds_by(
    node: Node,
    found: Callable[[bytes], bool],
    found_any: Callable[[tuple[bytes, ...]], bool] | None = None,
) -> bool:
    """Return True when the formula holds, asking ``found`` about a word only when needed.

    ``found_any``, when given, is asked at once about the words of an ``Or`` (its word parts,
    which sort first) and must answer as ``any(found(w) for w in words)`` would.
    """
    if isinstance(node, bytes):
        return found(node)
    if isinstance(node, And):
        return all(holds_by(part, found, found_any) for part in node.parts)
    if found_any is None:
        return any(holds_by(part, found) for part in node.parts)
    words = _words_first(node)
    if len(words) > 1 and found_any(words):
        return True
    rest = node.parts[len(words) :] if len(words) > 1 else node.parts
    return any(holds_by(part, found, found_any) for part in rest)


@lru_cache(maxsize=1024)
def _words_first(node: Or) -> tuple[bytes, ...]:
    """Return the ``Or``'s parts that are words (they sort before its And and Or parts)."""
    words: list[bytes] = []
    for part in node.parts:
        if not isinstance(part, bytes):
            break
        words.append(part)
    return tuple(words)


def mapped(node: Node, change: Callable[[bytes], Node]) -> Node:
    """Return the formula with every word changed by ``change`` (re-simplified)."""
    if isinstance(node, bytes):
        return change(node)
    if isinstance(node, And):
        return conj(mapped(part, change) for part in node.parts)
    return disj(mapped(part, change) for part in node.parts)


def show(node: Node) -> str:
    """Return a short text of the formula (marks shown as ``name:``, ``code:`` and so on)."""
    if isinstance(node, bytes):
        text = node.replace(b"\x02", b"name:").replace(b"\x01", b"code:")
        text = text.replace(b"\x03", b"starts:").replace(b"\x04", b"decorator:")
        return text.replace(b"\x00", b"i:").decode("utf-8", "replace")
    if node == TRUE:
        return "true"
    inner = ", ".join(show(part) for part in node.parts)
    return f"{'and' if isinstance(node, And) else 'or'}({inner})"
