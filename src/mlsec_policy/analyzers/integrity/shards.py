"""Sharded checkpoints: every shard an index names exists and holds the tensors mapped to it.

Reads ``*.safetensors.index.json`` and ``pytorch_model.bin.index.json`` style indexes (a
``weight_map`` from tensor name to shard file). Each shard must be present next to the index;
for safetensors shards only the header (8-byte length plus JSON) is read, and every tensor the
index maps to that shard must be listed in it. Pickle-based shards are checked for presence
only: their tensor names cannot be listed without walking the pickle.
"""

from __future__ import annotations

import json
import struct
from collections.abc import Iterable
from pathlib import PurePosixPath
from typing import BinaryIO

from mlsec_policy.analyzers.base import AnalyzerSpec, FileContext, Observation
from mlsec_policy.analyzers.integrity.lfs import parse_pointer
from mlsec_policy.analyzers.params import NO_PARAMS, NoParams
from mlsec_policy.analyzers.read.paths import join, resolve_inside
from mlsec_policy.models import ArtifactKind, Location, Severity
from mlsec_policy.textfile import load_json

MAX_HEADER = 100 * 1024 * 1024
MAX_INDEX = 64 * 1024 * 1024
SHOWN = 3


def shard_index(context: FileContext, params: NoParams) -> Iterable[Observation]:
    """Yield findings for shards that are missing or lack the tensors the index maps to them."""
    name = PurePosixPath(context.artifact.path).name
    if not name.endswith(".index.json") or context.artifact.size > MAX_INDEX:
        return
    text = context.read_text()
    try:
        data = load_json(text)
    except ValueError as exc:
        yield Observation(
            context.at(1),
            message=f"the shard index cannot be parsed ({exc}); the model's completeness "
            "cannot be verified",
            severity=Severity.MEDIUM,
            key="unreadable-index",
        )
        return
    weight_map = data.get("weight_map") if isinstance(data, dict) else None
    if not isinstance(weight_map, dict):
        return
    shards: dict[str, list[str]] = {}
    for tensor, shard in weight_map.items():
        if isinstance(shard, str):
            shards.setdefault(shard, []).append(str(tensor))
    base = str(PurePosixPath(context.artifact.path).parent)
    for shard in sorted(shards):
        where = context.at(_line_of(text, shard))
        target = join(base, shard)
        yield from _check_shard(context, target, shards[shard], where)


def _check_shard(
    context: FileContext, target: str, tensors: list[str], where: Location
) -> Iterable[Observation]:
    path = resolve_inside(context.root, target)
    if path is None:
        yield Observation(
            where,
            message=f"the index names shard {target}, which lies outside the target",
            severity=Severity.HIGH,
            key=f"outside:{target}",
        )
        return
    if not path.is_file():
        yield Observation(
            where,
            message=f"shard {target} named in the index is missing: the model is incomplete "
            f"({len(tensors)} tensors have no weights)",
            severity=Severity.HIGH,
            key=f"missing:{target}",
        )
        return
    with path.open("rb") as handle:
        head = handle.read(8)
        if parse_pointer(head + handle.read(1016)) is not None:
            yield Observation(
                where,
                message=f"shard {target} is a Git LFS pointer, not the weights; its tensors "
                "cannot be verified (run `git lfs pull`)",
                severity=Severity.LOW,
                key=f"unverifiable:{target}",
            )
            return
        if not target.endswith(".safetensors"):
            return
        header = _safetensors_header(handle, head, path.stat().st_size)
    if header is None:
        yield Observation(
            where,
            message=f"shard {target} has no readable safetensors header; its tensors cannot be "
            "verified",
            severity=Severity.HIGH,
            key=f"unreadable:{target}",
        )
        return
    absent = sorted(t for t in tensors if t not in header)
    if absent:
        shown = ", ".join(absent[:SHOWN]) + (" …" if len(absent) > SHOWN else "")
        yield Observation(
            where,
            message=f"shard {target} lacks {len(absent)} of the {len(tensors)} tensors the "
            f"index maps to it ({shown}): the checkpoint is incomplete or was swapped",
            severity=Severity.HIGH,
            key=f"tensors:{target}",
        )


def _safetensors_header(handle: BinaryIO, head: bytes, size: int) -> set[str] | None:
    """Return the tensor names of a safetensors header, or None when it is not one."""
    if len(head) < 8:
        return None
    (length,) = struct.unpack("<Q", head)
    if length < 2 or length > MAX_HEADER or length > size - 8:
        return None
    handle.seek(8)
    raw = handle.read(length)
    try:
        header = load_json(raw)
    except ValueError:
        return None
    if not isinstance(header, dict):
        return None
    return {str(k) for k in header if k != "__metadata__"}


def _line_of(text: str, value: str) -> int:
    position = text.find(": " + json.dumps(value))
    if position < 0:
        position = text.find(json.dumps(value))
    return text.count("\n", 0, position) + 1 if position >= 0 else 1


SPEC = AnalyzerSpec(
    name="shard-index",
    description="Every shard of a sharded checkpoint index exists and holds its mapped tensors.",
    kinds=frozenset({ArtifactKind.CONFIG, ArtifactKind.DATA_FILE}),
    params=NO_PARAMS,
    file=shard_index,
    # an integrity check hashes the bytes on disk on every scan, never a cached verdict
    cached=False,
)
