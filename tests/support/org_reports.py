"""Generated repository reports for the organisation roll-up: real scans, varied per repository.

Two real scans (the vulnerable and the compliant example) give each control a failing and a
passing result; a generated repository takes, per control, one of the two by a seeded choice,
gets its own remote and commit, and is rendered by the real JSON renderer, so every generated
report verifies exactly as a scan's own would.
"""

from __future__ import annotations

import hashlib
import os
import random
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from mlsec_policy.models import GitFacts, Report
from mlsec_policy.report import json_report
from tests.conftest import CliResult, run_subprocess

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples"


def variants(
    failing: Report, passing: Report, count: int, seed: int = 7
) -> Iterator[tuple[str, str]]:
    """Yield ``count`` (name, report JSON text) pairs mixing the two scans' results per control."""
    good = {result.control.id: result for result in passing.results}
    chooser = random.Random(seed)
    for index in range(count):
        share = chooser.random()
        results = tuple(
            good.get(result.control.id, result) if chooser.random() < share else result
            for result in failing.results
        )
        name = f"acme/ml-repo-{index:05d}"
        commit = hashlib.sha1(name.encode()).hexdigest()
        git = GitFacts(
            commit=commit,
            branch="main",
            dirty=False,
            remote_url=f"https://github.com/{name}.git",
            root=".",
        )
        yield name, json_report.render(replace(failing, results=results, git=git, target="."))


ENV = {**os.environ, "SOURCE_DATE_EPOCH": "1796486400"}
"""2026-12-05: the compliant example's attestations are dated before it."""


def scan(target: Path, out: Path, *extra: str) -> Path:
    """Scan ``target`` with the real CLI into the JSON report ``out``."""
    result = run_subprocess(
        "scan", str(target), "--quiet", "--json-output", str(out), *extra, env=ENV
    )
    assert result.code in (0, 1), result.err
    return out


def merge(*args: str) -> CliResult:
    """Run ``report merge`` with the real CLI in a child process."""
    return run_subprocess("report", "merge", *args, env=ENV)


def write_variants(folder: Path, failing: Report, passing: Report, count: int, seed: int) -> Path:
    """Write ``count`` generated reports into ``folder`` (created); return it."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in variants(failing, passing, count, seed=seed):
        (folder / f"{name.replace('/', '_')}.json").write_text(text, encoding="utf-8")
    return folder
