"""The prefilter never keeps a rule from a file the rule matches.

Every Python rule of the bundled pack runs with real semgrep over every Python fixture of the
pack and over cases that reach a name only through an import alias; each match must be in a
file that :func:`may_match` lets through for that rule.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from mlsec_policy.analyzers import ANALYZERS
from mlsec_policy.engines.semgrep.compile import write_rules
from mlsec_policy.engines.semgrep.marks import CODE, NAME
from mlsec_policy.engines.semgrep.prefilter import formula, may_match, unmarked
from mlsec_policy.engines.semgrep.process import find_binary, run_rules
from mlsec_policy.engines.semgrep.regex_words import (
    FOLDED,
    regex_clause,
    regex_clauses,
    trailing_name_clause,
)
from mlsec_policy.engines.semgrep.wordformula import TRUE, And, conj, disj, words
from mlsec_policy.models import JsonValue
from mlsec_policy.options import SemgrepSettings
from mlsec_policy.policy import SemgrepCheck, load_policy
from mlsec_policy.resources import policies_dir

ALIASED = {
    "torch_alias.py": "import torch as t\nmodel = t.load(path)\n",
    "torch_from_alias.py": "from torch import load as tl\nmodel = tl(path)\n",
    "yaml_alias.py": "import yaml as y\ndata = y.full_load(text)\n",
    "pickle_alias.py": "from pickle import loads as pl\nobj = pl(blob)\n",
    "hub_alias.py": (
        "from transformers import AutoModel as M\n"
        'model = M.from_pretrained("someone/model", trust_remote_code=True)\n'
    ),
    "pandas_alias.py": "from pandas import read_pickle as rp\nframe = rp(path)\n",
    "numpy_alias.py": "import numpy as n\narr = n.load(path, allow_pickle=True)\n",
    "header_requests_from.py": (
        "# Copyright 2026 Example Corp.\n"
        "# Licensed under the Apache License, Version 2.0: http://www.apache.org/licenses/LICENSE-2.0\n"
        "\n"
        "from requests import get as fetch_page\n"
        "\n"
        "\n"
        "def handle(llm, prompt):\n"
        "    url = llm.generate(prompt)\n"
        "    return fetch_page(url)\n"
    ),
    "header_requests_alias.py": (
        "#!/usr/bin/env python3\n"
        "# -*- coding: utf-8 -*-\n"
        "# See https://example.org/session-client-http for the protocol.\n"
        "import requests as r\n"
        "def ask(model, question):\n"
        "    target = model.invoke(question)\n"
        "    return r.post(url=target, timeout=5)\n"
    ),
    "header_torch.py": (
        "# Copyright 2026 Example Corp.  torch load weights\n"
        "#\n"
        "from torch import load as tl\n"
        "state = tl(path)\n"
    ),
    "fstring_pandas.py": (
        '"""Reads frames: see read_pickle in https://pandas.pydata.org/docs."""\n'
        "import pandas\n"
        "# pandas.read_pickle(path) would be unsafe\n"
        'message = f"frame: {pandas.read_pickle(path)}"\n'
    ),
    # a download URL that semgrep's constant propagation joins from pieces: the first piece
    # spells only a beginning of the scheme (value_starts)
    "url_scheme_constant.py": (
        "import requests\n"
        'SCHEME = "http"\n'
        'requests.get(SCHEME + "://downloads.example.com/model.bin")\n'
    ),
    "url_scheme_pieces.py": (
        'import requests\nrequests.get("ht" + "tp://downloads.example.com/model.bin")\n'
    ),
    "url_scheme_fstring.py": (
        'import requests\nROOT = "ftp:/"\nrequests.get(f"{ROOT}/mirror.example.org/data.tgz")\n'
    ),
    # a route decorator's method name spelled only in an import, or in a decorator that spans
    # lines or is bracketed (decorators)
    "route_import_alias.py": (
        "from server_routes import post as p\n\n\n"
        '@p("/predict")\ndef predict(body):\n    return {"ok": True}\n'
    ),
    "route_inline_import.py": (
        "if True: from server_routes import post as p\n"
        '@p("/predict")\ndef predict(body):\n    return {"ok": True}\n'
    ),
    "route_brackets.py": (
        "handlers = [object()]\n"
        '@handlers[\n    0\n].post("/predict")\ndef predict(body):\n    return {"ok": True}\n'
    ),
    "route_parenthesized.py": (
        'app = object()\n@(app.post)("/predict")\ndef predict(body):\n    return {"ok": True}\n'
    ),
}
"""Files that reach a matched name only through an alias (the alias's import spells it), right
after a leading comment block that spells the rule's words (only the import does count), or
only in an f-string's replacement field (comments and docstrings spell it too, and do not
count); a URL whose scheme constant propagation joins from pieces; a route whose method name
only an import spells, or a decorator over several lines or in brackets."""


