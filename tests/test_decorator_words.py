"""Names a pattern binds only in decorators are looked for in decorators and imports.

Semgrep itself matching the shapes below (an alias from an import, a decorator over several
lines or in brackets, an import after ``if x:``) is checked in ``test_semgrep_prefilter.py``.
"""

from __future__ import annotations

import pytest

from mlsec_policy.engines.semgrep.code_text import code_text
from mlsec_policy.engines.semgrep.decorators import decorated, decorations, decorator_only
from mlsec_policy.engines.semgrep.marks import DECORATED, NAME
from mlsec_policy.engines.semgrep.prefilter import formula, may_match, word_test
from mlsec_policy.engines.semgrep.wordformula import words
from mlsec_policy.models import JsonValue

ROUTE: dict[str, JsonValue] = {
    "languages": ["python"],
    "patterns": [
        {"pattern": "@$APP.$METHOD(...)\ndef $FUNC(...):\n    ...\n"},
        {"metavariable-regex": {"metavariable": "$METHOD", "regex": "^(get|post)$"}},
    ],
}


def test_only_metavariables_of_decorator_lines_count() -> None:
    """A metavariable also named in the body, or on a decorator line left open, does not."""
    assert decorator_only(["@$APP.$METHOD(...)\ndef $FUNC(...):\n    ...\n"]) == {"APP", "METHOD"}
    assert decorator_only(["@$APP.$M(...)\ndef $F(...):\n    $M(...)\n"]) == {"APP"}
    assert decorator_only(["@$APP.$M(\n  ...)\ndef $F(...):\n    ...\n"]) == set()
    assert decorator_only(["@$A.$M(...)\ndef $F(...): ...", "$M(...)"]) == {"A"}


def test_the_route_rule_looks_for_whole_names_in_decorators() -> None:
    """The method names are decorator words; the rule's other words stay in code."""
    found = words(formula(ROUTE))
    assert {DECORATED + b"get", DECORATED + b"post"} <= found
    assert NAME + b"get" not in found


@pytest.mark.parametrize(
    "text",
    [
        b'@app.get("/x")\ndef x():\n    pass\n',
        b'@app.post(\n    "/x",\n)\ndef x():\n    pass\n',
        b'@handlers[\n    0\n].post("/x")\ndef x():\n    pass\n',
        b'@handlers[0] \\\n    .post("/x")\ndef x():\n    pass\n',
        b'@(app.get)("/x")\ndef x():\n    pass\n',
        b'from api import get as g\n\n@g("/x")\ndef x():\n    pass\n',
        b'from api import (\n    other,\n    post as p,\n)\n@p("/x")\ndef x(): pass\n',
        b'if True: from api import post as p\n@p("/x")\ndef x(): pass\n',
        b"x = 1; import api.post\n",
        b'x = 1\r@app.get("/x")\rdef x():\r    pass\r',
        b'\xef\xbb\xbf@app.get("/x")\ndef x():\n    pass\n',
        b'@app.route(f"/{name}")\ndef x():\n    return d.get(k)\n',
    ],
)
def test_a_name_in_a_decorator_or_an_import_passes(text: bytes) -> None:
    """Every place semgrep can take the method's name from (an f-string: the whole code)."""
    assert may_match(formula(ROUTE), text)


@pytest.mark.parametrize(
    "text",
    [
        b"import json\n\ndef handler(d, k):\n    return d.get(k) or requests.post(u)\n",
        b"from utils import get_module_from_name, post_process\n@cache\ndef x(): pass\n",
        b'# @app.get("/x")\n@property\ndef x(self):\n    return self.get()\n',
        b'"""Use @app.get("/x") to route."""\n@staticmethod\ndef x():\n    pass\n',
        b'@app.getter("/x")\ndef x():\n    pass\n',
        b"@wraps(f)\ndef x():\n    return cache.get(key)\n",
    ],
)
def test_a_name_only_in_code_comments_or_longer_names_does_not(text: bytes) -> None:
    """``d.get(k)`` in a body, ``get_…`` imports, a commented or documented decorator."""
    assert not may_match(formula(ROUTE), text)


def test_decorations_are_the_logical_lines_of_decorators_and_imports() -> None:
    """Brackets and backslashes continue a statement; the code between is left out."""
    code = code_text(
        b"import os\n"
        b"x = compute(\n    1)\n"
        b"@route(\n    '/a',\n)\n"
        b"def f():\n    return g()\n"
        b"from a import (\n    b,\n)\n"
    )
    assert code is not None
    assert decorations(code) == b"import os\n@route(\n     ,\n)\nfrom a import (\n    b,\n)"


def test_code_that_cannot_be_lexed_is_searched_whole() -> None:
    """An unterminated string: the whole text answers, whole names only."""
    text = b'x = "open\n@app.get("/x")\n'
    assert code_text(text) is None
    assert decorated(b"get", text)
    assert not decorated(b"ge", text)


def test_a_quote_left_in_a_statement_gives_the_whole_code() -> None:
    """An f-string may hold brackets that do not count: the statement's end is not known."""
    code = b'@route(f"{x}")\ny = cache.get(k)\n'
    assert decorations(code) == code


def test_a_diff_scans_word_test_reads_decorator_names_as_names_in_code() -> None:
    """Cheaper to decide over a whole tree, and it holds wherever the gate's formula does."""
    relaxed = word_test(formula(ROUTE))
    assert NAME + b"get" in words(relaxed)
    assert not any(word.startswith(DECORATED) for word in words(relaxed))
    body = b"def handler(d, k):\n    return d.get(k)\n"
    assert may_match(relaxed, body) and not may_match(formula(ROUTE), body)
