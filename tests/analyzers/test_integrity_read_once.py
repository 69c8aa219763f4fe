"""Checksum manifests take a listed file's SHA-256 from the scan's shared digests.

A model file listed by two manifests (``SHA256SUMS`` and ``<file>.sha256``) is read once by a
scan, with or without the result cache; a later cached scan reads it again — a tamper check
hashes the bytes that are there, it never takes a digest from the cache's git-index mapping
(the target's own ``.git/index`` vouches for those) — and a file changed after it was recorded
is still reported. Real git repositories, the real policy's manifest checks and the native engine;
whether a file was read is measured as the bytes this process read (``/proc/self/io``).
"""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path

import pytest

from mlsec_policy.analyzers import ANALYZERS
from mlsec_policy.cache import ResultStore
from mlsec_policy.discover import discover
from mlsec_policy.engines.base import Workspace
from mlsec_policy.engines.native import NativeEngine
from mlsec_policy.models import Hit
from mlsec_policy.policy import NativeCheck, load_policy
from tests.cache.test_read_once import SIZE, bytes_read, repository, weights

pytestmark = pytest.mark.skipif(
    not Path("/proc/self/io").exists(), reason="needs /proc/self/io to count the bytes read"
)
MODEL = "models/classifier.safetensors"


@functools.cache
def _manifest_checks() -> tuple[NativeCheck, ...]:
    policy = load_policy(["builtin"], ANALYZERS)
    return tuple(c for c in policy.checks(NativeCheck) if c.analyzer == "checksum-manifest")


def _repository(root: Path, data: bytes) -> Path:
    """Create and commit a repository whose model file two manifests list."""
    digest = hashlib.sha256(data).hexdigest()
    line = f"{digest}  classifier.safetensors\n".encode()
    return repository(root, {MODEL: data, "models/SHA256SUMS": line, f"{MODEL}.sha256": line})


def _scan(root: Path, scratch: Path, cache: Path | None) -> tuple[list[Hit], int]:
    """Return the manifest checks' hits and the bytes read while the native engine ran them.

    The store is opened afresh, as each scan opens it.
    """
    store = None if cache is None else ResultStore(cache, 1 << 30)
    inventory = discover(root)
    engine = NativeEngine(ANALYZERS, frozenset(), None, store, inventory.artifacts)
    checks = _manifest_checks()
    before = bytes_read()
    output = engine.run(checks, inventory, Workspace(root, scratch))
    assert output.errors == ()
    return list(output.hits), bytes_read() - before


def test_a_file_two_manifests_list_is_read_once(tmp_path: Path) -> None:
    root = _repository(tmp_path / "repo", weights())
    hits, read = _scan(root, tmp_path, None)
    assert hits == []
    assert SIZE <= read < 1.5 * SIZE


def test_a_cached_scan_still_hashes_the_file_once(tmp_path: Path) -> None:
    root = _repository(tmp_path / "repo", weights())
    first, read_first = _scan(root, tmp_path, tmp_path / "cache")
    second, read_second = _scan(root, tmp_path, tmp_path / "cache")
    assert first == second == []
    assert SIZE <= read_first < 1.5 * SIZE
    assert SIZE <= read_second < 1.5 * SIZE


def test_a_changed_file_is_still_caught(tmp_path: Path) -> None:
    root = _repository(tmp_path / "repo", weights())
    assert _scan(root, tmp_path, tmp_path / "cache")[0] == []
    (root / MODEL).write_bytes(weights(seed=1))  # same size, other bytes, recorded digest kept
    hits, read = _scan(root, tmp_path, tmp_path / "cache")
    places = sorted((h.check_id, h.observation.location.path) for h in hits)
    assert places == [
        ("manifest-model-files", "models/SHA256SUMS"),
        ("manifest-model-files", f"{MODEL}.sha256"),
    ]
    assert all("does not match" in (h.observation.message or "") for h in hits)
    assert read >= SIZE  # the changed file was read, not taken from the mapping