def test_words_come_from_identifiers_only() -> None:
    """Strings, metavariables, keywords and typed metavariables' types give no clause."""
    rule: dict[str, JsonValue] = {
        "languages": ["python"],
        "patterns": [
            {"pattern": 'torch.load($X, weights_only=True, map="cpu")'},
            {"pattern-inside": "def $F(..., (str $P), ...):\n  ...\n"},
            {"pattern-not": "torch.load(..., strict=$S)"},
        ],
    }
    found = words(formula(rule))
    assert found == {NAME + w for w in (b"torch", b"load", b"weights_only", b"map")}
    assert may_match(formula(rule), b"import torch as t\nt.load(x, weights_only=True, map=1)")
    assert not may_match(formula(rule), b"import numpy\nnumpy.load(x)")


def test_either_needs_a_word_of_some_branch() -> None:
    """A ``pattern-either`` keeps a file with any branch's word; a wordless branch keeps all."""
    rule: dict[str, JsonValue] = {
        "languages": ["python"],
        "pattern-either": [{"pattern": "pickle.loads(...)"}, {"pattern": "dill.loads(...)"}],
    }
    assert may_match(formula(rule), b"import dill\nobj = dill.loads(blob)\n")
    assert may_match(formula(rule), b"from pickle import loads as l\nobj = l(blob)\n")
    assert not may_match(formula(rule), b"import json\nobj = json.load(blob)\n")
    branches: list[JsonValue] = [{"pattern": "pickle.loads(...)"}, {"pattern-regex": "x\\w"}]
    wordless: dict[str, JsonValue] = {"languages": ["python"], "pattern-either": branches}
    assert formula(wordless) == TRUE


def test_other_languages_and_unknown_keys_give_no_clause() -> None:
    """Rules this module cannot read run on every file of their kinds."""
    assert formula({"languages": ["yaml"], "pattern": "privileged: true"}) == TRUE
    assert formula({"languages": ["python"], "pattern": "foo()", "options": {}}) == TRUE
    assert formula({"languages": ["python"], "pattern-regex": "[[:alpha:]]+foo"}) == TRUE


def test_an_autofix_leaves_the_words_as_they_were() -> None:
    """``fix``/``fix-regex`` change what a fix writes, never what matches."""
    rule: dict[str, JsonValue] = {"languages": ["python"], "pattern": "torch.load($X)"}
    plain = formula(rule)
    assert plain != TRUE
    assert formula({**rule, "fix": "torch.load($X, weights_only=True)"}) == plain
    fix_regex: JsonValue = {"regex": r"\)$", "replacement": ", weights_only=True)"}
    assert formula({**rule, "fix-regex": fix_regex}) == plain


def test_a_pattern_regex_needs_every_word_of_its_regex() -> None:
    """A ``pattern-regex`` runs over the file's text: each of its clauses must hold there."""
    rule: dict[str, JsonValue] = {
        "languages": ["python"],
        "pattern-regex": r"(?m)^\s*(?:from|import)\s+(?:slowapi|flask_limiter)\b",
    }
    found = formula(rule)
    assert found == conj([disj([b"from", b"import"]), disj([b"slowapi", b"flask_limiter"])])
    assert may_match(found, b"from slowapi import Limiter\n")
    assert not may_match(found, b"import os  # rate limits: none\n")
    either: dict[str, JsonValue] = {
        "languages": ["python"],
        "pattern-either": [{"pattern": "evaluate.load(...)"}, {"pattern-regex": "^import lm_eval"}],
    }
    assert may_match(formula(either), b"import lm_eval\n")
    assert not may_match(formula(either), b"import os\n")


