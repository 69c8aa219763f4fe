"""Integrity analyzers on real files and real git repositories."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import git
import pytest

from mlsec_policy.analyzers.base import FileContext, RepoContext
from mlsec_policy.analyzers.integrity.common import Subject, SubjectParams
from mlsec_policy.analyzers.integrity.dvc import DvcOutputs, dvc_outputs
from mlsec_policy.analyzers.integrity.hashing import HashCache, HashRequest, digest_many
from mlsec_policy.analyzers.integrity.lfs import lfs_objects
from mlsec_policy.analyzers.integrity.manifest import checksum_manifest
from mlsec_policy.discover import discover
from mlsec_policy.models import Artifact, ArtifactKind, Severity
from mlsec_policy.options import ScanOptions
from mlsec_policy.policytest.generators.data import LFS_CONTENT, safetensors_bytes
from mlsec_policy.scan import scan
from tests.conftest import write_tree


def _md5(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()


def _file(root: Path, path: str) -> FileContext:
    return FileContext(root, Artifact(path, ArtifactKind.OTHER, (root / path).stat().st_size))


def test_dvc_directory_output_is_verified_through_the_cache_listing(tmp_path: Path) -> None:
    listing = [{"md5": _md5(b"a\n"), "relpath": "a.txt"}, {"md5": _md5(b"b\n"), "relpath": "b.txt"}]
    encoded = json.dumps(listing).encode()
    digest = _md5(encoded)
    write_tree(
        tmp_path,
        {
            "images.dvc": f"outs:\n- md5: {digest}.dir\n  hash: md5\n  path: images\n",
            f".dvc/cache/files/md5/{digest[:2]}/{digest[2:]}.dir": encoded,
            "images/a.txt": "a\n",
            "images/b.txt": "B\n",
        },
    )
    found = list(dvc_outputs(_file(tmp_path, "images.dvc"), DvcOutputs(Subject.DATA)))
    assert [o.key for o in found] == ["mismatch:images/b.txt"]
    assert found[0].location.start_line == 2


def test_dvc_directory_without_listing_cannot_be_verified(tmp_path: Path) -> None:
    write_tree(tmp_path, {"images.dvc": "outs:\n- md5: 0123abcd.dir\n  path: images\n"})
    found = list(dvc_outputs(_file(tmp_path, "images.dvc"), DvcOutputs()))
    assert [(o.key, o.severity) for o in found] == [("unverifiable:images", Severity.LOW)]


def test_manifest_entry_outside_the_target_is_reported(tmp_path: Path) -> None:
    write_tree(tmp_path, {"SHA256SUMS": "0" * 64 + "  ../../etc/passwd\nnot a checksum line\n"})
    found = list(checksum_manifest(_file(tmp_path, "SHA256SUMS"), SubjectParams()))
    assert sorted(o.key or "" for o in found) == ["outside:../../etc/passwd", "unreadable-line:2"]


def test_checked_out_lfs_file_is_compared_with_the_committed_pointer(tmp_path: Path) -> None:
    repo = git.Repo.init(tmp_path)
    oid = hashlib.sha256(LFS_CONTENT).hexdigest()
    pointer = (
        f"version https://git-lfs.github.com/spec/v1\noid sha256:{oid}\nsize {len(LFS_CONTENT)}\n"
    )
    write_tree(tmp_path, {".gitattributes": "*.bin filter=lfs -text\n", "model.bin": pointer})
    repo.index.add([".gitattributes", "model.bin"])
    repo.index.commit("add model")
    (tmp_path / "model.bin").write_bytes(LFS_CONTENT)
    inventory = discover(tmp_path)
    context = RepoContext(tmp_path, inventory.artifacts, inventory.artifacts)
    assert list(lfs_objects(context, SubjectParams())) == []
    (tmp_path / "model.bin").write_bytes(LFS_CONTENT.replace(b"weights", b"WEIGHTS"))
    found = list(lfs_objects(context, SubjectParams(Subject.MODEL)))
    assert [o.key for o in found] == ["mismatch:model.bin"]
    assert "model.bin" in (found[0].message or "")
    repo.close()


def test_hash_cache_reuses_unchanged_files_and_rehashes_changed_ones(tmp_path: Path) -> None:
    data = tmp_path / "data.bin"
    data.write_bytes(b"x" * 5000)
    cache_file = tmp_path / "cache" / "hashes.json"
    request = HashRequest(data, "sha256")
    first = digest_many([request], HashCache(cache_file))[request]
    assert first == hashlib.sha256(b"x" * 5000).hexdigest()
    assert cache_file.is_file()
    # a cached digest is served for an unchanged (path, size, mtime)
    cache = HashCache(cache_file)
    assert cache.get(request, data.stat()) == first
    stat = data.stat()
    data.write_bytes(b"y" * 5000)
    os.utime(data, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    second = digest_many([request], HashCache(cache_file))[request]
    assert second == hashlib.sha256(b"y" * 5000).hexdigest()


def test_no_cache_file_means_nothing_is_written(tmp_path: Path) -> None:
    data = tmp_path / "data.bin"
    data.write_bytes(b"z")
    digest_many([HashRequest(data, "md5")], HashCache(None))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.bin"]


def test_crlf_text_matches_a_dvc2_md5(tmp_path: Path) -> None:
    raw = b"a,b\r\n1,2\r\n" * 300_000  # spans several read chunks
    (tmp_path / "t.csv").write_bytes(raw)
    request = HashRequest(tmp_path / "t.csv", "md5-dos2unix")
    assert digest_many([request])[request] == _md5(raw.replace(b"\r\n", b"\n"))


@pytest.mark.parametrize("case", ["missing", "swapped"])
def test_missing_or_swapped_shard_fails_the_model_control(tmp_path: Path, case: str) -> None:
    index = {
        "weight_map": {
            "a.weight": "model-00001-of-00002.safetensors",
            "b.weight": "model-00002-of-00002.safetensors",
        }
    }
    files: dict[str, str | bytes] = {
        "model.safetensors.index.json": json.dumps(index, indent=2),
        "model-00001-of-00002.safetensors": safetensors_bytes({"a.weight": (2,)}),
    }
    if case == "swapped":
        files["model-00002-of-00002.safetensors"] = safetensors_bytes({"c.weight": (2,)})
    write_tree(tmp_path, files)
    report = scan(ScanOptions(target=tmp_path, only_controls=("MLSEC-INTEG-02",)))
    (result,) = report.results
    assert result.status.value == "fail"
    (finding,) = result.findings
    assert finding.location.path == "model.safetensors.index.json"
    assert "model-00002-of-00002.safetensors" in finding.message
