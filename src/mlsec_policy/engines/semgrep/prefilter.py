"""Words a Python rule cannot match without: which files a rule may match, decided by bytes.

A semgrep pattern names identifiers — modules, functions, attributes, keyword arguments — that
any code it matches must spell out somewhere in the file. Semgrep resolves import aliases, but
an alias is introduced by an import that still spells the original name (``import torch as
t`` holds ``torch``), so a file that does not contain the word anywhere cannot match. From each
rule this module derives such words, as a conjunction of clauses, each clause a set of words
of which at least one must occur in the file:

- ``pattern`` / ``pattern-inside``: every identifier of the pattern is a clause of its own,
  except metavariables, keywords and constants (``True``: constant propagation can compute
  it), words inside string literals (constant propagation can build the string from parts)
  and the type of a typed metavariable (``(str $X)``: a type can be inferred);
- ``patterns``: the clauses of every positive condition (``pattern``, ``pattern-inside``,
  ``pattern-either``, ``patterns``); negative and metavariable conditions only narrow a match
  and add nothing;
- ``pattern-either``: one clause, the union of one clause from each branch; nothing when any
  branch has nothing (a ``pattern-regex`` branch, say);
- taint rules: a finding needs a source and a sink, so one clause for each list;
- anything else — another language, a ``pattern-regex`` rule, a key this module does not know —
  gives no clause, and the rule runs on every file of its kinds.

The derivation only ever drops conditions, so it may let a file through that cannot match, and
never the other way round. ``tests/test_semgrep_prefilter.py`` checks that on every fixture of
the pack: no rule matches a file this module would have kept from it.

The scan does not use it yet: ``benchmarks/rule_reach.py`` measures what it would leave out,
and on the trees measured so far no file escapes every rule (benchmarks/README.md).
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Iterable, Mapping, Sequence

from mlsec_policy.models import JsonValue

Clause = frozenset[bytes]
"""At least one of these byte strings occurs in any file the rule matches."""

PYTHON = frozenset({"python", "python3", "py"})
RULE_KEYS = frozenset(
    {
        "id",
        "message",
        "severity",
        "languages",
        "metadata",
        "paths",
        "fix",
        "pattern",
        "patterns",
        "pattern-either",
        "pattern-regex",
        "mode",
        "pattern-sources",
        "pattern-sinks",
        "pattern-sanitizers",
        "pattern-propagators",
    }
)
"""Top-level keys whose meaning this module knows; any other key (``options``,
``equivalences``, the newer ``match`` syntax) may widen what a rule matches, so such a rule
gets no clause."""
POSITIVE = ("pattern", "pattern-inside", "pattern-either", "patterns")
"""Conditions of ``patterns`` that a match must satisfy (the others only narrow it)."""
NOT_REQUIRED = frozenset({*keyword.kwlist, *keyword.softkwlist, "True", "False", "None"})

_STRING = re.compile(r"""[rRbBuUfF]{0,2}(?:"(?:\\.|[^"\\])*"|'(?:\\.|[^'\\])*')""", re.DOTALL)
_METAVARIABLE = re.compile(r"\$(?:\.\.\.)?[A-Z_][A-Z0-9_]*")
_TYPED = re.compile(r"\(\s*[A-Za-z_][\w.]*\s+\$")
_WORD = re.compile(r"(?<![0-9A-Za-z_])[A-Za-z_][A-Za-z0-9_]*")


def clauses(rule: Mapping[str, JsonValue]) -> tuple[Clause, ...]:
    """Return the clauses every file the rule matches satisfies (none: any file may match)."""
    languages = rule.get("languages")
    if not isinstance(languages, list) or not languages:
        return ()
    if not all(isinstance(item, str) and item.lower() in PYTHON for item in languages):
        return ()
    if any(key not in RULE_KEYS for key in rule):
        return ()
    if rule.get("mode", "search") == "taint":
        found = [_either(rule.get("pattern-sources")), _either(rule.get("pattern-sinks"))]
        return _unique(clause for part in found for clause in part)
    if "mode" in rule and rule["mode"] != "search":
        return ()
    return _unique(_formula(rule))


def may_match(required: Sequence[Clause], text: bytes) -> bool:
    """Return True when ``text`` satisfies every clause (a rule with none may match anything)."""
    return all(any(word in text for word in clause) for clause in required)


def _formula(node: Mapping[str, JsonValue]) -> list[Clause]:
    """Return the clauses of one formula (a mapping with one of the positive keys)."""
    for key in POSITIVE:
        if key not in node:
            continue
        value = node[key]
        if key in ("pattern", "pattern-inside"):
            return [frozenset({word}) for word in _words(value)] if isinstance(value, str) else []
        if key == "pattern-either":
            return _either(value)
        return _conjunction(value)
    return []


def _conjunction(items: JsonValue) -> list[Clause]:
    if not isinstance(items, list):
        return []
    found: list[Clause] = []
    for item in items:
        if isinstance(item, Mapping):
            found += _formula(item)
    return found


def _either(branches: JsonValue) -> list[Clause]:
    """Return one clause that holds whichever branch matched (none when a branch has none)."""
    if not isinstance(branches, list) or not branches:
        return []
    union: set[bytes] = set()
    for branch in branches:
        found = _formula(branch) if isinstance(branch, Mapping) else []
        if not found:
            return []
        best: Clause = max(found, key=_strength)
        union |= best
    return [frozenset(union)]


def _strength(clause: Clause) -> tuple[int, int]:
    """Prefer clauses of few, long words: they let fewer files through."""
    return (-len(clause), min(len(word) for word in clause))


def _words(pattern: str) -> list[bytes]:
    """Return the identifiers a match of ``pattern`` spells out in the file."""
    text = _STRING.sub(" ", pattern)
    text = _TYPED.sub("( $", text)
    text = _METAVARIABLE.sub(" ", text)
    words = dict.fromkeys(m.group() for m in _WORD.finditer(text))
    return [w.encode("ascii") for w in words if w not in NOT_REQUIRED]


def _unique(found: Iterable[Clause]) -> tuple[Clause, ...]:
    return tuple(sorted(set(found), key=lambda c: sorted(c)))
