"""A small semgrep run split by rules across processes reports exactly what one process does.

Real semgrep on real files: the bundled pack on the example app's largest file beside a file
with a syntax error that both parts parse, and the slow pack whose rules time out for real.
Each scan runs with the split and without it (``MLSEC_POLICY_SEMGREP_RULE_SPLIT=0``); the
JSON and SARIF reports (``SOURCE_DATE_EPOCH``) and what the result cache is given must be the
same, and the split must really have happened (two processes with different rules).
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

import pytest

import mlsec_policy.engines.semgrep.rulesplit as rulesplit
from mlsec_policy.analyzers import ANALYZERS
from mlsec_policy.engines.semgrep.cached import SemgrepCache
from mlsec_policy.engines.semgrep.process import RunResult, find_binary, run_rules
from mlsec_policy.engines.semgrep.target import Target
from mlsec_policy.models import Hit, JsonValue, ScanError, SkippedFile
from mlsec_policy.options import SemgrepSettings
from mlsec_policy.policy import SemgrepCheck, load_policy
from mlsec_policy.policytest.stress import long_function_source
from tests.conftest import EXAMPLES, CliResult, write_tree
from tests.support.slowpack import SLOW_CHECK, write_slow_pack

Cli = Callable[..., CliResult]
Parts = list[tuple[list[str], dict[str, Any] | None]]

BROKEN = (
    "import pickle, requests, torch\n"
    "obj = pickle.loads(blob)\n"
    "r = requests.get('http://example.com', verify=False)\n"
    "m = torch.load(path)\n"
    ")))) ((( def def class\n"
)
"""A syntax error in a file whose words reach rules of both parts: both parse it."""


def _record(monkeypatch: pytest.MonkeyPatch) -> Parts:
    """Record (rule ids, JSON output) of every process a divided run starts."""
    parts: Parts = []
    real = rulesplit.run_rules  # type: ignore[attr-defined]

    def recording(binary: Path, rules: Path, *args: Any) -> RunResult:
        result = real(binary, rules, *args)
        ids = [rule["id"] for rule in json.loads(rules.read_text(encoding="utf-8"))["rules"]]
        parts.append((ids, result.output))
        return result

    monkeypatch.setattr(rulesplit, "run_rules", recording)
    return parts


def _kept(monkeypatch: pytest.MonkeyPatch) -> dict[str, tuple[Any, ...]]:
    """Record what the semgrep result cache is given to store for each file."""
    kept: dict[str, tuple[Any, ...]] = {}
    real = SemgrepCache.keep

    def keeping(
        self: SemgrepCache,
        targets: Sequence[Target],
        hits: Iterable[Hit],
        errors: Iterable[ScanError],
        skipped: Iterable[SkippedFile],
        version: str,
    ) -> None:
        hits, errors, skipped = list(hits), list(errors), list(skipped)
        for target in targets:
            path = target.artifact.path
            kept[path] = (
                [h for h in hits if h.observation.location.path == path],
                [e for e in errors if e.path == path],
                [s for s in skipped if s.path == path],
                version,
            )
        real(self, targets, hits, errors, skipped, version)

    monkeypatch.setattr(SemgrepCache, "keep", keeping)
    return kept


def _scan(cli: Cli, out: Path, target: Path, *extra: str) -> tuple[bytes, bytes]:
    out.mkdir(parents=True)
    result = cli(
        "scan", str(target), "-q", "--no-config", "--jobs", "2", "--cache-dir", str(out / "c"),
        "--json-output", str(out / "r.json"), "--sarif-output", str(out / "r.sarif"), *extra,
    )  # fmt: skip
    assert result.code in (0, 1, 3), result.err
    return (out / "r.json").read_bytes(), (out / "r.sarif").read_bytes()


def _both(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tree: Path, *extra: str
) -> tuple[Parts, dict[str, tuple[Any, ...]], list[Any]]:
    """Scan ``tree`` divided and whole; assert identical reports; return what each did."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    parts = _record(monkeypatch)
    kept = _kept(monkeypatch)
    monkeypatch.setenv("MLSEC_POLICY_SEMGREP_RULE_SPLIT", "1")
    divided = _scan(cli, tmp_path / "divided", tree, *extra)
    kept_divided = dict(kept)
    kept.clear()
    monkeypatch.setenv("MLSEC_POLICY_SEMGREP_RULE_SPLIT", "0")
    whole = _scan(cli, tmp_path / "whole", tree, *extra)
    assert divided[0] == whole[0], "JSON"
    assert divided[1] == whole[1], "SARIF"
    assert kept_divided == kept and kept, "what the cache stores for each file"
    ran = [ids for ids, _ in parts]
    assert len(ran) == 2 and not set(ran[0]) & set(ran[1]), f"two parts, no rule in both: {ran}"
    return parts, kept_divided, json.loads(divided[0])["errors"]


