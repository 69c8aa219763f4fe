"""A rule's word formula keeps its structure, and stays sound where the words move.

The formula (:func:`prefilter.formula`) is an ``And``/``Or`` of located words along the rule:
a branch of a ``pattern-either`` (or a taint sink) lets a file through only when the file holds
every word of that branch, not a word of each of several branches. Real semgrep shows that
files spelling only one branch do match, that files spelling words of sibling branches (or a
branch's words only in a docstring or a comment) do not, and that on every fixture of the pack
moved behind a license header, into a docstring or into comments no rule matches a file its
formula would have kept from it.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from mlsec_policy.analyzers import ANALYZERS
from mlsec_policy.engines.semgrep import gates
from mlsec_policy.engines.semgrep.compile import write_rules
from mlsec_policy.engines.semgrep.prefilter import formula, may_match
from mlsec_policy.engines.semgrep.process import find_binary, run_rules
from mlsec_policy.engines.semgrep.wordformula import TRUE, And, Or, conj, disj, holds, words
from mlsec_policy.models import JsonValue
from mlsec_policy.options import SemgrepSettings
from mlsec_policy.policy import SemgrepCheck, load_policy
from mlsec_policy.resources import policies_dir

HANDLER = "import sys\n\n\ndef run(step):\n    try:\n        step()\n    except Exception as exc:\n"
"""A broad catch: the source of ``exception-text-in-server-error``; each case adds a sink."""

ONE_BRANCH = {
    "fastapi_only.py": (
        "import fastapi\n\n\n" + HANDLER.replace("import sys\n\n\n", "")
        + "        raise fastapi.HTTPException(500, detail=str(exc))\n"
    ),
    "tornado_only.py": (
        "from tornado.web import RequestHandler\n\n\nclass Page(RequestHandler):\n"
        "    def get(self):\n        try:\n            self.go()\n"
        "        except Exception as exc:\n            self.write(str(exc))\n"
    ),
    "flask_only.py": (
        "from flask import jsonify\n\n\n" + HANDLER.replace("import sys\n\n\n", "")
        + '        return jsonify({"error": str(exc)})\n'
    ),
}  # fmt: skip
"""Files where exactly one sink branch of the rule is spelled; each matches."""

SIBLING_WORDS = {
    # like transformers' testing_utils.py: fastapi only in a docstring, write in code
    "docstring_fastapi.py": (
        '"""Helpers; a fastapi server or a flask app may use them."""\n'
        + HANDLER + "        sys.stdout.write(str(exc))\n"
    ),
    # a word of each of two branches (tornado's base class name in a comment only, write)
    "comment_handler.py": (
        "# serve with a RequestHandler or HTTPException\n"
        + HANDLER + "        sys.stdout.write(str(exc))\n        sys.exit(detail)\n"
    ),
    # Response of the flask branch, aiohttp of another, never together with their partners
    "two_halves.py": (
        "import aiohttp\nfrom http import Response\n\n\n" + HANDLER.replace("import sys\n\n\n", "")
        + "        Response(str(exc))\n        aiohttp.fetch(str(exc))\n"
    ),
}  # fmt: skip
"""Files holding words of several sink branches but all words of none; none can match."""

RULE = "exception-text-in-server-error"


def _rule(rule_id: str) -> SemgrepCheck:
    policy = load_policy(("builtin",), ANALYZERS)
    return next(c for c in policy.checks(SemgrepCheck) if c.id == rule_id)


def test_formulas_are_flat_simplified_and_deterministic() -> None:
    """Nested And/Or are flattened, absorbed parts dropped, and branch order does not matter."""
    a, b, c = b"a", b"b", b"c"
    assert conj([a, conj([b, c]), TRUE]) == And((a, b, c))
    assert disj([a, disj([b, c])]) == Or((a, b, c))
    assert disj([a, conj([a, b])]) == a  # And(a, b) implies a
    assert conj([a, disj([a, b])]) == a  # a implies Or(a, b)
    assert disj([a, TRUE]) == TRUE and conj([]) == TRUE
    assert holds(disj([conj([a, b]), c]), {a, c}) and not holds(disj([conj([a, b]), c]), {a})
    check = _rule(RULE)
    sinks = check.rule["pattern-sinks"]
    assert isinstance(sinks, list)
    shuffled = dict(check.rule, **{"pattern-sinks": random.Random(7).sample(sinks, len(sinks))})
    assert formula(shuffled) == formula(check.rule)


@pytest.fixture(scope="module")
def cases(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, set[tuple[str, str]]]:
    """Run the pack's Python rules over the cases; return the directory and the matched pairs.

    The cases: the one-branch and sibling-word files, and every Python fixture behind a
    license header, in a docstring and as comments; pairs are (rule id, file name).
    """
    scratch = tmp_path_factory.mktemp("formula")
    for name, case in {**ONE_BRANCH, **SIBLING_WORDS}.items():
        (scratch / name).write_text(case, encoding="utf-8")
    header = b"# Copyright 2026 Example. Licensed under the Apache License, Version 2.0\n#\n"
    fixtures = sorted((policies_dir() / "controls").rglob("tests/**/*.py"))
    for number, path in enumerate(fixtures):
        text = path.read_bytes()
        (scratch / f"header_{number}.py").write_bytes(header + text)
        (scratch / f"docstring_{number}.py").write_bytes(
            b'"""' + text.replace(b'"', b"'") + b'"""\n'
        )
        comments = b"".join(b"# " + line + b"\n" for line in text.splitlines())
        (scratch / f"comments_{number}.py").write_bytes(comments)
    policy = load_policy(("builtin",), ANALYZERS)
    checks = [c for c in policy.checks(SemgrepCheck) if c.rule.get("languages") == ["python"]]
    rules = scratch / "rules.yaml"
    write_rules(rules, checks, policy.severities())
    targets = sorted(str(p) for p in scratch.glob("*.py"))
    settings = SemgrepSettings(jobs=2)
    result = run_rules(find_binary(settings), rules, targets, scratch, scratch, settings)
    assert result.output is not None, result.stderr
    found = result.output["results"]
    assert isinstance(found, list)
    pairs = set()
    for match in found:
        assert isinstance(match, dict)
        pairs.add((str(match["check_id"]).rsplit(".", 1)[-1], Path(str(match["path"])).name))
    return scratch, pairs


def _passes(rule: dict[str, JsonValue] | object, text: bytes) -> bool:
    """Return the formula's decision, checked to agree with the gate's located index."""
    assert isinstance(rule, dict)
    required = formula(rule)
    decided = may_match(required, text)
    index = gates.LocatedIndex(words(required))
    assert gates.satisfied(required, index.found(text)) == decided
    return decided


def test_one_branch_alone_matches_and_passes(
    cases: tuple[Path, set[tuple[str, str]]],
) -> None:
    """Each file spelling one sink branch only is matched by semgrep and let through."""
    scratch, pairs = cases
    rule = _rule(RULE).rule
    for name in ONE_BRANCH:
        assert (RULE, name) in pairs, name
        assert _passes(rule, (scratch / name).read_bytes()), name


def test_words_of_sibling_branches_do_not_let_a_file_through(
    cases: tuple[Path, set[tuple[str, str]]],
) -> None:
    """Words of several branches, but every word of none, keep the rule off the file."""
    scratch, pairs = cases
    rule = _rule(RULE).rule
    for name in SIBLING_WORDS:
        assert (RULE, name) not in pairs, name
        assert not _passes(rule, (scratch / name).read_bytes()), name
    # the union of one word per branch (the clauses before session 27) would have passed them
    text = (scratch / "docstring_fastapi.py").read_bytes()
    assert b"write" in text and b"fastapi" in text and b"Exception" in text


def test_fixtures_moved_into_headers_docstrings_and_comments_stay_sound(
    cases: tuple[Path, set[tuple[str, str]]],
) -> None:
    """No rule matches a moved fixture that its formula keeps it from."""
    scratch, pairs = cases
    policy = load_policy(("builtin",), ANALYZERS)
    by_id = {c.id: c.rule for c in policy.checks(SemgrepCheck)}
    assert sum(name.startswith("header_") for _, name in pairs) > 100  # the code still matches
    missed = [
        (rule_id, name)
        for rule_id, name in sorted(pairs)
        if not _passes(by_id[rule_id], (scratch / name).read_bytes())
    ]
    assert missed == []
