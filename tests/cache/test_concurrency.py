"""Two real scans sharing one cache at the same time: neither corrupts it or the other's report."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from mlsec_policy.cache import ResultStore
from mlsec_policy.cache.eviction import TALLY
from mlsec_policy.cache.store import FOLDER
from tests.conftest import write_tree


def _tree(root: Path) -> Path:
    files: dict[str, str] = {}
    for number in range(120):
        files[f"pkg/m{number:03}.py"] = (
            "import pickle\nimport subprocess\n\n"
            f"def load_{number}(path):\n    return pickle.load(open(path, 'rb'))\n\n"
            f"def run_{number}(cmd):\n    return subprocess.run(cmd, shell=True)\n"
            f'TOKEN_{number} = "Zq8!wPlm3vTr62x{number}"\n'
        )
    files["Dockerfile"] = "FROM python:3.11\nRUN pip install torch\n"
    return write_tree(root, files)


def _start(target: Path, cache: Path | None, out: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}
    where = ["--cache-dir", str(cache)] if cache else ["--no-cache"]
    command = [sys.executable, "-m", "mlsec_policy", "scan", str(target), "-q", "--jobs", "1"]
    command += [
        *where,
        "--json-output",
        str(out / "r.json"),
        "--sarif-output",
        str(out / "r.sarif"),
    ]
    out.mkdir(parents=True, exist_ok=True)
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _finish(process: subprocess.Popen[bytes]) -> None:
    _out, err = process.communicate(timeout=600)
    assert process.returncode == 1, err.decode()


def _reports(out: Path) -> tuple[bytes, bytes]:
    return (out / "r.json").read_bytes(), (out / "r.sarif").read_bytes()


def test_two_processes_share_a_cache_safely(tmp_path: Path) -> None:
    tree = _tree(tmp_path / "tree")
    cache = tmp_path / "cache"
    first = _start(tree, cache, tmp_path / "a")
    second = _start(tree, cache, tmp_path / "b")
    _finish(first)
    _finish(second)
    reference = _start(tree, None, tmp_path / "plain")
    _finish(reference)
    plain = _reports(tmp_path / "plain")
    assert _reports(tmp_path / "a") == plain
    assert _reports(tmp_path / "b") == plain

    store = ResultStore(cache, 1 << 30)
    everything = [p for p in (cache / FOLDER).rglob("*") if p.is_file()]
    assert not [p for p in everything if p.name.startswith(".tmp-")]  # every rename happened
    entries = [p for p in everything if p.parent != cache / FOLDER]
    assert len(entries) >= 240  # semgrep and native entries of every Python file
    for entry in entries:
        assert store.get(entry.parent.name + entry.name) is not None, entry
    # the store's remembered size is whole and about right: each scan adds what it wrote (both
    # wrote the same entries) and one may lose the other's addition, but none invents bytes
    tally = (cache / FOLDER / TALLY).read_bytes().split(b" ")
    assert tally[0] == b"mlsec-policy-size" and len(tally) == 3
    assert 0 < int(tally[1]) <= 2 * sum(p.stat().st_size for p in everything)

    warm = _start(tree, cache, tmp_path / "warm")
    _finish(warm)
    assert _reports(tmp_path / "warm") == plain
