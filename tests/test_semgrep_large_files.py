r"""A rule finds in a file of megabytes what it finds in the same code alone.

Some rules hold a ``pattern-regex`` that spans the whole file when a word occurs in it (a
condition semgrep's prefilter can read, docs/rule-performance.md). Written with a lazy
``\A.*?`` before the word, PCRE gave up on files of about 600 KB and more and semgrep treated
that as no match: the condition, and with it every finding of the rule in that file, vanished
without an error. Here each such rule runs over its control's fixtures as they are and again
with 800 KB of ordinary code before them; the findings must be the same, line for line.
"""

from __future__ import annotations

import json
from pathlib import Path

from mlsec_policy.analyzers import ANALYZERS
from mlsec_policy.engines.semgrep.compile import write_rules
from mlsec_policy.engines.semgrep.process import find_binary, run_rules
from mlsec_policy.models import JsonValue
from mlsec_policy.options import SemgrepSettings
from mlsec_policy.policy import SemgrepCheck, load_policy
from mlsec_policy.resources import policies_dir

FILLER_LINE = "total = combine(alpha, beta, gamma)  # ordinary code before the case\n"
FILLER_LINES = 800_000 // len(FILLER_LINE)
"""About 800 KB of code: the lazy form stopped matching at 600 KB of it."""


WHOLE_FILE = json.dumps({"pattern-regex": "(?s)\\A"})[1:-2]
"""How a ``pattern-regex`` that starts at the beginning of the file reads in a rule's JSON."""


def _whole_file_checks() -> list[SemgrepCheck]:
    policy = load_policy(("builtin",), ANALYZERS)
    return [check for check in policy.checks(SemgrepCheck) if WHOLE_FILE in json.dumps(check.rule)]


def _found(output: dict[str, JsonValue] | None, shift: int) -> set[tuple[str, str, int]]:
    assert output is not None
    results = output["results"]
    assert isinstance(results, list)
    found = set()
    for hit in results:
        assert isinstance(hit, dict)
        start = hit["start"]
        assert isinstance(start, dict) and isinstance(start["line"], int)
        rule = str(hit["check_id"]).rsplit(".", 1)[-1]
        found.add((rule, Path(str(hit["path"])).name, start["line"] - shift))
    return found


def test_whole_file_regex_rules_find_the_same_in_a_large_file(tmp_path: Path) -> None:
    """Padding a fixture with 800 KB of code before it changes none of the findings."""
    checks = _whole_file_checks()
    assert {c.id for c in checks} >= {"traceback-returned-to-client", "probabilities-returned"}
    policy = load_policy(("builtin",), ANALYZERS)
    rules = tmp_path / "rules.yaml"
    write_rules(rules, checks, policy.severities())
    controls = {check.control_id for check in checks}
    fixtures = sorted(
        path
        for control in (policies_dir() / "controls").glob("*/*")
        if control.name in controls
        for path in control.glob("tests/**/*.py")
    )
    small, large = tmp_path / "small", tmp_path / "large"
    small.mkdir()
    large.mkdir()
    for number, fixture in enumerate(fixtures):
        name = f"case{number}_{fixture.name}"
        (small / name).write_text(fixture.read_text(encoding="utf-8"), encoding="utf-8")
    settings = SemgrepSettings(jobs=1, timeout=120)
    binary = find_binary(settings)
    names = sorted(p.name for p in small.iterdir())
    alone = run_rules(binary, rules, names, small, small, settings)
    expected = _found(alone.output, 0)
    assert {rule for rule, _name, _line in expected} >= {c.id for c in checks}
    # only the files with findings are padded: each costs semgrep a megabyte of parsing
    for name in {name for _rule, name, _line in expected}:
        text = (small / name).read_text(encoding="utf-8")
        (large / name).write_text(FILLER_LINE * FILLER_LINES + text, encoding="utf-8")
    names = sorted(p.name for p in large.iterdir())
    padded = run_rules(binary, rules, names, large, large, settings)
    assert _found(padded.output, FILLER_LINES) == expected
    assert padded.output is not None and padded.output["errors"] == []


def _behind_two_megabytes(tmp_path: Path, wanted: set[str], case: str) -> set[tuple[str, str, int]]:
    """Run the checks ``wanted`` over ``case`` with 2 MB of code before it; return the findings."""
    policy = load_policy(("builtin",), ANALYZERS)
    checks = [c for c in policy.checks(SemgrepCheck) if c.id in wanted]
    assert {c.id for c in checks} == wanted
    assert all(WHOLE_FILE in json.dumps(c.rule) for c in checks)
    rules = tmp_path / "rules.yaml"
    write_rules(rules, checks, policy.severities())
    lines = 2_000_000 // len(FILLER_LINE)
    (tmp_path / "padded.py").write_text(FILLER_LINE * lines + case, encoding="utf-8")
    settings = SemgrepSettings(jobs=1, timeout=120)
    done = run_rules(find_binary(settings), rules, ["padded.py"], tmp_path, tmp_path, settings)
    assert done.output is not None and done.output["errors"] == []
    return _found(done.output, lines)


def test_trust_remote_code_default_finds_its_case_behind_two_megabytes(tmp_path: Path) -> None:
    """The rule's whole-file word condition still holds behind 2 MB of code.

    Its first character (`t`) is common, unlike `RequestHandler`'s `R`: the lazy form
    (a lazy `.*?` before the word) still found the case behind 800 KB, but not behind 2 MB.
    """
    case = (
        'import os\n\nREMOTE = os.getenv("TRUST_REMOTE_CODE", "1") == "1"\n'
        'LOCAL = os.getenv("TRUST_LOCAL_FILES", "1") == "1"\n'
    )
    found = _behind_two_megabytes(tmp_path, {"trust-remote-code-default"}, case)
    assert found == {("trust-remote-code-default", "padded.py", 3)}


def test_endpoint_dict_keys_are_found_behind_two_megabytes(tmp_path: Path) -> None:
    """The endpoint rules' dict-key condition still holds behind 2 MB of code.

    It steps on `k`, `y` and `p` inside the three key names, not on their first letters:
    stepping on `t`, `r` and `e` (14 of this filler's 68 characters a line) makes PCRE give up
    before 2 MB, and so does a lazy `.*?` (docs/rule-performance.md, session 28).
    """
    case = (
        'KEY = "endpoint_url"\n'
        'PUBLIC = {KEY: "http://objects.example.net:9000"}\n'
        'CLUSTER = {"registry_uri": "http://mlflow-registry:5000"}\n'
    )
    wanted = {"plaintext-endpoint-python", "plaintext-endpoint-cluster-python"}
    assert _behind_two_megabytes(tmp_path, wanted, case) == {
        ("plaintext-endpoint-python", "padded.py", 2),
        ("plaintext-endpoint-cluster-python", "padded.py", 3),
    }