@pytest.fixture(scope="module")
def matches(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Path, dict[str, SemgrepCheck], list[dict[str, object]]]:
    """Run every Python rule of the pack over the fixtures and the alias cases, once."""
    scratch = tmp_path_factory.mktemp("prefilter")
    for name, text in ALIASED.items():
        (scratch / name).write_text(text, encoding="utf-8")
    policy = load_policy(("builtin",), ANALYZERS)
    checks = [c for c in policy.checks(SemgrepCheck) if c.rule.get("languages") == ["python"]]
    pack = policies_dir()
    fixtures = sorted(str(p) for p in (pack / "controls").rglob("tests/**/*.py"))
    rules = scratch / "rules.yaml"
    write_rules(rules, checks, policy.severities())
    targets = [*fixtures, *(str(scratch / name) for name in ALIASED)]
    settings = SemgrepSettings(jobs=2)
    result = run_rules(find_binary(settings), rules, targets, scratch, scratch, settings)
    assert result.output is not None, result.stderr
    found = result.output["results"]
    assert isinstance(found, list)
    return scratch, {c.id: c for c in checks}, found


def test_no_match_in_a_file_the_prefilter_keeps_from_its_rule(
    matches: tuple[Path, dict[str, SemgrepCheck], list[dict[str, object]]],
) -> None:
    """Each match of each rule lies in a file that its word formula lets through."""
    scratch, by_id, found = matches
    assert len(found) > 100  # the fixtures' violations really matched
    missed = []
    for match in found:
        rule_id = str(match["check_id"]).rsplit(".", 1)[-1]
        path = Path(str(match["path"]))
        text = (path if path.is_absolute() else scratch / path).read_bytes()
        rule = by_id[rule_id].rule
        if not may_match(formula(rule), text) or not may_match(formula(rule, located=False), text):
            missed.append((rule_id, str(path)))
    assert missed == []


def test_alias_cases_match_and_pass_the_prefilter(
    matches: tuple[Path, dict[str, SemgrepCheck], list[dict[str, object]]],
) -> None:
    """Semgrep does resolve the aliases (so the cases test something), and they pass."""
    _scratch, _by_id, found = matches
    matched = {Path(str(m["path"])).name for m in found}
    assert matched >= set(ALIASED)


def test_regex_words_every_match_spells() -> None:
    """A regex gives the literal words every match holds, folded when it ignores case."""
    assert regex_clause(r"^a?(invoke|predict|chat)$") == frozenset({b"invoke", b"predict", b"chat"})
    assert regex_clause(r"^(extractall|extract)$") == frozenset({b"extract"})
    assert regex_clause(r".*(?i:(?:request|session)\w*)$") == frozenset(
        {FOLDED + b"request", FOLDED + b"session"}
    )
    assert regex_clause(r"^(?:self\.)?(?:config|\w+_cfg)$") == frozenset({b"config", b"_cfg"})
    # an optional part, a class or a branch without a word tells nothing
    assert regex_clause(r"^[\"'](?:age|sex)s?[\"']$") == frozenset(
        {f"{o}{w}{c}".encode() for o in "\"'" for w in ("age", "sex") for c in "\"'"}
        | {f"{o}{w}s{c}".encode() for o in "\"'" for w in ("age", "sex") for c in "\"'"}
    )
    assert regex_clauses(r"^from (?:a|b)\w+ import (?:xy|zw)") == [
        frozenset({b"from a", b"from b"}),
        frozenset({b" import xy", b" import zw"}),
    ]
    assert regex_clause(r"^(?:get)?\w+$") is None
    assert regex_clause(r"^(?:get|\w)$") is None
    assert regex_clause(r"(?<=x") is None


