"""Integrity: recorded digests (DVC, Git LFS, checksum manifests, shard indexes) must match.

:mod:`.common` holds what the analyzers share (records, subjects, verification) and
:mod:`.hashing` streams and caches digests.
"""

from typing import Any

from mlsec_policy.analyzers.base import AnalyzerSpec
from mlsec_policy.analyzers.integrity import dvc, lfs, manifest, shards, sources

SPECS: tuple[AnalyzerSpec[Any], ...] = (
    dvc.SPEC,
    lfs.SPEC,
    manifest.SPEC,
    sources.SPEC,
    shards.SPEC,
)
"""The analyzers of this domain, for the registry."""
