"""Fixture generators for the integrity, notebook and data-file controls.

Binary fixtures — safetensors shards, Git LFS stores, Parquet files — are written by these
functions into a case folder, never committed. Contents are fixed, so recorded digests in
committed manifests stay valid.
"""

from __future__ import annotations

import hashlib
import json
import struct
from collections.abc import Callable, Mapping
from pathlib import Path

LFS_CONTENT = b"mlsec-policy lfs fixture weights\n" * 64
"""Content whose sha256 the committed LFS pointer fixtures record."""


def safetensors_bytes(tensors: Mapping[str, tuple[int, ...]]) -> bytes:
    """Return a valid safetensors file of float32 zeros with the given tensor shapes."""
    header: dict[str, object] = {"__metadata__": {"format": "pt"}}
    offset = 0
    for name, shape in tensors.items():
        size = 4
        for dimension in shape:
            size *= dimension
        offsets = [offset, offset + size]
        header[name] = {"dtype": "F32", "shape": list(shape), "data_offsets": offsets}
        offset += size
    encoded = json.dumps(header, separators=(",", ":")).encode()
    encoded += b" " * (-len(encoded) % 8)
    return struct.pack("<Q", len(encoded)) + encoded + b"\0" * offset


SHARD_1 = {"embed.weight": (4, 2), "layers.0.weight": (2, 2)}
SHARD_2 = {"layers.1.weight": (2, 2), "head.weight": (2, 4)}


def _write_shards(target: Path, second: Mapping[str, tuple[int, ...]] | None) -> None:
    (target / "model-00001-of-00002.safetensors").write_bytes(safetensors_bytes(SHARD_1))
    if second is not None:
        (target / "model-00002-of-00002.safetensors").write_bytes(safetensors_bytes(second))


def shards_complete(target: Path) -> None:
    """Write both shards the committed index names, each holding its tensors, plus a SHA256SUMS."""
    _write_shards(target, SHARD_2)
    lines = []
    for name in ("model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"):
        digest = hashlib.sha256((target / name).read_bytes()).hexdigest()
        lines.append(f"{digest}  {name}\n")
    (target / "SHA256SUMS").write_text("".join(lines), encoding="utf-8")


def shards_missing(target: Path) -> None:
    """Write only the first shard: the second one the index names is missing."""
    _write_shards(target, None)


def shards_swapped(target: Path) -> None:
    """Write a second shard that lacks ``head.weight`` (swapped for another model's shard)."""
    _write_shards(target, {"layers.1.weight": (2, 2), "lm_head.weight": (2, 4)})


def model_file(target: Path) -> None:
    """Write a small safetensors model whose digest differs from the committed ``.sha256`` file."""
    (target / "model.safetensors").write_bytes(safetensors_bytes({"w": (2, 2)}))


def _lfs_store(target: Path, content: bytes) -> None:
    import git

    repo = git.Repo.init(target)
    oid = hashlib.sha256(LFS_CONTENT).hexdigest()
    folder = Path(repo.common_dir) / "lfs" / "objects" / oid[:2] / oid[2:4]
    folder.mkdir(parents=True)
    (folder / oid).write_bytes(content)
    repo.close()


def lfs_verified(target: Path) -> None:
    """Create a git repository whose LFS store holds the object the committed pointer records."""
    _lfs_store(target, LFS_CONTENT)


def lfs_tampered(target: Path) -> None:
    """Create a git repository whose LFS object was replaced (same size, different bytes)."""
    _lfs_store(target, LFS_CONTENT.replace(b"weights", b"WEIGHTS"))


GENERATORS: dict[str, Callable[[Path], None]] = {
    "safetensors-shards-complete": shards_complete,
    "safetensors-shards-missing": shards_missing,
    "safetensors-shards-swapped": shards_swapped,
    "safetensors-model-file": model_file,
    "lfs-store-verified": lfs_verified,
    "lfs-store-tampered": lfs_tampered,
}
"""The generators of this module, by the name ``expected.yaml`` uses."""
