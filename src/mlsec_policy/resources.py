"""Locate the bundled policy pack and JSON Schemas, in a wheel or in a source checkout."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

_PACKAGE_DIR = Path(__file__).resolve().parent


@cache
def bundled_root() -> Path:
    """Return the directory holding ``policies/`` and ``schemas/``.

    A wheel carries them under ``mlsec_policy/_bundled``; an editable install or a checkout
    finds them at the repository root, two levels above the package.
    """
    inside = _PACKAGE_DIR / "_bundled"
    if (inside / "policies").is_dir():
        return inside
    checkout = _PACKAGE_DIR.parent.parent
    if (checkout / "policies").is_dir():
        return checkout
    raise FileNotFoundError(
        "the bundled policies are missing from this installation; reinstall mlsec-policy"
    )


def policies_dir() -> Path:
    """Return the bundled policy pack directory."""
    return bundled_root() / "policies"


def schemas_dir() -> Path:
    """Return the directory of our JSON Schemas."""
    return bundled_root() / "schemas"


@cache
def load_schema(name: str) -> dict[str, Any]:
    """Return the parsed JSON Schema ``schemas/<name>`` (cached)."""
    with (schemas_dir() / name).open(encoding="utf-8") as handle:
        schema: dict[str, Any] = json.load(handle)
    return schema