def test_trailing_words_end_every_match() -> None:
    r"""Only literal words of word characters before ``\w*`` and an end anchor qualify."""
    folded = frozenset(FOLDED + w for w in (b"session", b"client"))
    assert trailing_name_clause(r".*(?i:(?:session|client)\w*)$") == folded
    assert trailing_name_clause(r"^a?(get|post)$") == frozenset({b"get", b"post"})
    assert trailing_name_clause(r"^.*(?<![^.])\w*PeftModel\w*$") == frozenset({b"PeftModel"})
    assert trailing_name_clause(r"^(?:self\.)?(?:config|cfg)$") == frozenset({b"config", b"cfg"})
    assert trailing_name_clause(r".*PeftModel\w*") is None  # no end anchor
    assert trailing_name_clause(r".*PeftModel\W*$") is None  # not word characters after it
    assert trailing_name_clause(r".*(?:HTTPStatus\.OK)$") == frozenset({b"OK"})  # after the dot
    assert trailing_name_clause(r"^(?:get|\w+_get|x)$") is None  # a branch without a word


def test_a_regex_on_a_name_narrows_the_rule() -> None:
    """``metavariable-regex`` on a called name, a receiver or a bound value adds its words."""
    rule: dict[str, JsonValue] = {
        "languages": ["python"],
        "patterns": [
            {"pattern": "$HTTP.$VERB($URL)"},
            {"metavariable-regex": {"metavariable": "$VERB", "regex": "^(get|post)$"}},
            {"metavariable-regex": {"metavariable": "$HTTP", "regex": "(?i)session$"}},
            {"metavariable-regex": {"metavariable": "$URL", "regex": "^url_for_.*"}},
        ],
    }
    found = formula(rule)
    assert found == conj(
        [
            disj([CODE + b"get", CODE + b"post"]),
            disj([NAME + b"get", NAME + b"post"]),
            CODE + FOLDED + b"session",
            NAME + FOLDED + b"session",
            CODE + b"url_for_",
        ]
    )
    assert may_match(found, b"s = Session()\ns.get(url_for_x)\n")
    assert not may_match(found, b"s = Client()\ns.get(url_for_x)\n")
    assert not may_match(found, b"s = Session()\ns.get(u)\n")


def test_a_regex_on_a_string_needs_the_string_as_written() -> None:
    """The text of a metavariable bound to a string literal holds its quotes."""
    rule: dict[str, JsonValue] = {
        "languages": ["python"],
        "patterns": [
            {"pattern": "$FRAME[$COLUMN]"},
            {
                "metavariable-regex": {
                    "metavariable": "$COLUMN",
                    "regex": "^[\"'](?i:age|sex)[\"']$",
                }
            },
        ],
    }
    found = formula(rule)
    assert may_match(found, b'frame["Age"]\n')
    assert may_match(found, b"frame['sex']\n")
    assert not may_match(found, b"image = page[usage]  # age\n")
    in_string: dict[str, JsonValue] = {
        "languages": ["python"],
        "patterns": [
            {"pattern": 'open("$NAME")'},
            {"metavariable-regex": {"metavariable": "$NAME", "regex": "^secret$"}},
        ],
    }
    assert formula(in_string) == NAME + b"open"


def test_a_dotted_name_in_a_regex_needs_only_its_longest_part() -> None:
    """An import alias spells a resolved name in parts: no word spans a dot."""
    rule: dict[str, JsonValue] = {
        "languages": ["python"],
        "patterns": [
            {"pattern": "abort($CODE)"},
            {
                "metavariable-regex": {
                    "metavariable": "$CODE",
                    "regex": r"^(?:http\.)?HTTPStatus\.INTERNAL_SERVER_ERROR$",
                }
            },
        ],
    }
    found = formula(rule)
    assert isinstance(found, And) and CODE + b"INTERNAL_SERVER_ERROR" in found.parts
    assert may_match(found, b"from http import HTTPStatus as S\nabort(S.INTERNAL_SERVER_ERROR)\n")


