"""Each semgrep run gets only the rules its files can pass: the same report, less work.

The engine evaluates semgrep's own prefilter formulas (``semgrep-core -prefilter_of_rules``)
on every target and leaves out of a run the rules no target of it passes, and out of semgrep
the targets no rule passes. Real scans with and without subsets must give byte-identical
JSON and SARIF, syntax errors included; the subsets must really be smaller.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

import mlsec_policy.engines.semgrep.engine as semgrep_engine
import mlsec_policy.engines.semgrep.subsets as subsets
from mlsec_policy.analyzers import ANALYZERS
from mlsec_policy.discover import discover
from mlsec_policy.engines.base import EngineOutput, Workspace
from mlsec_policy.engines.semgrep.engine import SemgrepEngine
from mlsec_policy.engines.semgrep.subsets import passes
from mlsec_policy.models import JsonValue
from mlsec_policy.options import SemgrepSettings
from mlsec_policy.policy import SemgrepCheck, load_policy
from tests.conftest import EXAMPLES, CliResult
from tests.support.semgrep_runs import scan_reports

Cli = Callable[..., CliResult]


def _record(monkeypatch: pytest.MonkeyPatch) -> list[tuple[list[str], list[str]]]:
    """Record (rule ids, targets) of every semgrep process the engine starts."""
    runs: list[tuple[list[str], list[str]]] = []
    real = semgrep_engine.run_rules  # type: ignore[attr-defined]

    def recording(binary: Path, rules: Path, targets: Sequence[str], *args: Any) -> Any:
        ids = [rule["id"] for rule in json.loads(rules.read_text(encoding="utf-8"))["rules"]]
        runs.append((ids, list(targets)))
        return real(binary, rules, targets, *args)

    monkeypatch.setattr(semgrep_engine, "run_rules", recording)
    return runs


def test_words_are_looked_for_as_semgrep_does() -> None:
    """Idents must all occur (as substrings); a regex or an unknown form passes."""
    both: JsonValue = [
        "Some",
        ["And", [["Pred", ["Idents", ["torch"]]], ["Pred", ["Idents", ["load"]]]]],
    ]
    assert passes(both, b"import torch\ntorch.load(x)\n", {})
    assert passes(both, b"import torch\nx = torch.loader\n", {}), "a substring counts"
    assert not passes(both, b"import numpy\nnumpy.load(x)\n", {})
    either: JsonValue = [
        "Or",
        [["Pred", ["Idents", ["pickle"]]], ["Pred", ["Idents", ["dill", "loads"]]]],
    ]
    assert passes(either, b"import pickle", {})
    assert not passes(either, b"import dill", {}), "every ident of a predicate must occur"
    regex: JsonValue = ["Pred", ["Regexp", "(get|post)"]]
    assert passes(regex, b"nothing here\n", {}), "semgrep's PCRE decides a regex, not Python"
    assert passes(None, b"", {})
    unknown: JsonValue = ["Xor", []]
    assert passes(unknown, b"", {}), "a form this module does not know passes"


def _scan(cli: Cli, out: Path, target: Path) -> tuple[bytes, bytes]:
    return scan_reports(cli, out, target, jobs="2")[1:]


@pytest.mark.parametrize("read", [True, False], ids=["formulas", "kinds-only"])
def test_the_examples_report_the_same_with_and_without_subsets(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, read: bool
) -> None:
    """Subsets from the formulas (small runs), and from kinds alone (large ones): same report.

    Without reading the targets, text rules still go only to runs holding files of their kinds.
    """
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    if not read:
        monkeypatch.setattr(subsets, "SUBSET_BUDGET", 0)
        monkeypatch.setattr(subsets, "PRUNING_BUDGET", 0)
    runs = _record(monkeypatch)
    monkeypatch.setenv("MLSEC_POLICY_SEMGREP_SUBSETS", "0")
    whole = _scan(cli, tmp_path / "whole", EXAMPLES)
    everything = {rule for ids, _ in runs for rule in ids}
    assert all(len(ids) == len(everything) for ids, _ in runs), "off: every rule in every run"
    started = len(runs)
    monkeypatch.setenv("MLSEC_POLICY_SEMGREP_SUBSETS", "1")
    subset = _scan(cli, tmp_path / "subset", EXAMPLES)
    smaller = [len(ids) < len(everything) for ids, _ in runs[started:]]
    assert all(smaller) if read else any(smaller), runs[started:]
    assert subset == whole


BROKEN_UNREACHED = "import os\nx = os.getcwd()\n)))) ((( def def class\n"
"""A syntax error in a file that no rule of the part below has a word for."""
BROKEN_REACHED = "import pickle\nobj = pickle.loads(blob)\n)))) ((( def def class\n"
"""A syntax error in a file the rules' words reach: semgrep parses it and says so."""


def _part(tree: Path, scratch: Path, ids: set[str]) -> EngineOutput:
    policy = load_policy(("builtin",), ANALYZERS)
    checks = [c for c in policy.checks(SemgrepCheck) if c.id in ids]
    assert {c.id for c in checks} == ids
    engine = SemgrepEngine(SemgrepSettings(jobs=1), policy.severities())
    scratch.mkdir()
    return engine.run(checks, discover(tree), Workspace(tree, scratch))


def test_a_target_no_rule_passes_is_left_out_and_syntax_errors_stay(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With rules that all have formulas, an unreachable file is not given to semgrep.

    semgrep would not have parsed it either, so its syntax error is reported by neither; the
    syntax error of a file the words reach is reported by both.
    """
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "unreached.py").write_text(BROKEN_UNREACHED, encoding="utf-8")
    (tree / "reached.py").write_text(BROKEN_REACHED, encoding="utf-8")
    (tree / "clean.py").write_text("import json\nprint(json.dumps({}))\n", encoding="utf-8")
    ids = {"pickle-family-load", "yaml-unsafe-load"}
    runs = _record(monkeypatch)
    # the gates narrow which controls a syntax error concerns (tests/test_semgrep_gates.py)
    monkeypatch.setenv("MLSEC_POLICY_SEMGREP_GATES", "0")
    monkeypatch.setenv("MLSEC_POLICY_SEMGREP_SUBSETS", "0")
    whole = _part(tree, tmp_path / "s0", ids)
    monkeypatch.setenv("MLSEC_POLICY_SEMGREP_SUBSETS", "1")
    subset = _part(tree, tmp_path / "s1", ids)
    assert [sorted(targets) for _, targets in runs] == [
        ["clean.py", "reached.py", "unreached.py"],
        ["reached.py"],
    ]
    assert runs[1][0] == ["pickle-family-load"], "the YAML rule's words are in no file"
    assert subset == whole
    assert any(h.observation.location.path == "reached.py" for h in whole.hits)
    assert [e.path for e in whole.errors if e.kind == "partial-parse"] == ["reached.py"]


def test_without_the_formulas_every_rule_runs_on_every_target(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """semgrep-core that prints nothing (as for a rule set it rejects) turns subsets off."""
    tree = tmp_path / "tree"
    tree.mkdir()
    (tree / "unreached.py").write_text(BROKEN_UNREACHED, encoding="utf-8")
    (tree / "reached.py").write_text(BROKEN_REACHED, encoding="utf-8")
    monkeypatch.setattr(subsets, "prefilters", lambda *_args: None)
    runs = _record(monkeypatch)
    _part(tree, tmp_path / "s", {"pickle-family-load", "yaml-unsafe-load"})
    assert [(sorted(i), sorted(t)) for i, t in runs] == [
        (["pickle-family-load", "yaml-unsafe-load"], ["reached.py", "unreached.py"])
    ]
