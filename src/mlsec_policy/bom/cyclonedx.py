"""Serialise the BOM's components to CycloneDX 1.6 JSON, deterministically.

Our own small serialiser rather than cyclonedx-python-lib: that library's model has no
``modelCard`` or ``data`` yet, and the fields we need are few (see ``docs/ml-bom.md``). Lists
are sorted, properties are sorted by name and value, and the serial number is a UUID derived
from the SHA-256 of the document without its serial number and timestamp: the same repository
gives the same BOM, byte for byte, when the timestamp is pinned (``SOURCE_DATE_EPOCH``).
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from mlsec_policy.bom.parts import NAMESPACE, Kind, Part

SCHEMA_URL = "http://cyclonedx.org/schema/bom-1.6.schema.json"
SPEC_VERSION = "1.6"


def properties(values: Mapping[str, str] | Sequence[tuple[str, str]]) -> list[dict[str, str]]:
    """Return CycloneDX properties in our namespace, sorted by name then value."""
    pairs = values.items() if isinstance(values, Mapping) else values
    return [{"name": f"{NAMESPACE}:{name}", "value": value} for name, value in sorted(set(pairs))]


def component(part: Part) -> dict[str, Any]:
    """Return the CycloneDX component for one part."""
    out: dict[str, Any] = {"type": part.kind.value, "bom-ref": part.ref, "name": part.name}
    fields = {
        "group": part.group,
        "version": part.version,
        "description": part.description,
        "scope": part.scope,
        "purl": part.purl,
    }
    out.update({key: value for key, value in fields.items() if value is not None})
    if part.hashes:
        out["hashes"] = [{"alg": a, "content": c} for a, c in sorted(part.hashes.items())]
    licence = part.facts.get("license")
    if licence:
        out["licenses"] = [{"license": {"name": licence}}]
    if part.external:
        out["externalReferences"] = [{"type": t, "url": u} for t, u in sorted(set(part.external))]
    if part.ancestors:
        out["pedigree"] = {
            "ancestors": [
                {
                    "type": Kind.MODEL.value,
                    "name": name,
                    "properties": properties({"relation": relation}),
                }
                for name, relation in sorted(set(part.ancestors))
            ]
        }
    if part.kind is Kind.MODEL and part.model_card:
        out["modelCard"] = _sorted(part.model_card)
    if part.kind is Kind.DATA and part.data:
        data = {k: v for k, v in part.data.items() if k in DATA_FIELDS}
        out["data"] = [_sorted(data)]
    if part.files:
        out["components"] = [component(f) for f in sorted(part.files, key=lambda p: p.ref)]
    pairs = [(name, value) for name, value in part.facts.items() if name != "license"]
    pairs += [(f"provenance:{name}", source.text()) for name, source in part.provenance.items()]
    pairs += [("location", where) for where in part.locations]
    if pairs:
        out["properties"] = properties(pairs)
    return out


DATA_FIELDS = frozenset(
    {"type", "name", "classification", "sensitiveData", "description", "governance"}
)


def _sorted(value: Any) -> Any:
    """Return ``value`` with every list of strings sorted (dict key order is fixed on dump)."""
    if isinstance(value, dict):
        return {k: _sorted(v) for k, v in value.items()}
    if isinstance(value, list):
        items = [_sorted(v) for v in value]
        return sorted(items) if all(isinstance(i, str) for i in items) else items
    return value


def document(
    *,
    root: dict[str, Any],
    components: Sequence[dict[str, Any]],
    dependencies: Mapping[str, Sequence[str]],
    vulnerabilities: Sequence[dict[str, Any]],
    bom_properties: Sequence[tuple[str, str]],
    tool_version: str,
    timestamp: str,
) -> dict[str, Any]:
    """Return the whole BOM, with its content-derived serial number."""
    bom: dict[str, Any] = {
        "$schema": SCHEMA_URL,
        "bomFormat": "CycloneDX",
        "specVersion": SPEC_VERSION,
        "version": 1,
        "metadata": {
            "tools": {
                "components": [
                    {"type": "application", "name": "mlsec-policy", "version": tool_version}
                ]
            },
            "component": root,
            "properties": properties(bom_properties),
        },
        "components": sorted(components, key=lambda c: str(c["bom-ref"])),
        "dependencies": [
            {"ref": ref, "dependsOn": sorted(set(targets))}
            for ref, targets in sorted(dependencies.items())
        ],
    }
    if vulnerabilities:
        bom["vulnerabilities"] = sorted(vulnerabilities, key=lambda v: str(v["bom-ref"]))
    digest = hashlib.sha256(dumps(bom).encode("utf-8")).digest()
    bom["serialNumber"] = f"urn:uuid:{uuid.UUID(bytes=digest[:16], version=5)}"
    bom["metadata"] = {"timestamp": timestamp, **bom["metadata"]}
    return bom


def dumps(bom: Mapping[str, Any]) -> str:
    """Return the BOM as indented JSON text with a final newline."""
    return json.dumps(bom, indent=2, ensure_ascii=False) + "\n"
