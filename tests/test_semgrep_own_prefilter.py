"""Semgrep's own prefilter keeps a word for every Python rule but a known few.

Before semgrep runs a rule on a file it searches the file for words or regular expressions it
derives from the rule, and skips the rule where they are missing. Some conditions it cannot
read: a ``metavariable-regex`` that holds a lookbehind, a regex on a class's base. A rule left
with nothing to search for runs on every Python file, and one such rule made the pack twice as
slow on transformers (docs/rule-performance.md). ``semgrep-core -prefilter_of_rules`` prints
what semgrep derives; this test fails when a rule outside the known list gets nothing.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
from pathlib import Path

import pytest

from mlsec_policy.analyzers import ANALYZERS
from mlsec_policy.engines.semgrep.compile import write_rules
from mlsec_policy.engines.semgrep.process import find_binary
from mlsec_policy.options import SemgrepSettings
from mlsec_policy.policy import SemgrepCheck, load_policy

UNFILTERED = frozenset(
    {
        # a column name is all this rule knows: no word in any branch
        "protected-attribute-used",
        # any handler of any exception, narrowed by what it does with it
        "exception-text-in-error-handler",
    }
)
"""Python rules whose every file is searched: semgrep derives no word from them."""


def _semgrep_core() -> Path:
    """Return the semgrep-core binary shipped in the wheel beside the semgrep entry point."""
    spec = importlib.util.find_spec("semgrep")
    if spec is None or spec.origin is None:
        pytest.skip("the semgrep package is not installed")
    return Path(spec.origin).parent / "bin" / "semgrep-core"


def _prefilters(rules: Path) -> dict[str, object]:
    core = _semgrep_core()
    if not core.is_file():
        pytest.skip(f"semgrep-core not found at {core}")
    done = subprocess.run(
        [str(core), "-prefilter_of_rules", str(rules)],
        capture_output=True,
        check=True,
        timeout=120,
    )
    return {entry["rule_id"]: entry["filter"] for entry in json.loads(done.stdout)}


def test_every_python_rule_but_the_known_few_has_a_semgrep_prefilter(tmp_path: Path) -> None:
    """A rule that loses its prefilter (a lookbehind in a name regex, say) fails here."""
    find_binary(SemgrepSettings())
    policy = load_policy(("builtin",), ANALYZERS)
    checks = [c for c in policy.checks(SemgrepCheck) if c.rule.get("languages") == ["python"]]
    rules = tmp_path / "rules.json"
    write_rules(rules, checks, policy.severities())
    filters = _prefilters(rules)
    assert set(filters) == {c.id for c in checks}
    unfiltered = {rule for rule, found in filters.items() if found == "None"}
    assert unfiltered == UNFILTERED, (
        f"no prefilter: {sorted(unfiltered - UNFILTERED)}; "
        f"now filtered (drop from the list): {sorted(UNFILTERED - unfiltered)}"
    )


def test_a_lookbehind_in_a_name_regex_loses_the_prefilter(tmp_path: Path) -> None:
    """Why the name regexes carry a companion condition without the lookbehind."""
    rule = {
        "id": "probe",
        "languages": ["python"],
        "severity": "INFO",
        "message": "probe",
        "patterns": [
            {"pattern": "$F(...)"},
            {"metavariable-regex": {"metavariable": "$F", "regex": "^.*(?<![^.])load_tools$"}},
        ],
    }
    with_companion = json.loads(json.dumps(rule))
    with_companion["id"] = "probe-companion"
    with_companion["patterns"].insert(
        1, {"metavariable-regex": {"metavariable": "$F", "regex": ".*load_tools$"}}
    )
    rules = tmp_path / "rules.json"
    rules.write_text(json.dumps({"rules": [rule, with_companion]}), encoding="utf-8")
    filters = _prefilters(rules)
    assert filters["probe"] == "None"
    assert "load_tools" in json.dumps(filters["probe-companion"])
