"""The policy loader's memo, kept in the result store: valid control files and their documents.

The loader keys a control file by the digest of its bytes and of everything its validity
depends on (the control schema, the taxonomy, the analyzers' parameter schemas, semgrep's rule
schema); every store key also holds our own code's digest. A file whose key was seen valid is
not validated again, and its parsed document (text the loader wrote) spares it the YAML parse.
A changed control or rule changes the key; an entry that is missing, damaged or not text is a
miss, and the file is parsed and validated as if never seen. Nothing here comes from a scanned
repository: only policy packs are loaded this way.
"""

from __future__ import annotations

from mlsec_policy.cache.key import digest
from mlsec_policy.cache.store import ResultStore


class StoreMemo:
    """A :class:`~mlsec_policy.policy.loader.ValidationMemo` and ``DocumentMemo`` on a store."""

    def __init__(self, store: ResultStore) -> None:
        """Keep what the loader remembers in ``store``."""
        self.store = store

    def known_valid(self, key: str) -> bool:
        """Return True when a control file with this key was found valid before."""
        return self.store.get(digest("valid-control", key)) is True

    def remember_valid(self, key: str) -> None:
        """Record that a control file with this key is valid."""
        self.store.put(digest("valid-control", key), True)

    def known_document(self, key: str) -> str | None:
        """Return the document text kept for a valid control file with this key, or None."""
        value = self.store.get(digest("control-document", key))
        return value if isinstance(value, str) else None

    def remember_document(self, key: str, text: str) -> None:
        """Keep the document text of a valid control file."""
        self.store.put(digest("control-document", key), text)
