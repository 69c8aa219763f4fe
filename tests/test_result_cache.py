"""The result cache changes nothing in the reports, and a warm scan does not start semgrep.

Real scans of the bundled examples and of a fixture tree: without the cache, cold, warm, and
warm after one file changed, compared byte for byte (JSON and SARIF) under SOURCE_DATE_EPOCH.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from mlsec_policy.cache.store import FOLDER
from tests.conftest import EXAMPLES, CliResult, write_tree
from tests.support.semgrep_runs import record_semgrep_runs

Cli = Callable[..., CliResult]

EXTRA = {
    # a syntax error semgrep reports on every scan: a repeatable error is kept with the results
    "training/broken.py": (
        "import pickle\n\ndef load(path:\n    return pickle.load(open(path, 'rb'))\n"
    ),
    "training/settings.py": 'DB_PASSWORD = "Zq8!wPlm3vTr62xk"\n',
    "deploy/Dockerfile.prod": "FROM python:3.11\nADD https://example.com/x.tar.gz /opt/\n",
}


@pytest.fixture
def semgrep_runs(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """Record the targets of every semgrep process the scans start (semgrep still runs)."""
    return record_semgrep_runs(monkeypatch)


def _scan(cli: Cli, target: Path, out: Path, *options: str) -> tuple[int, bytes, bytes]:
    """Return the exit code and the JSON and SARIF reports, all compared across scans."""
    out.mkdir(parents=True, exist_ok=True)
    result = cli(
        "scan",
        str(target),
        "-q",
        "--json-output",
        str(out / "r.json"),
        "--sarif-output",
        str(out / "r.sarif"),
        *options,
    )
    assert result.code in (0, 1, 3), result.err
    return result.code, (out / "r.json").read_bytes(), (out / "r.sarif").read_bytes()


@pytest.fixture(autouse=True)
def _pinned_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")


def test_the_examples_give_the_same_reports_cold_and_warm(
    cli: Cli, tmp_path: Path, semgrep_runs: list[list[str]]
) -> None:
    cache = ["--cache-dir", str(tmp_path / "cache")]
    plain = _scan(cli, EXAMPLES, tmp_path / "plain", "--no-cache")
    assert not (tmp_path / "cache").exists()
    started = len(semgrep_runs)
    cold = _scan(cli, EXAMPLES, tmp_path / "cold", *cache)
    assert len(semgrep_runs) > started
    started = len(semgrep_runs)
    warm = _scan(cli, EXAMPLES, tmp_path / "warm", *cache)
    assert len(semgrep_runs) == started, "a warm scan with no new key started semgrep"
    assert cold == plain
    assert warm == plain


def test_one_changed_file_is_the_only_one_scanned_again(
    cli: Cli, tmp_path: Path, semgrep_runs: list[list[str]]
) -> None:
    tree = tmp_path / "tree"
    shutil.copytree(EXAMPLES / "vulnerable-ml-app", tree)
    write_tree(tree, EXTRA)
    cache = ["--cache-dir", str(tmp_path / "cache")]
    cold = _scan(cli, tree, tmp_path / "cold", *cache)
    warm = _scan(cli, tree, tmp_path / "warm", *cache)
    assert warm == cold
    assert _findings_in(warm[1], "training/broken.py") == []
    assert any(e["path"] == "training/broken.py" for e in json.loads(warm[1])["errors"])

    changed = tree / "serving" / "app.py"
    changed.write_text(
        changed.read_text(encoding="utf-8") + "\n\ndef restore(path):\n"
        "    import torch\n    return torch.load(path)\n\n"
        'ADMIN_PASSWORD = "Kq7#vLp2Wm9xRt4z"\n',
        encoding="utf-8",
    )
    started = len(semgrep_runs)
    after = _scan(cli, tree, tmp_path / "after", *cache)
    # one process, or one per part of its rules when the run is split (rulesplit.py)
    again = semgrep_runs[started:]
    assert again and all(run == ["serving/app.py"] for run in again), again
    plain = _scan(cli, tree, tmp_path / "plain", "--no-cache")
    assert after == plain
    before, now = _findings_in(warm[1], "serving/app.py"), _findings_in(after[1], "serving/app.py")
    # semgrep's finding (torch.load) and a self-contained analyzer's (secret-assignments) are new
    assert {f["check_id"] for f in now} - {f["check_id"] for f in before} >= {
        "secret-setting-literal"
    }
    assert len(now) >= len(before) + 2
    assert _findings_outside(after[1], "serving/app.py") == _findings_outside(
        warm[1], "serving/app.py"
    )


def test_unusable_entries_are_misses_and_change_nothing(cli: Cli, tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    shutil.copytree(EXAMPLES / "vulnerable-ml-app", tree)
    write_tree(tree, EXTRA)
    cache = tmp_path / "cache"
    cold = _scan(cli, tree, tmp_path / "cold", "--cache-dir", str(cache))
    entries = sorted(p for p in (cache / FOLDER).rglob("*") if p.is_file())
    assert entries
    for number, entry in enumerate(entries):
        data = entry.read_bytes()
        entry.write_bytes(data[: len(data) // 2] if number % 2 else b'{"hits": []}')
    again = _scan(cli, tree, tmp_path / "again", "--cache-dir", str(cache))
    assert again == cold


def _findings_in(report: bytes, path: str) -> list[Any]:
    return [f for f in _findings(report) if f["location"]["path"] == path]


def _findings_outside(report: bytes, path: str) -> list[Any]:
    return [f for f in _findings(report) if f["location"]["path"] != path]


def _findings(report: bytes) -> list[Any]:
    data = json.loads(report)
    return [f for result in data["results"] for f in result.get("findings", [])]