def test_a_divided_run_reports_what_one_process_does_syntax_error_included(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tree = tmp_path / "repo"
    tree.mkdir()
    shutil.copy(EXAMPLES / "vulnerable-ml-app" / "serving" / "app.py", tree / "app.py")
    (tree / "broken.py").write_text(BROKEN, encoding="utf-8")
    parts, kept, errors = _both(cli, tmp_path, monkeypatch, tree)
    said = [
        [e for e in (output or {}).get("errors", []) if e.get("path") == "broken.py"]
        for _, output in parts
    ]
    assert all(said) and said[0] == said[1], "both parts report the syntax error, alike"
    assert [e["path"] for e in errors if e["kind"] == "partial-parse"] == ["broken.py"]
    assert kept["app.py"][0], "the app's findings reach the cache"


def test_rules_that_time_out_in_different_parts_are_each_reported_once(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pack = write_slow_pack(tmp_path / "pack", slow_copies=2)
    source = long_function_source(4000)
    tree = write_tree(tmp_path / "repo", {"app.py": source + "state = pickle.loads(blob)\n"})
    parts, _, errors = _both(
        cli, tmp_path, monkeypatch, tree, "--policy", str(pack), "--timeout", "3"
    )
    stopped = [e["control_ids"] for e in errors if e["kind"] == "timeout"]
    assert sorted(stopped) == [["TEST-SLOW-01"], ["TEST-SLOW-02"]]
    timed_out = [
        sorted(str(e.get("rule_id")) for e in (output or {}).get("errors", []))
        for _, output in parts
    ]
    assert sorted(timed_out) == [[SLOW_CHECK], [SLOW_CHECK + "-2"]], "one in each part"


def test_merge_keeps_semgrep_order_and_refuses_parts_out_of_order() -> None:
    def hit(rule: str, start: int) -> dict[str, Any]:
        return {"check_id": rule, "path": "a.py", "start": {"offset": start}, "end": {"offset": 9}}

    syntax = {"path": "a.py", "type": "Syntax error", "message": "bad"}
    first = {"version": "1", "results": [hit("b", 1), hit("b", 5)], "errors": [syntax]}
    second = {"results": [hit("a", 1), hit("c", 3)], "errors": [syntax]}
    merged = rulesplit.merge([first, second])
    assert merged is not None
    assert [(r["check_id"], r["start"]["offset"]) for r in merged["results"]] == [
        ("a", 1), ("b", 1), ("c", 3), ("b", 5),
    ]  # fmt: skip
    assert merged["errors"] == [syntax] and merged["version"] == "1"
    backwards = {"results": [hit("c", 3), hit("a", 1)], "errors": []}
    assert rulesplit.merge([first, backwards]) is None, "an order it cannot trust: run whole"


PART_RULES = (
    {"id": "system", "pattern": "os.system(...)"},
    {"id": "evaluated", "pattern": "eval(...)", "paths": {"exclude": ["/a.py"]}},
    {"id": "ruby-eval", "pattern": "eval(...)", "languages": ["ruby"]},
)
"""Rules of two parts: the second part's Python rule stays off ``a.py`` (the first reads it),
and a Ruby rule that reads no target."""


def _rules_file(path: Path, rules: Sequence[dict[str, Any]]) -> Path:
    common = {"message": "m", "languages": ["python"], "severity": "WARNING"}
    path.write_text(json.dumps({"rules": [{**common, **rule} for rule in rules]}), "utf-8")
    return path


def test_merge_gives_every_key_one_process_gives_over_the_same_targets(tmp_path: Path) -> None:
    """Real semgrep: the parts' merged output is the whole run's, key by key, timing aside."""
    (tmp_path / "a.py").write_text("import os\nos.system(x)\neval(y)\n", encoding="utf-8")
    (tmp_path / "b.py").write_text("eval(z)\ndef (:\n", encoding="utf-8")
    (tmp_path / "c.py").write_text("print(1)\n", encoding="utf-8")
    targets = ["a.py", "b.py", "c.py"]
    settings = SemgrepSettings(jobs=1)
    binary = find_binary(settings)

    def output(name: str, rules: Sequence[dict[str, Any]]) -> dict[str, Any]:
        result = run_rules(
            binary, _rules_file(tmp_path / name, rules), targets, tmp_path, tmp_path, settings
        )
        assert result.output is not None, result.stderr
        return result.output

    whole = output("whole.json", PART_RULES)
    first = output("first.json", PART_RULES[:1])
    second = output("second.json", PART_RULES[1:])
    assert first["paths"] != second["paths"], "the parts read different files"
    for parts in ([second, first], [first, second]):
        merged = rulesplit.merge(parts)
        assert merged is not None
        for key in sorted(set(whole) - {"time"}):
            assert merged.get(key) == whole[key], key
        assert "time" not in merged, "one process's measurements are not the parts' sum"
        assert set(merged) == set(whole) - {"time"}
    assert rulesplit.merge([first, {**second, "version": "0.1.0"}]) is None, "two semgreps"


def test_the_estimate_prices_taint_rules_and_deals_the_pack_evenly() -> None:
    search: dict[str, JsonValue] = {"languages": ["python"], "pattern": "eval(...)"}
    taint: dict[str, JsonValue] = {
        "languages": ["python"],
        "mode": "taint",
        "pattern-sources": [{"pattern": "input(...)"}],
        "pattern-sinks": [{"pattern": "eval(...)"}],
    }
    assert rulesplit.rule_cost(search) == 1
    assert rulesplit.rule_cost(taint) == 2 + rulesplit.TAINT_COST
    checks = load_policy(("builtin",), ANALYZERS).checks(SemgrepCheck)
    parts = rulesplit.divide(checks, 2)
    costs = [sum(rulesplit.rule_cost(c.rule) for c in part) for part in parts]
    assert sorted(c.id for part in parts for c in part) == sorted(c.id for c in checks)
    most = max(rulesplit.rule_cost(c.rule) for c in checks)
    assert abs(costs[0] - costs[1]) <= most, costs
    order = [c.id for c in checks]
    assert all(
        [c.id for c in part] == [i for i in order if i in {c.id for c in part}] for part in parts
    )


def test_only_small_runs_a_cut_by_files_cannot_share_are_divided() -> None:
    assert rulesplit.worth_splitting(["a.py"], [300_000], 2)
    assert not rulesplit.worth_splitting(["a.py"], [300_000], 1), "one core: nothing to share"
    assert rulesplit.worth_splitting(["a.py", "b.py"], [300_000, 1_000], 2), "one file holds most"
    assert not rulesplit.worth_splitting(["a.py", "b.py"], [300_000, 290_000], 2)
    big = rulesplit.SMALL_RUN_COST + 1
    assert not rulesplit.worth_splitting(["a.py"], [big], 2), "a large run is cut by files"
