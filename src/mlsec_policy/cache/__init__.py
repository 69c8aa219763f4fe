"""A content-addressed cache of per-file engine results, kept between scans.

An entry holds what one engine found in one file: semgrep's hits, errors and left-out parts,
or the observations of every self-contained native analyzer of that file. Its key digests
everything the result depends on (:mod:`.key`); the store (:mod:`.store`) keeps one file per
entry and treats anything it cannot verify as a miss; :mod:`.eviction` bounds its size, least
recently used first; :mod:`.codec` turns results into JSON and back; :mod:`.digests` gives a
file's SHA-256, unread when git's index (:mod:`.gitindex`) vouches for a blob another scan
sharing the store has already hashed. The cache never decides
anything: a miss runs the engine, and only results that would come out the same again are kept.
"""

from __future__ import annotations

from mlsec_policy.cache.codec import CodecError, FileResults
from mlsec_policy.cache.key import content_digest, digest, tool_identity
from mlsec_policy.cache.store import CacheStats, ResultStore

__all__ = [
    "CacheStats",
    "CodecError",
    "FileResults",
    "ResultStore",
    "content_digest",
    "digest",
    "tool_identity",
]
