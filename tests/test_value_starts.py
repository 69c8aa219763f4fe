r"""How a string's value may begin, read from bytes: the gate of rules with anchored regexes.

A pattern ``$FETCH("=~/^(?:http|ftp):\/\//")`` can only match a file holding a literal that may
begin the value: whole, or as the first piece of a concatenation that semgrep's constant
propagation joins (the pieces semgrep really joins are in ``ALIASED`` of
``test_semgrep_prefilter.py``, run through semgrep itself).
"""

from __future__ import annotations

import sysconfig
from pathlib import Path

import pytest

from mlsec_policy.engines.semgrep.marks import LITERAL
from mlsec_policy.engines.semgrep.prefilter import formula, may_match
from mlsec_policy.engines.semgrep.regex_words import regex_names, regex_prefixes
from mlsec_policy.engines.semgrep.value_starts import pattern_starts
from mlsec_policy.models import JsonValue
from mlsec_policy.pyliterals import beginnings, may_begin

HTTP = b"http://"


@pytest.mark.parametrize(
    "text",
    [
        b'get("http://a.example.com")',
        b"get('ftp://a.example.com')",
        b'get("ht" + "tp://a.example.com")',
        b'SCHEME = "http"',
        b'ROOT = "http:/"',
        b'get("h" "ttp://a.example.com")',
        b'get("http:"  # a comment\n    "//a.example.com")',
        b'get("htt\\\np://a.example.com")',
        b'get("\\x68ttp://a.example.com")',
        b'get("\\150ttp://a.example.com")',
        b'get("\\N{LATIN SMALL LETTER H}ttp://a.example.com")',
        b'get(f"http://{host}/x")',
        b'get(b"http://a.example.com")',
        b'get("""http://a.example.com""")',
        b'get(r"http://a.example.com")',
        b'S = "h"',
    ],
)
def test_a_literal_that_may_begin_the_value_passes(text: bytes) -> None:
    """The scheme spelled whole, escaped, split over literals, or a literal that is a piece."""
    assert may_begin(HTTP, text) or may_begin(b"ftp://", text)


@pytest.mark.parametrize(
    "text",
    [
        b"# see http://www.apache.org/licenses/LICENSE-2.0\nimport os\n",
        b'get("https://a.example.com")',
        b'get("httpx")',
        b'name = "hello"',
        b"get(url)  # http://a.example.com",
        b"get(HTTP + '://x')",
        b'get("xhttp://a.example.com")',
    ],
)
def test_text_without_such_a_literal_does_not(text: bytes) -> None:
    """A URL in a comment, ``https://``, a longer word, a name that holds the scheme."""
    assert not may_begin(HTTP, text)


def test_the_empty_text_begins_nothing() -> None:
    """An empty beginning is never asked for; it is not taken as a pass."""
    assert not may_begin(b"", b'"x"')
    assert beginnings([b""], b'"x"') == frozenset()


def _sources() -> list[bytes]:
    root = Path(sysconfig.get_paths()["stdlib"])
    files = sorted(root.glob("*.py"))[:150] + sorted((root / "urllib").glob("*.py"))
    crafted = [
        b'"http" + "tracking_uri"',
        b'"h"tracking_uri"',
        b'x = "ftp:/" "/a.b"; y = "tracking_"',
        b"'endpoint_url': 'http://a.b'",
    ]
    return [p.read_bytes() for p in files] + crafted


def test_one_search_answers_as_one_search_per_text() -> None:
    """``beginnings`` equals ``may_begin`` asked once per text, on real and crafted sources."""
    texts = [HTTP, b"ftp://", b"tracking_uri", b"endpoint_url", b"http", b".*"]
    held = 0
    for data in _sources():
        expected = {text for text in texts if may_begin(text, data)}
        assert beginnings(texts, data) == expected
        held += bool(expected)
    assert held > 10  # the sources do hold some


def test_anchored_regexes_give_their_literal_beginnings() -> None:
    """Literal alternatives after ``^`` give texts; anything unanchored or folded gives none."""
    assert regex_prefixes(r"^(?:http|ftp):\/\/(?!localhost\b)[^\/]*") == frozenset(
        {HTTP, b"ftp://"}
    )
    assert regex_prefixes(r"\Ahttps?://") == frozenset({HTTP, b"https://"})
    assert regex_prefixes(r"^(?:endpoint_url|tracking_uri)$") == frozenset(
        {b"endpoint_url", b"tracking_uri"}
    )
    for regex in (r"http://", r"(?i)^http", r"(?m)^http", r"^[a-z]+://", r"^(?:x|.)y", r"^"):
        assert regex_prefixes(regex) is None, regex


def test_whole_names_need_both_anchors_and_names() -> None:
    """``regex_names`` answers only for ``^(names)$``."""
    assert regex_names(r"^(post|get|api_route)$") == frozenset({b"post", b"get", b"api_route"})
    assert regex_names(r"\A(?:errorhandler)\Z") == frozenset({b"errorhandler"})
    for regex in (r"^(post|get)", r"^(post|get)\w*$", r"^(a.b)$", r"(post|get)$", r"^(1x)$"):
        assert regex_names(regex) is None, regex


def test_a_pattern_gives_one_clause_per_anchored_string_regex() -> None:
    """Each ``"=~/^…/"`` string of a pattern needs its beginnings; other strings give nothing."""
    pattern = '{..., "=~/^(?:endpoint_url|tracking_uri)$/": "=~/^http:\\/\\//", "k": "=~/x/"}'
    clauses = list(pattern_starts(pattern))
    assert clauses == [
        frozenset({LITERAL + b"endpoint_url", LITERAL + b"tracking_uri"}),
        frozenset({LITERAL + HTTP}),
    ]
    assert list(pattern_starts('f"=~/^http/"')) == []


def test_the_download_rule_passes_only_files_with_such_a_literal() -> None:
    """The fetch names are in every file; the rule's gate now asks for the URL literal too."""
    rule: dict[str, JsonValue] = {
        "languages": ["python"],
        "patterns": [
            {"pattern": '$FETCH("=~/^(?:http|ftp):\\/\\/[^\\/]*\\./", ...)'},
            {"metavariable-regex": {"metavariable": "$FETCH", "regex": ".*(?:get|urlopen)$"}},
        ],
    }
    header = b"# Licensed under http://www.apache.org/licenses/LICENSE-2.0\n"
    assert not may_match(formula(rule), header + b"import requests\nrequests.get(url)\n")
    assert may_match(formula(rule), header + b'import requests\nrequests.get("ht" + "tp://a.b")\n')
    assert may_match(formula(rule, located=False), b"requests.get(url)\n")  # unmarked: any text
