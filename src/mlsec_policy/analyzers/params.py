"""Analyzer parameters: a frozen type per analyzer, read once, its JSON Schema kept beside it.

An analyzer declares the frozen dataclass its parameters are read into. The JSON Schema a
control file's ``params`` are validated against is data, in ``<module>.params.json`` next to
the analyzer's module and keyed by analyzer name. When the policy loads, each check's params
are validated against that schema and then read into the dataclass by :meth:`Params.parse`, so
an analyzer receives typed values and never parses a mapping again.

Reading follows the dataclass: property ``min-bytes`` fills field ``min_bytes``; a JSON array
becomes a tuple (or a frozenset), a string naming a member becomes that enum member, an object
becomes the nested dataclass; a property the file leaves out keeps the field's default.
"""

from __future__ import annotations

import dataclasses
import enum
import importlib.resources
import json
import types
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import (
    TYPE_CHECKING,
    Any,
    Generic,
    Literal,
    TypeVar,
    Union,
    get_args,
    get_origin,
    get_type_hints,
)

from mlsec_policy.models import JsonValue

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

P = TypeVar("P", bound="DataclassInstance")
Q = TypeVar("Q", bound="DataclassInstance")


@dataclass(frozen=True, slots=True)
class NoParams:
    """The parameters of an analyzer that takes none."""


@dataclass(frozen=True, slots=True)
class Params(Generic[P]):
    """The type an analyzer's parameters are read into, and the JSON Schema they must fit."""

    kind: type[P]
    """The frozen dataclass the parameters are read into."""
    schema: Mapping[str, Any]
    """The JSON Schema of the ``params`` a check may give."""

    @staticmethod
    def beside(kind: type[Q], module: str, analyzer: str) -> Params[Q]:
        """Return ``kind`` with the schema of ``analyzer`` kept in ``<module>.params.json``."""
        return Params(kind, schemas_beside(module)[analyzer])

    def parse(self, raw: Mapping[str, JsonValue]) -> P:
        """Return the typed parameters of ``raw``, which is already valid against the schema."""
        return read(self.kind, raw)


NO_PARAMS = Params(NoParams, {"type": "object", "additionalProperties": False, "properties": {}})
"""What an analyzer without parameters declares."""


@cache
def schemas_beside(module: str) -> Mapping[str, Mapping[str, Any]]:
    """Return the parameter schemas kept next to a module, by analyzer name."""
    package, _, name = module.rpartition(".")
    text = importlib.resources.files(package).joinpath(f"{name}.params.json").read_text("utf-8")
    schemas: dict[str, Mapping[str, Any]] = json.loads(text)
    return schemas


def property_name(field: str) -> str:
    """Return the name a dataclass field has in a control file (``min_bytes``: ``min-bytes``)."""
    return field.replace("_", "-")


def read(kind: type[P], raw: Mapping[str, JsonValue]) -> P:
    """Read a validated JSON object into the dataclass ``kind``, field by field."""
    hints = get_type_hints(kind)
    values = {
        field.name: _convert(hints[field.name], raw[property_name(field.name)])
        for field in dataclasses.fields(kind)
        if property_name(field.name) in raw
    }
    return kind(**values)


def _convert(hint: Any, value: JsonValue) -> Any:
    origin = get_origin(hint)
    if origin in (Union, types.UnionType):
        if value is None:
            return None
        (inner,) = (arg for arg in get_args(hint) if arg is not type(None))
        return _convert(inner, value)
    if origin in (tuple, frozenset):
        assert isinstance(value, list)
        items = (_convert(get_args(hint)[0], item) for item in value)
        return tuple(items) if origin is tuple else frozenset(items)
    if origin is Literal:
        return value
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return hint(value)
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        assert isinstance(value, dict)
        return read(hint, value)
    return value
