"""semgrep's prefilters are fetched once for a diff scan's parts, and remembered by rule.

:class:`mlsec_policy.engines.semgrep.formulas.RuleFormulas` keeps each rule's formula by the
digest of the rule as written. The real semgrep-core: a part's rules file whose rules an
earlier fetch covered is answered as semgrep-core answers it, without a process; a rule that
differs is fetched again; a diff scan starts one ``-prefilter_of_rules`` process for all its
parts.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import git
import pytest

from mlsec_policy.analyzers import ANALYZERS
from mlsec_policy.engines.semgrep.compile import write_rules
from mlsec_policy.engines.semgrep.formulas import RuleFormulas, prefilters
from mlsec_policy.options import SemgrepSettings
from mlsec_policy.policy import SemgrepCheck, load_policy
from tests.conftest import CliResult, commit_all, write_tree
from tests.test_result_cache import _scan

Cli = Callable[..., CliResult]
FETCH = "-prefilter_of_rules"


def _counted(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Count the semgrep-core processes started to fetch prefilters."""
    fetched: list[str] = []
    run = subprocess.run

    def counting(command: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(command, list) and FETCH in command:
            fetched.append(str(command[-1]))
        return run(command, *args, **kwargs)

    monkeypatch.setattr(subprocess, "run", counting)  # formulas calls subprocess.run
    return fetched


def _checks() -> tuple[list[SemgrepCheck], dict[str, Any]]:
    policy = load_policy(("builtin",), ANALYZERS)
    return list(policy.checks(SemgrepCheck)), dict(policy.severities())


def test_a_part_of_fetched_rules_is_answered_as_semgrep_core_answers_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    checks, severities = _checks()
    settings = SemgrepSettings()
    every, part = tmp_path / "every.yaml", tmp_path / "part.yaml"
    write_rules(every, checks, severities)
    write_rules(part, checks[3:20:2], severities)
    fetched = _counted(monkeypatch)
    direct = prefilters(part, settings, None)  # semgrep-core on the part itself
    assert direct is not None and len(direct) == len(checks[3:20:2])
    memo = RuleFormulas()
    assert prefilters(every, settings, None, memo) is not None
    del fetched[:]
    assert prefilters(part, settings, None, memo) == direct
    assert fetched == []  # answered from the memo


def test_a_rule_that_differs_is_fetched_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    checks, severities = _checks()
    rules = tmp_path / "rules.yaml"
    write_rules(rules, checks[:5], severities)
    memo = RuleFormulas()
    memo.learn(rules.read_bytes(), {c.id: None for c in checks[:5]})
    assert memo.known(rules.read_bytes()) is not None
    document = json.loads(rules.read_text())
    document["rules"][2]["message"] += " (changed)"
    changed = json.dumps(document).encode()
    assert memo.known(changed) is None  # one rule is new to it
    assert memo.known(b"not json") is None
    memo.learn(changed, {c.id: None for c in checks[:4]})  # not one formula per rule
    assert memo.known(changed) is None


def test_a_diff_scan_fetches_the_prefilters_once(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    root = tmp_path / "repo"
    app = "from fastapi import FastAPI\n\napp = FastAPI()\n"
    write_tree(root, {"README.md": "# demo\n", "svc/app.py": app, "lib/a.py": "x = 1\n"})
    repo = git.Repo.init(root)
    commit_all(repo, "first")
    write_tree(root, {"lib/a.py": "import pickle\n\npickle.load(open('m', 'rb'))\n"})
    commit_all(repo, "second")
    fetched = _counted(monkeypatch)
    _scan(cli, root, tmp_path / "out", "--no-cache", "--diff-base", "HEAD~1")
    assert len(fetched) == 1, fetched