def test_words_of_patterns_are_not_read_in_the_leading_comment_block() -> None:
    """A license header spells no code; a ``pattern-regex`` still reads it, and it ends early."""
    rule: dict[str, JsonValue] = {
        "languages": ["python"],
        "patterns": [
            {"pattern": "$HTTP.get($URL)"},
            {"metavariable-regex": {"metavariable": "$HTTP", "regex": "(?i).*http\\w*$"}},
        ],
    }
    found = formula(rule)
    header = b"#!/usr/bin/env python\n# see http://www.apache.org/licenses\n\n   # get\n"
    assert not may_match(found, header + b"import os\nos.environ.get(name)\n")
    assert may_match(found, header + b"import httpx as h\nh.get(u)\n")
    # the regex ends in the name: comments and plain strings do not spell it, f-strings do
    assert not may_match(found, b'import os\nos.get(u)  # http\n"""see https://x.org"""\n')
    assert may_match(found, b"import os\nos.get(u)\nf'{http_pool.get(u)}'\n")
    # a file that cannot be lexed for certain is searched after its leading comments
    assert may_match(found, b'os.get(u)  # http\nx = """unterminated\n')
    assert may_match(found, b'os.get(u)\nf"{d["k"]} {http.get(u)}"\n')
    # a regex word that may lie anywhere in the text: only the leading block is left out,
    # and the block stops at the first line that is not blank or a comment
    anywhere: dict[str, JsonValue] = {
        "languages": ["python"],
        "patterns": [
            {"pattern": "$F($URL)"},
            {"metavariable-regex": {"metavariable": "$URL", "regex": "^.*url_for_.*"}},
        ],
    }
    words = formula(anywhere)
    assert words == CODE + b"url_for_"
    assert not may_match(words, b"# url_for_\nf(x)\n")
    assert may_match(words, b'f(x)  # url_for_\n"""url_for_"""\n')
    assert may_match(words, b'"""\n# url_for_\n"""\n')
    assert may_match(words, b"\\\n# url_for_\n")
    assert may_match(words, b"\xef\xbb\xbf# url_for_\n")
    assert may_match(words, b"# a comment with no line end: url_for_")
    regex: dict[str, JsonValue] = {"languages": ["python"], "pattern-regex": "SPDX-License"}
    assert may_match(formula(regex), b"# SPDX-License-Identifier: MIT\nimport os\n")


def test_plain_formulas_hold_anywhere_in_the_text() -> None:
    """Without ``located`` no word is marked: a search of the whole text decides each."""
    policy = load_policy(("builtin",), ANALYZERS)
    for check in policy.checks(SemgrepCheck):
        plain, located = formula(check.rule, located=False), formula(check.rule)
        assert all(not w.startswith((CODE, NAME)) for w in words(plain))
        # the same formula without marks (simplified again: a mark's absence may absorb a part)
        assert words(plain) <= {unmarked(w) for w in words(located)}


AWAITED = (
    "def read(request):\n"
    "    return request.json()\n"
    "\n"
    "\n"
    "async def handle(request):\n"
    "    # await request.json() is what a handler should do\n"
    "    first = request.json()\n"
    "    return await request.json()\n"
)
"""A bare call in a plain and in an async function, and an awaited one (line 8)."""


def test_await_is_required_where_a_pattern_spells_it(tmp_path: Path) -> None:
    """Semgrep matches an ``await`` pattern only on an await expression; ``async`` is no word."""
    rule: dict[str, JsonValue] = {"languages": ["python"], "pattern": "await $REQ.json()"}
    assert formula(rule) == conj([NAME + b"await", NAME + b"json"])
    assert not may_match(formula(rule), b"def read(r):\n    return r.json()  # await r.json()\n")
    assert may_match(formula(rule), AWAITED.encode())
    either: dict[str, JsonValue] = {
        "languages": ["python"],
        "pattern": "async def $F(...):\n  ...\n",
    }
    assert formula(either) == TRUE  # semgrep matches it on a plain def too (issue #8897)
    (tmp_path / "t.py").write_text(AWAITED, encoding="utf-8")
    rules = tmp_path / "rules.yaml"
    rules.write_text(
        '{"rules": [{"id": "awaited", "languages": ["python"], "severity": "INFO", '
        '"message": "m", "pattern": "await $REQ.json()"}]}',
        encoding="utf-8",
    )
    settings = SemgrepSettings(jobs=1)
    result = run_rules(find_binary(settings), rules, ["t.py"], tmp_path, tmp_path, settings)
    assert result.output is not None, result.stderr
    found = result.output["results"]
    assert isinstance(found, list)
    assert [m["start"]["line"] for m in found] == [8]
