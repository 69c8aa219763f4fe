"""A cached file result is trusted only while the other files it read are unchanged.

Real fixture cases of the bundled controls, real files, the real native engine and result
store: each case is scanned with the cache, then ONLY a file another file's analyzer read (a
configuration file, an imported module, a kustomization, a requirements file) is changed, added
or removed, and the scan with the cache must give what a scan without it gives — and differ
from the first scan. A warm scan with nothing changed runs no cached analyzer at all.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from mlsec_policy.analyzers import ANALYZERS
from mlsec_policy.cache import ResultStore
from mlsec_policy.discover import discover
from mlsec_policy.engines.base import Workspace
from mlsec_policy.engines.native import NativeEngine
from mlsec_policy.policy.loader import load_policy
from mlsec_policy.policy.model import NativeCheck

POLICY = load_policy(("builtin",), ANALYZERS)
Found = list[tuple[str, str, int | None, str | None, tuple[str, ...]]]


def _case(control: str, case: str) -> Path:
    (found,) = [c for c in POLICY.controls if c.id == control]
    folder = found.path if found.path.is_dir() else found.path.parent
    return folder / "tests" / case


def _checks(control: str) -> list[NativeCheck]:
    (found,) = [c for c in POLICY.controls if c.id == control]
    return [c for c in found.checks if isinstance(c, NativeCheck)]


def _scan(root: Path, control: str, cache: Path | None) -> tuple[Found, NativeEngine]:
    """Return the hits of the control's native checks (place, message and flow) and the engine."""
    store = None if cache is None else ResultStore(cache, 1 << 30)
    inventory = discover(root)
    engine = NativeEngine(ANALYZERS, POLICY.defined, None, store, inventory.artifacts)
    output = engine.run(_checks(control), inventory, Workspace(root, root.parent))
    assert output.errors == ()
    found: Found = sorted(
        (
            h.check_id,
            h.observation.location.path,
            h.observation.location.start_line,
            h.observation.message,
            tuple(f"{s.location.path}:{s.location.start_line}" for s in h.observation.flow),
        )
        for h in output.hits
    )
    return found, engine


def _write(path: str, text: str) -> Callable[[Path], None]:
    def change(root: Path) -> None:
        (root / path).write_text(text, encoding="utf-8")

    return change


def _move(source: str, target: str) -> Callable[[Path], None]:
    def change(root: Path) -> None:
        (root / source).rename(root / target)

    return change


CHANGES = {
    # python-plaintext-download-origin: a configuration key's URL made https
    "download-config-key": (
        "MLSEC-FETCH-01",
        "fail-elsewhere",
        _write("config.yaml", "data:\n  labels_url: https://labels.example.net/labels.csv\n"),
    ),
    # ... and a configuration file renamed: the listing of configuration files changed
    "download-config-listing": (
        "MLSEC-FETCH-01",
        "fail-elsewhere",
        _move("config.yaml", "settings.yml"),
    ),
    # ... a constant of the imported module made https
    "download-module-constant": (
        "MLSEC-FETCH-01",
        "fail-elsewhere",
        _write(
            "settings.py",
            'CORPUS_URL = "https://corpus.example.com/v2/train.jsonl"\n'
            'WEIGHTS_URL = "https://weights.example.org/release/model.bin"\n',
        ),
    ),
    # k8s checks: the kustomization that made two files patches no longer lists them
    "k8s-kustomization": (
        "MLSEC-K8S-03",
        "pass-kustomize-patch",
        _write("default/kustomization.yaml", "resources:\n  - ../manager\n"),
    ),
    # notebook-commands: the requirements file a notebook installs is pinned
    "notebook-requirements": (
        "MLSEC-NB-02",
        "fail",
        _write("notebooks/requirements.txt", "numpy==1.26.4\npandas==2.2.3\n"),
    ),
}


@pytest.mark.parametrize("name", sorted(CHANGES))
def test_a_changed_dependency_gives_what_an_uncached_scan_gives(name: str, tmp_path: Path) -> None:
    control, case, change = CHANGES[name]
    root = tmp_path / "tree"
    shutil.copytree(_case(control, case), root)
    cache = tmp_path / "cache"
    first, _ = _scan(root, control, cache)
    warm, engine = _scan(root, control, cache)
    assert warm == first
    assert engine.runs == 0, "a warm scan with nothing changed ran a cached analyzer"
    change(root)
    after, engine = _scan(root, control, cache)
    plain, _ = _scan(root, control, None)
    assert after == plain
    assert after != first, "the change should change the findings"
    assert engine.runs > 0


def test_a_hub_helper_result_is_cached(tmp_path: Path) -> None:
    """python-hub-id-through-helper reads only its own file: a warm scan runs it nowhere."""
    (control,) = [
        c.id
        for c in POLICY.controls
        if any(
            isinstance(k, NativeCheck) and k.analyzer == "python-hub-id-through-helper"
            for k in c.checks
        )
    ]
    root = tmp_path / "tree"
    shutil.copytree(_case(control, "fail"), root)
    first, cold = _scan(root, control, tmp_path / "cache")
    again, warm = _scan(root, control, tmp_path / "cache")
    assert again == first
    assert cold.runs > 0
    assert warm.runs == 0
