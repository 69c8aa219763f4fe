"""Helpers of the BOM tests: the official CycloneDX 1.6 schema and small real files."""

from __future__ import annotations

import json
import struct
from pathlib import Path
from typing import Any

import jsonschema
from referencing import Registry, Resource

from mlsec_policy.bom.build import Built, build
from mlsec_policy.discover import discover
from tests.conftest import SCHEMAS

CYCLONEDX = SCHEMAS / "third_party" / "cyclonedx"
STAMP = "2026-01-01T00:00:00Z"


def cyclonedx_validator() -> jsonschema.protocols.Validator:
    """Return a validator for the vendored CycloneDX 1.6 schema (with its SPDX and JSF parts)."""
    documents = {
        name: json.loads((CYCLONEDX / name).read_text(encoding="utf-8"))
        for name in ("bom-1.6.schema.json", "spdx.schema.json", "jsf-0.82.schema.json")
    }
    resources = [(name, Resource.from_contents(doc)) for name, doc in documents.items()]
    resources += [(doc["$id"], Resource.from_contents(doc)) for doc in documents.values()]
    return jsonschema.Draft7Validator(
        documents["bom-1.6.schema.json"],
        registry=Registry().with_resources(resources),
        format_checker=jsonschema.FormatChecker(),
    )


VALIDATOR = cyclonedx_validator()


def schema_errors(bom: dict[str, Any]) -> list[str]:
    """Return every schema error of ``bom`` as ``path: message``."""
    return sorted(
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in VALIDATOR.iter_errors(bom)
    )


def bom_of(root: Path) -> Built:
    """Build the BOM of ``root``, checking it against the official schema first."""
    built = build(root, discover(root), timestamp=STAMP)
    assert schema_errors(built.bom) == []
    return built


def by_ref(bom: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Return the BOM's top-level components by bom-ref."""
    return {c["bom-ref"]: c for c in bom["components"]}


def props(component: dict[str, Any]) -> dict[str, str]:
    """Return the component's properties without our namespace (the last one of a name wins)."""
    return {
        p["name"].removeprefix("mlsec-policy:"): p["value"] for p in component.get("properties", [])
    }


def safetensors(tensors: dict[str, int]) -> bytes:
    """Return a real safetensors file of float32 vectors named by ``tensors`` (name: length)."""
    header: dict[str, Any] = {}
    offset = 0
    for name, length in tensors.items():
        header[name] = {
            "dtype": "F32",
            "shape": [length],
            "data_offsets": [offset, offset + 4 * length],
        }
        offset += 4 * length
    raw = json.dumps(header).encode()
    return struct.pack("<Q", len(raw)) + raw + b"\0" * offset
