"""Repository analyzers with per-file facts: a warm scan reports what a scan without cache does.

Real scans of a FastAPI service whose routes are guarded by a dependency defined in another
module, compared byte for byte (JSON and SARIF) under SOURCE_DATE_EPOCH with a ``--no-cache``
scan: cold, warm, after the guard's module stops authenticating (a file the linking step read,
not a route module), after a module nobody imports starts declaring a route (its facts
change), after a new file declares a route, and after a route module drops its guard. Then
the store's facts tables and linked results, damaged or foreign, are misses that change
nothing.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from mlsec_policy.analyzers import ANALYZERS
from mlsec_policy.analyzers.base import RepoContext
from mlsec_policy.analyzers.web_routes.facts import WEB_FACTS
from mlsec_policy.cache import ResultStore, digest
from mlsec_policy.cache.store import FOLDER
from mlsec_policy.discover import discover
from mlsec_policy.engines.native_facts import FactsReader, RepoResults
from tests.conftest import CliResult
from tests.test_result_cache import _scan

Cli = Callable[..., CliResult]
SERVE_TESTS = Path(__file__).parents[1] / "policies/controls/service-exposure/MLSEC-SERVE-01/tests"
NEW_APP = """from fastapi import FastAPI

app = FastAPI()


@app.post("/v1/predict")
def predict(body: dict) -> dict:
    return {}
"""
OPEN_GATE = "def who_is_calling() -> str:\n    return 'anyone'\n\n\nROUTE_GUARDS = ()\n"


@pytest.fixture(autouse=True)
def _pinned_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")


def _serve01(report: bytes) -> list[Any]:
    results = json.loads(report)["results"]
    found = [r for r in results if r["control"]["id"] == "MLSEC-SERVE-01"]
    assert len(found) == 1
    return [(f["location"]["path"], f["location"]["start_line"]) for f in found[0]["findings"]]


def test_a_lost_guard_is_reported_warm_exactly_as_without_cache(cli: Cli, tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    shutil.copytree(SERVE_TESTS / "pass-imported-guards", tree)
    (tree / "svc/util.py").write_text("def helper() -> int:\n    return 1\n", encoding="utf-8")
    cache = ["--cache-dir", str(tmp_path / "cache")]
    plain = _scan(cli, tree, tmp_path / "plain", "--no-cache")
    assert _serve01(plain[1]) == []
    assert _scan(cli, tree, tmp_path / "cold", *cache) == plain
    assert _scan(cli, tree, tmp_path / "warm", *cache) == plain

    # the guard's own module, which declares no route: only the linking step reads it
    (tree / "svc/gate.py").write_text(OPEN_GATE, encoding="utf-8")
    plain = _scan(cli, tree, tmp_path / "plain-open", "--no-cache")
    assert _serve01(plain[1]) == [("svc/api/generate.py", 8), ("svc/api/rerank.py", 6)]
    assert _scan(cli, tree, tmp_path / "warm-open", *cache) == plain

    # a module nobody imports (never read by the linking step) starts declaring a route
    (tree / "svc/util.py").write_text(NEW_APP, encoding="utf-8")
    plain = _scan(cli, tree, tmp_path / "plain-util", "--no-cache")
    assert ("svc/util.py", 6) in _serve01(plain[1])
    assert _scan(cli, tree, tmp_path / "warm-util", *cache) == plain

    # a new file that declares a route
    (tree / "svc/extra.py").write_text(NEW_APP, encoding="utf-8")
    plain = _scan(cli, tree, tmp_path / "plain-extra", "--no-cache")
    assert ("svc/extra.py", 6) in _serve01(plain[1])
    assert _scan(cli, tree, tmp_path / "warm-extra", *cache) == plain

    # a route module whose facts stay the same drops the guard of its mount
    shutil.rmtree(tree)
    shutil.copytree(SERVE_TESTS / "pass-imported-guards", tree)
    assert _serve01(_scan(cli, tree, tmp_path / "warm-back", *cache)[1]) == []
    main = tree / "svc/main.py"
    main.write_text(
        main.read_text(encoding="utf-8").replace(", dependencies=[*GUARDS]", ""), encoding="utf-8"
    )
    plain = _scan(cli, tree, tmp_path / "plain-main", "--no-cache")
    assert _serve01(plain[1]) == [("svc/api/rerank.py", 6)]
    assert _scan(cli, tree, tmp_path / "warm-main", *cache) == plain


def test_damaged_and_foreign_entries_are_misses(cli: Cli, tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    shutil.copytree(SERVE_TESTS / "fail-nested-routers", tree)
    cache = tmp_path / "cache"
    plain = _scan(cli, tree, tmp_path / "plain", "--no-cache")
    assert _serve01(plain[1])
    assert _scan(cli, tree, tmp_path / "cold", "--cache-dir", str(cache)) == plain
    entries = sorted(p for p in (cache / FOLDER).rglob("*") if p.is_file())
    for number, entry in enumerate(entries):
        data = entry.read_bytes()
        entry.write_bytes(data[: len(data) // 2] if number % 2 else b'{"files": []}')
    assert _scan(cli, tree, tmp_path / "again", "--cache-dir", str(cache)) == plain


def test_a_foreign_fact_or_linked_result_is_extracted_again(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    shutil.copytree(SERVE_TESTS / "fail-router", tree)
    inventory = discover(tree, ())
    route = next(a for a in inventory.artifacts if a.path.endswith("predict.py"))
    store = ResultStore(tmp_path / "cache", 1 << 30)
    facts = FactsReader(tree, store)
    good = facts(route, WEB_FACTS)
    assert "routes" in WEB_FACTS.decode(good).matches
    facts.close()
    # a table holding a value extract cannot give, under the file's own digest
    content = facts.content(route.path)
    assert content is not None
    store.put(facts._table_key(WEB_FACTS.name, WEB_FACTS.limit), {content: {"matches": 1}})
    again = FactsReader(tree, store)
    assert again(route, WEB_FACTS) == good
    # a linked result of the wrong shape is run again, not trusted
    spec = ANALYZERS["web-route-auth"]
    context = RepoContext(tree, inventory.artifacts, inventory.artifacts)
    linked = RepoResults(store, FactsReader(tree, store), frozenset())
    ran: list[int] = []

    def run(_context: RepoContext) -> tuple[list[Any], Exception | None]:
        ran.append(1)
        return [], None

    linked.run(spec.name, lambda: spec, "{}", "[]", context, run)
    assert linked.run(spec.name, lambda: spec, "{}", "[]", context, run) == ([], None)
    assert ran == [1]
    listed = [[a.path, a.kind.value, a.format] for a in context.artifacts]
    key = digest("repo", spec.name, "{}", "[]", linked.controls, listed)
    assert store.get(key) is not None
    store.put(key, {"files": [], "facts": "x", "observations": [], "failure": None})
    linked.run(spec.name, lambda: spec, "{}", "[]", context, run)
    assert ran == [1, 1]
