"""Building blocks for the JSON Schemas of analyzer parameters, and reading them back."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from mlsec_policy.models import ArtifactKind, JsonValue


def no_params() -> dict[str, Any]:
    """Return the schema of an analyzer that takes no parameters."""
    return {"type": "object", "additionalProperties": False, "properties": {}}


def object_params(properties: Mapping[str, Any], required: Iterable[str] = ()) -> dict[str, Any]:
    """Return the schema of an analyzer's parameters: exactly these properties."""
    schema: dict[str, Any] = {
        "type": "object",
        "additionalProperties": False,
        "properties": dict(properties),
    }
    if required:
        schema["required"] = list(required)
    return schema


STRING_LIST: Mapping[str, Any] = {
    "type": "array",
    "uniqueItems": True,
    "items": {"type": "string", "minLength": 1},
}
"""Schema of a parameter holding a list of strings."""


KIND_LIST: Mapping[str, Any] = {
    "type": "array",
    "minItems": 1,
    "uniqueItems": True,
    "items": {"enum": [kind.value for kind in ArtifactKind]},
}
"""Schema of a parameter holding a list of artifact kinds."""


def string_list(params: Mapping[str, JsonValue], key: str) -> list[str]:
    """Return the list of strings a parameter holds ([] when absent)."""
    value = params.get(key)
    return [str(item) for item in value] if isinstance(value, list) else []
