"""Analyzer parameters: each JSON Schema agrees with the frozen type it is read into."""

from __future__ import annotations

import dataclasses
import enum
import json
import types
from collections.abc import Iterator, Mapping
from typing import Any, Literal, Union, get_args, get_origin, get_type_hints

import pytest

from mlsec_policy.analyzers import ANALYZERS
from mlsec_policy.analyzers.params import NO_PARAMS, NoParams, property_name
from mlsec_policy.policy import NativeCheck, load_policy
from tests.conftest import REPO

SCALARS = {str: "string", int: "integer", bool: "boolean", float: "number"}


def _mismatches(hint: Any, schema: Mapping[str, Any], where: str) -> Iterator[str]:
    """Yield every way ``schema`` fails to describe values of the Python type ``hint``."""
    origin = get_origin(hint)
    if origin in (Union, types.UnionType):
        (inner,) = (arg for arg in get_args(hint) if arg is not type(None))
        yield from _mismatches(inner, schema, where)
    elif origin is tuple:
        if schema.get("type") != "array":
            yield f"{where}: a tuple needs an array"
        yield from _mismatches(get_args(hint)[0], schema.get("items", {}), f"{where}[]")
    elif origin is Literal:
        if sorted(schema.get("enum", [])) != sorted(get_args(hint)):
            yield f"{where}: enum {schema.get('enum')} differs from {get_args(hint)}"
    elif isinstance(hint, type) and issubclass(hint, enum.Enum):
        if sorted(schema.get("enum", [])) != sorted(member.value for member in hint):
            yield f"{where}: enum {schema.get('enum')} differs from {hint.__name__}"
    elif isinstance(hint, type) and dataclasses.is_dataclass(hint):
        yield from _object_mismatches(hint, schema, where)
    elif schema.get("type") != SCALARS.get(hint):
        yield f"{where}: {hint} needs type {SCALARS.get(hint)}, not {schema.get('type')}"


def _object_mismatches(kind: type[Any], schema: Mapping[str, Any], where: str) -> Iterator[str]:
    if schema.get("type") != "object" or schema.get("additionalProperties") is not False:
        yield f"{where}: must be an object without additional properties"
    fields = {property_name(f.name): f for f in dataclasses.fields(kind)}
    properties = schema.get("properties", {})
    if set(properties) != set(fields):
        yield f"{where}: properties {sorted(properties)} but fields {sorted(fields)}"
    required = {
        name
        for name, f in fields.items()
        if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
    }
    if set(schema.get("required", [])) != required:
        yield f"{where}: required {sorted(schema.get('required', []))}, fields {sorted(required)}"
    hints = get_type_hints(kind)
    for name, f in fields.items():
        if name in properties:
            yield from _mismatches(hints[f.name], properties[name], f"{where}.{name}")


@pytest.mark.parametrize("name", sorted(ANALYZERS))
def test_the_schema_describes_the_parameter_type(name: str) -> None:
    spec = ANALYZERS[name]
    assert list(_object_mismatches(spec.params.kind, spec.params_schema, name)) == []


def test_analyzers_without_parameters_share_one_declaration() -> None:
    empty = [spec for spec in ANALYZERS.values() if spec.params.kind is NoParams]
    assert empty and all(spec.params is NO_PARAMS for spec in empty)


def test_every_schema_file_belongs_to_registered_analyzers() -> None:
    root = REPO / "src" / "mlsec_policy" / "analyzers"
    declared = {
        name
        for path in root.rglob("*.params.json")
        for name in json.loads(path.read_text(encoding="utf-8"))
    }
    taking_params = {name for name, spec in ANALYZERS.items() if spec.params is not NO_PARAMS}
    assert declared == taking_params


def test_loaded_checks_carry_typed_parameters() -> None:
    policy = load_policy(("builtin",), ANALYZERS)
    for check in policy.checks(NativeCheck):
        spec = ANALYZERS[check.analyzer]
        assert isinstance(check.params, spec.params.kind), check.id
        assert check.params == spec.parse_params(check.raw_params)


def test_parameters_are_read_by_field_with_defaults_and_nested_types() -> None:
    params = ANALYZERS["ci-security-tools"].parse_params(
        {"categories": [{"name": "model scanning", "regex": "modelscan", "when-kinds": []}]}
    )
    (category,) = params.categories
    assert (category.name, category.regex, category.when_kinds) == (
        "model scanning",
        "modelscan",
        (),
    )
    files = ANALYZERS["files-present"].parse_params({"patterns": ["SECURITY.md"], "min-bytes": 0})
    assert (files.patterns, files.min_bytes, files.limit, files.kinds_only) == (
        ("SECURITY.md",),
        0,
        None,
        False,
    )
