"""The mutations of a control: each one removes a single condition from one of its checks.

A condition that no fixture case notices when it is gone is either untested or dead. What is
removed, check by check:

- semgrep rules: each ``pattern-not``/``pattern-not-inside``/``pattern-not-regex``,
  ``pattern-inside``, ``metavariable-*`` condition of a ``patterns`` list that keeps a positive
  pattern; each branch of a ``pattern-either`` (and each taint source, sink, sanitizer or
  propagator) when another one is left; each entry of ``paths: exclude``;
- every check: each of its ``exclude`` globs;
- native analyzers: each entry of a list parameter (an exemption, an allowlist entry, a
  pattern), and each parameter the analyzer can do without (its default then applies, which
  is how a threshold widens back to the analyzer's own).

A mutation the analyzer's parameter schema refuses is not generated.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, replace
from typing import Any

import jsonschema

from mlsec_policy.models import JsonValue
from mlsec_policy.policy.model import Check, Control, NativeCheck, ParamsReader, SemgrepCheck

CONDITIONS = frozenset(
    {
        "pattern-not",
        "pattern-not-inside",
        "pattern-not-regex",
        "pattern-inside",
        "metavariable-regex",
        "metavariable-pattern",
        "metavariable-comparison",
        "metavariable-type",
    }
)
"""Items of a ``patterns`` list that only narrow what the positive patterns match."""

POSITIVE = frozenset({"pattern", "pattern-either", "pattern-regex", "patterns"})
"""Items of a ``patterns`` list that match by themselves."""

ALTERNATIVES = frozenset(
    {"pattern-either", "pattern-sources", "pattern-sinks", "pattern-propagators"}
)
"""Lists whose entries are alternatives: any one may go while another remains."""

Path = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Mutation:
    """One altered check of a control."""

    control_id: str
    check_id: str
    description: str
    """What was removed, e.g. ``rule patterns[2] (pattern-not)``."""
    check: Check
    """The check with that condition removed."""


def mutations(control: Control, analyzers: Mapping[str, ParamsReader]) -> list[Mutation]:
    """Return every mutation of ``control``'s checks, in a stable order."""
    found: list[Mutation] = []
    for check in control.checks:
        for description, mutated in _check_mutations(check, analyzers):
            found.append(Mutation(control.id, check.id, description, mutated))
    return found


def _check_mutations(
    check: Check, analyzers: Mapping[str, ParamsReader]
) -> Iterator[tuple[str, Check]]:
    for index, glob in enumerate(check.exclude):
        kept = check.exclude[:index] + check.exclude[index + 1 :]
        yield f"exclude {glob!r}", replace(check, exclude=kept)
    if isinstance(check, SemgrepCheck):
        for description, rule in rule_mutations(check.rule):
            yield f"rule {description}", replace(check, rule=rule)
    elif isinstance(check, NativeCheck) and check.analyzer in analyzers:
        reader = analyzers[check.analyzer]
        schema = reader.params_schema
        valid = jsonschema.validators.validator_for(schema)(schema)
        for description, raw in param_mutations(check.raw_params):
            if valid.is_valid(raw):
                params = reader.parse_params(raw)
                yield f"params {description}", replace(check, raw_params=raw, params=params)


def rule_mutations(rule: Mapping[str, JsonValue]) -> Iterator[tuple[str, dict[str, Any]]]:
    """Yield (description, rule) for each single condition removable from a semgrep rule."""
    for path, label in _removable(rule, ()):
        yield f"{_render(path)} ({label})", _without(rule, path)


def _removable(node: Any, path: Path) -> Iterator[tuple[Path, str]]:
    if isinstance(node, dict):
        for key, value in node.items():
            if isinstance(value, list):
                yield from _removable_items(key, value, (*path, key))
            if isinstance(value, dict | list):
                yield from _removable(value, (*path, key))
    elif isinstance(node, list):
        for index, item in enumerate(node):
            if isinstance(item, dict | list):
                yield from _removable(item, (*path, index))


def _removable_items(key: str, items: list[Any], path: Path) -> Iterator[tuple[Path, str]]:
    if key == "patterns":
        positives = sum(1 for item in items if _kind(item) in POSITIVE)
        for index, item in enumerate(items):
            if _kind(item) in CONDITIONS and positives:
                yield (*path, index), _kind(item)
    elif key in ALTERNATIVES and len(items) > 1:
        for index in range(len(items)):
            yield (*path, index), f"{key} entry"
    elif key == "pattern-sanitizers":
        for index, _ in enumerate(items):
            yield (*path, index), "sanitizer"
    elif key == "exclude" and path[-2:-1] == ("paths",):
        for index, item in enumerate(items):
            yield (*path, index), f"paths exclude {item!r}"


def param_mutations(raw: Mapping[str, JsonValue]) -> Iterator[tuple[str, dict[str, JsonValue]]]:
    """Yield (description, params) dropping one list entry, or one whole parameter."""
    for key, value in raw.items():
        if isinstance(value, list):
            for index, item in enumerate(value):
                mutated = dict(copy.deepcopy(raw))
                mutated[key] = [entry for i, entry in enumerate(value) if i != index]
                yield f"{key}: drop {item!r}", mutated
        yield f"drop {key}", {k: v for k, v in raw.items() if k != key}


def _kind(item: Any) -> str:
    if isinstance(item, dict) and item:
        return str(next(iter(item)))
    return ""


def _without(rule: Mapping[str, JsonValue], path: Path) -> dict[str, Any]:
    mutated: dict[str, Any] = copy.deepcopy(dict(rule))
    parents: list[Any] = [mutated]
    for step in path[:-1]:
        parents.append(parents[-1][step])
    del parents[-1][path[-1]]
    if not parents[-1] and len(path) > 1:  # an emptied list goes with its key
        del parents[-2][path[-2]]
    return mutated


def _render(path: Path) -> str:
    text = ""
    for step in path:
        text += f"[{step}]" if isinstance(step, int) else (f".{step}" if text else step)
    return text
