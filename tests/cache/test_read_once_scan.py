"""Read-once keys in real scans: shared by concurrent processes, invisible in every report.

Repositories that hold the same checkpoint and data file are scanned by real ``mlsec-policy
scan`` processes sharing one cache directory; their JSON reports and ML-BOMs must be the bytes
a scan without any cache writes (``SOURCE_DATE_EPOCH`` fixes the times), and once the cache
knows the checkpoint, writing a BOM (which lists every model file's SHA-256) reads only the
checkpoint's head and the slices the artifact scan inspects.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

from mlsec_policy.cache import ResultStore
from mlsec_policy.cache.digests import ContentDigests
from mlsec_policy.cli.bom_cmd import write_bom
from mlsec_policy.discover import discover
from mlsec_policy.options import CacheSettings
from mlsec_policy.policytest import forge
from tests.cache.test_read_once import bytes_read, repository

STORAGE = 24 << 20
"""Bytes of zeros in the checkpoint: over the 16 MiB a file is hashed for without git."""


def _checkpoint() -> bytes:
    return forge.torch_zip(forge.state_dict({"w": (STORAGE,)}, "ByteStorage"), streamed=True)


def _files(seed: int) -> dict[str, bytes]:
    return {
        "models/model.pt": _checkpoint(),
        "data/features.npy": forge.npy("<f4", (512, 256), bytes(512 * 256 * 4)),
        "train.py": f"import torch\nSEED = {seed}\nm = torch.load('models/model.pt')\n".encode(),
    }


def _scan(target: Path, out: Path, cache: Path | None) -> subprocess.Popen[bytes]:
    env = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000"}
    where = ["--cache-dir", str(cache)] if cache else ["--no-cache"]
    out.mkdir(parents=True)
    command = [sys.executable, "-m", "mlsec_policy", "scan", str(target), "-q", "--jobs", "1"]
    command += [*where, "--json-output", str(out / "r.json"), "--bom-output", str(out / "b.json")]
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _wait(*processes: subprocess.Popen[bytes]) -> None:
    for process in processes:
        _out, err = process.communicate(timeout=600)
        assert process.returncode in (0, 1), err.decode()


def _outputs(out: Path) -> tuple[bytes, bytes]:
    return (out / "r.json").read_bytes(), (out / "b.json").read_bytes()


def test_concurrent_scans_share_read_once_keys_and_report_the_same_bytes(
    tmp_path: Path,
) -> None:
    first = repository(tmp_path / "one", _files(1))
    second = repository(tmp_path / "two", _files(2))
    cache = tmp_path / "cache"
    _wait(_scan(first, tmp_path / "a", cache), _scan(second, tmp_path / "b", cache))
    _wait(_scan(first, tmp_path / "a-plain", None), _scan(second, tmp_path / "b-plain", None))
    assert _outputs(tmp_path / "a") == _outputs(tmp_path / "a-plain")
    assert _outputs(tmp_path / "b") == _outputs(tmp_path / "b-plain")

    bom = json.loads((tmp_path / "b" / "b.json").read_bytes())
    hashes = [h["content"] for c in bom["components"] for h in c.get("hashes", [])]
    assert hashlib.sha256(_checkpoint()).hexdigest() in hashes

    # both files are known to the store by their blob ids now, in either repository
    store = ResultStore(cache, 1 << 30)
    for root in (first, second):
        digests = ContentDigests(root, store)
        assert digests.cheap("models/model.pt")
        assert digests.cheap("data/features.npy")

    third = repository(tmp_path / "three", _files(3))
    _wait(_scan(third, tmp_path / "c", cache))
    _wait(_scan(third, tmp_path / "c-plain", None))
    assert _outputs(tmp_path / "c") == _outputs(tmp_path / "c-plain")


def test_a_bom_reads_a_known_checkpoint_only_for_its_head_and_slices(tmp_path: Path) -> None:
    cache = CacheSettings(tmp_path / "cache")
    seen = repository(tmp_path / "seen", _files(1))
    write_bom(seen, discover(seen), str(tmp_path / "seen.json"), cache)
    fresh = repository(tmp_path / "fresh", _files(2))
    inventory = discover(fresh)

    before = bytes_read()
    write_bom(fresh, inventory, str(tmp_path / "cached.json"), cache)
    cached = bytes_read() - before
    before = bytes_read()
    write_bom(fresh, inventory, str(tmp_path / "plain.json"))
    plain = bytes_read() - before

    assert (tmp_path / "cached.json").read_bytes() == (tmp_path / "plain.json").read_bytes()
    assert plain > STORAGE
    assert cached < STORAGE // 16  # the index, the cache entries, the head and the slices
