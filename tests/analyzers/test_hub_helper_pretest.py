"""The hub-helper analyzer skips a file only when no module function loads a bare name.

:func:`~mlsec_policy.analyzers.pycode.hub_helpers.may_load_parameter` leaves a file unparsed;
the analysis reads no other file, so the property is: whenever the parsed module has a load
:func:`~mlsec_policy.analyzers.pycode.hub_helpers._loads` would consider, the pre-test passes
the file. Checked on every combination of where the function sits, how the call is spelled and
what stands between its parts.
"""

from __future__ import annotations

import ast
import itertools

import pytest

from mlsec_policy.analyzers.pycode.encoding import searched_in
from mlsec_policy.analyzers.pycode.hub_helpers import _loads, may_load_parameter

PLACES = {
    "module": "def load(name, size=2):\n    return {call}\n",
    "async": "async def load(name):\n    return {call}\n",
    "decorated": "@cache\ndef load(name):\n    return {call}\n",
    "form-feed": "\x0cdef load(name):\n    return {call}\n",
    "spaces-then-form-feed": "  \x0cdef load(name):\n    return {call}\n",
    "joined-def": "def \\\n load(name):\n    return {call}\n",
    "byte-order-mark": "\ufeffdef load(name):\n    return {call}\n",
    "crlf": "def load(name):\r\n    return {call}\r\n",
    "method": "class C:\n    def load(self, name):\n        return {call}\n",
    "nested": "if True:\n    def load(name):\n        return {call}\n",
}
CALLS = {
    "bare": "AutoModel.from_pretrained(name)",
    "bare-with-options": "AutoModel.from_pretrained(name, torch_dtype=t)",
    "bracketed": "AutoModel.from_pretrained((name))",
    "keyword": "AutoModel.from_pretrained(pretrained_model_name_or_path=name)",
    "keyword-bracketed": "AutoModel.from_pretrained(c=c, pretrained_model_name_or_path=(name))",
    "chained": 'AutoModel.from_pretrained("x")(name)',
    "chained-brackets-in-strings": 'AutoModel.from_pretrained(")", "(")(name)',
    "spaced": "AutoModel.from_pretrained  (  # why\n        name  )",
    "joined": "AutoModel.from_pretrained \\\n        (name)",
    "literal": 'AutoModel.from_pretrained("google/bert")',
    "attribute": "AutoModel.from_pretrained(self.name)",
    "call": "AutoModel.from_pretrained(get(name))",
    "starred": "AutoModel.from_pretrained(*name)",
    "pinned": 'AutoModel.from_pretrained(name, revision="main")',
    "options": "AutoModel.from_pretrained(name, **options)",
}


@pytest.mark.parametrize(("place", "call"), list(itertools.product(PLACES, CALLS)), ids="-".join)
def test_a_file_with_a_load_the_analysis_considers_is_parsed(place: str, call: str) -> None:
    code = PLACES[place].format(call=CALLS[call])
    loads = _loads(ast.parse(code.encode("utf-8")))
    passed = may_load_parameter(searched_in(code.encode("utf-8")))
    assert passed or not loads, code
    if place in ("method", "nested") or call in ("literal", "attribute", "call", "starred"):
        assert not passed, code  # the pre-test turns these down: it is not a test that passes all


def test_the_combinations_hold_loads() -> None:
    """The property above would hold vacuously if no combination loaded anything."""
    considered = [
        (p, c)
        for p, c in itertools.product(PLACES, CALLS)
        if _loads(ast.parse(PLACES[p].format(call=CALLS[c]).encode("utf-8")))
    ]
    assert len(considered) >= 40, considered
