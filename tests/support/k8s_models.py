"""Check Kubernetes manifests against the official Python client's models.

The client's models are generated from the Kubernetes OpenAPI document: each lists its
fields (``attribute_map``) and their types (``openapi_types``), and its setters refuse a
missing required field. :func:`problems` walks a manifest with them: an unknown field, a
value of the wrong type or a missing required field is a problem, with its path.
"""

from __future__ import annotations

import re
from typing import Any

from kubernetes import client

KINDS = {
    ("batch/v1", "Job"): "V1Job",
    ("v1", "ConfigMap"): "V1ConfigMap",
    ("v1", "PersistentVolumeClaim"): "V1PersistentVolumeClaim",
}
PRIMITIVES: dict[str, tuple[type, ...]] = {
    "str": (str,),
    "int": (int,),
    "bool": (bool,),
    "float": (int, float),
    "bytes": (str,),
    "object": (object,),
    "datetime": (str,),
    "date": (str,),
}


def problems(manifest: dict[str, Any]) -> list[str]:
    """Return what is wrong with ``manifest`` (empty when it is a valid object of its kind)."""
    kind = KINDS.get((str(manifest.get("apiVersion")), str(manifest.get("kind"))))
    if kind is None:
        return [f"unknown apiVersion/kind {manifest.get('apiVersion')}/{manifest.get('kind')}"]
    found = _walk(manifest, kind, manifest.get("kind", "?"))
    if not found:
        try:  # the setters check required fields and enumerations
            client.ApiClient()._ApiClient__deserialize(manifest, kind)  # type: ignore[attr-defined]
        except ValueError as exc:
            found.append(str(exc))
    return found


def _walk(value: Any, type_name: str, path: str) -> list[str]:
    if type_name in PRIMITIVES:
        if isinstance(value, bool) and type_name in {"int", "float"}:
            return [f"{path}: expected {type_name}, got a boolean"]
        ok = isinstance(value, PRIMITIVES[type_name])
        return [] if ok else [f"{path}: expected {type_name}, got {type(value).__name__}"]
    if match := re.fullmatch(r"[Ll]ist\[(.+)\]", type_name):
        if not isinstance(value, list):
            return [f"{path}: expected a list"]
        return [p for i, item in enumerate(value) for p in _walk(item, match[1], f"{path}[{i}]")]
    if match := re.fullmatch(r"dict\(str, (.+)\)|Dict\[str, (.+)\]", type_name):
        if not isinstance(value, dict):
            return [f"{path}: expected a mapping"]
        inner = match[1] or match[2]
        return [p for k, item in value.items() for p in _walk(item, inner, f"{path}.{k}")]
    model = getattr(client, type_name)
    if not isinstance(value, dict):
        return [f"{path}: expected a {type_name} object"]
    fields = {json_name: attr for attr, json_name in model.attribute_map.items()}
    found: list[str] = []
    for key, item in value.items():
        if key not in fields:
            found.append(f"{path}.{key}: not a field of {type_name}")
            continue
        found += _walk(item, model.openapi_types[fields[key]], f"{path}.{key}")
    return found
