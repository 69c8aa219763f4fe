"""Compliance frameworks as policy data: loaded from the packs, rolled up from a scan."""

from mlsec_policy.frameworks.loader import FRAMEWORKS_DIR, Frameworks, load_frameworks

__all__ = ["FRAMEWORKS_DIR", "Frameworks", "load_frameworks"]
