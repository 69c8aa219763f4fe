"""A scan imports the analyzers it runs; the registry's index lists the rest without them.

The index (``analyzers/index.json``) must equal what the specs say, a domain that differs from
it must stop the scan rather than run on a stale listing, and a scan whose results come from
the cache must give the same report as one that ran every analyzer.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from mlsec_policy.analyzers import ANALYZERS, INDEX, Registry, index_entries
from mlsec_policy.analyzers.listing import Unparsed
from mlsec_policy.options import ScanOptions
from mlsec_policy.policy import NativeCheck, load_policy
from mlsec_policy.report.json_report import render
from mlsec_policy.scan import load, scan
from tests.conftest import write_tree

TREE = {
    "app.py": "from fastapi import FastAPI\n"
    "import torch\n"
    "app = FastAPI()\n\n\n"
    "@app.post('/predict')\n"
    "def predict(text: str) -> str:\n"
    "    return str(torch.load('model.pt'))\n",
    "requirements.txt": "fastapi==0.110.0\ntorch==2.0.0\n",
    "Dockerfile": "FROM python:3.12\nCOPY . /app\nCMD python app.py\n",
}
"""A small repository that several domains read: web routes, infra, dependencies, pycode."""

NOT_RUN_WARM = {"mlsec_policy.analyzers.web_routes", "mlsec_policy.analyzers.infra"}
"""Domains whose analyzers all find their results in the cache on a re-scan of :data:`TREE`."""


def _scan(target: Path, cache: Path, out: Path) -> set[str]:
    """Scan ``target`` in a new process; return the analyzer domains it imported."""
    code = (
        "import atexit, sys\n"
        "atexit.register(lambda: print('\\n'.join(sorted(sys.modules))))\n"
        "from mlsec_policy.cli import main\n"
        f"main(['scan', {str(target)!r}, '-q', '--cache-dir', {str(cache)!r}, "
        f"'--json-output', {str(out)!r}])\n"
    )
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
        env=env,
    )
    assert done.returncode in (0, 1), done.stderr
    modules = set(done.stdout.split())
    return {m for m in modules if m.count(".") == 2 and m.startswith("mlsec_policy.analyzers.")}


def test_a_scan_from_the_cache_imports_only_the_analyzers_it_runs(tmp_path: Path) -> None:
    target = write_tree(tmp_path / "repo", TREE)
    cache = tmp_path / "cache"
    cold = _scan(target, cache, tmp_path / "cold.json")
    assert cold >= NOT_RUN_WARM  # the tree is one these domains read
    warm = _scan(target, cache, tmp_path / "warm.json")
    assert sorted(NOT_RUN_WARM & warm) == []
    assert (tmp_path / "warm.json").read_bytes() == (tmp_path / "cold.json").read_bytes()


def test_the_index_equals_the_specs() -> None:
    # after changing an analyzer's kinds, parameters, facts...: analyzers.write_index()
    assert json.loads(INDEX.read_text("utf-8")) == json.loads(json.dumps(index_entries()))
    assert list(ANALYZERS) == [entry["name"] for entry in index_entries()]


def test_a_domain_that_differs_from_its_index_stops_the_scan() -> None:
    listings = ANALYZERS.listings()
    name = "web-route-auth"
    changed = [replace(v, kinds=frozenset()) if k == name else v for k, v in listings.items()]
    with pytest.raises(RuntimeError, match="does not match domain web_routes"):
        Registry(changed)[name]
    missing = [v for k, v in listings.items() if k != name]
    with pytest.raises(RuntimeError, match="does not match domain web_routes"):
        Registry(missing)["unbounded-request-fields"]
    assert Registry(listings.values())[name] is ANALYZERS[name]


def test_params_read_when_the_analyzer_runs_give_the_report_of_params_read_at_load(
    tmp_path: Path,
) -> None:
    target = write_tree(tmp_path / "repo", TREE)
    options = ScanOptions(target=target, source_date_epoch=1700000000, cache=None)
    lazy = load(options)
    checks = lazy.checks(NativeCheck)
    assert checks
    assert all(isinstance(c.params, Unparsed) for c in checks)
    eager = load_policy(options.policies, ANALYZERS)
    assert not any(isinstance(c.params, Unparsed) for c in eager.checks(NativeCheck))
    assert render(scan(options, lazy)) == render(scan(options, eager))
