r"""No name regex of the pack is quadratic in semgrep's prefilter (docs/rule-performance.md).

Semgrep searches a file for a rule's ``metavariable-regex`` unanchored before it runs the rule,
trying it at every position. A regex that starts with an optional group holding ``.*`` — the
old ``^(?:.*\.)?NAME$`` form — then backtracks over the rest of the line from every position:
one long line (h2ogpt's 178 KB string) took the whole pack past 15 minutes. The time budget of
``policy test`` cannot see it (the prefilter runs before any rule is timed), so the shape is
refused here, in every rule of every bundled control.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

CONTROLS = Path(__file__).resolve().parents[1] / "policies" / "controls"
LEADING_OPTIONAL_ANY = re.compile(r"^\^?\((?:\?:)?[^()]*\.\*[^()]*\)[?*]")
"""A regex opening with an optional (or repeated) group that holds ``.*``."""


def _regexes(node: object) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "regex" and isinstance(value, str):
                yield value
            else:
                yield from _regexes(value)
    elif isinstance(node, list):
        for item in node:
            yield from _regexes(item)


@pytest.mark.parametrize(
    ("regex", "refused"),
    [
        (r"^(?:.*\.)?load_tools$", True),
        (r"^(.*[^a-z0-9])?token$", True),
        (r"^.*(?<![^.])load_tools$", False),
        (r"^(?:load|loads)$", False),
    ],
)
def test_the_shape_check_tells_the_quadratic_form(regex: str, refused: bool) -> None:
    assert bool(LEADING_OPTIONAL_ANY.match(regex)) is refused


def test_no_rule_regex_opens_with_an_optional_any_group() -> None:
    found = []
    for control in sorted(CONTROLS.glob("*/*/control.yaml")):
        document = yaml.safe_load(control.read_text(encoding="utf-8"))
        found += [f"{control.parent.name}: {r}" for r in _regexes(document)]
    assert len(found) > 50, "the walk reaches the rules"
    assert [r for r in found if LEADING_OPTIONAL_ANY.match(r.split(": ", 1)[1])] == []
