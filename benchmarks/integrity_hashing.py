"""Hashing cost of the integrity checks: first scan, cached re-scan, and parallel speed-up.

Usage: python benchmarks/integrity_hashing.py [SIZE_MIB] [FILES]

Writes FILES files of SIZE_MIB MiB each plus a SHA256SUMS into a temporary folder, then times
the checksum-manifest analyzer three ways: one worker without cache, the default thread pool
without cache, and a second run with a warm cache. Prints ratios, never asserts.
"""

from __future__ import annotations

import hashlib
import sys
import tempfile
import time
from pathlib import Path

from mlsec_policy.analyzers.base import FileContext
from mlsec_policy.analyzers.integrity import hashing
from mlsec_policy.analyzers.integrity.common import SubjectParams
from mlsec_policy.analyzers.integrity.manifest import checksum_manifest
from mlsec_policy.models import Artifact, ArtifactKind


def main(size_mib: int, files: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        block = hashlib.sha256(b"seed").digest() * (1024 * 1024 // 32)
        lines = []
        for index in range(files):
            path = root / f"shard-{index}.bin"
            with path.open("wb") as handle:
                for _ in range(size_mib):
                    handle.write(block)
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            lines.append(f"{digest}  {path.name}\n")
        (root / "SHA256SUMS").write_text("".join(lines), encoding="utf-8")
        artifact = Artifact("SHA256SUMS", ArtifactKind.OTHER, (root / "SHA256SUMS").stat().st_size)
        cache = root / "cache.json"

        def run(cache_file: Path | None) -> float:
            start = time.perf_counter()
            found = list(
                checksum_manifest(
                    FileContext(root, artifact, hash_cache=cache_file), SubjectParams()
                )
            )
            assert not found, found
            return time.perf_counter() - start

        workers = hashing.WORKERS
        hashing.WORKERS = 1
        serial = run(None)
        hashing.WORKERS = workers
        parallel = run(None)
        cold = run(cache)
        warm = run(cache)
        total = size_mib * files
        print(f"{files} files x {size_mib} MiB = {total} MiB")
        print(f"1 worker, no cache: {serial:.2f} s ({total / serial:.0f} MiB/s)")
        print(f"{workers} workers, no cache: {parallel:.2f} s (x{serial / parallel:.2f})")
        print(f"cold cache: {cold:.2f} s; warm cache: {warm:.4f} s (x{cold / warm:.0f})")


if __name__ == "__main__":
    arguments = [int(a) for a in sys.argv[1:]]
    main(*(arguments + [256, 4][len(arguments) :]))
