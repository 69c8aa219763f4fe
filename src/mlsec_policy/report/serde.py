"""Convert the frozen report values to JSON-ready data and back, driven by their type hints.

The JSON report is the complete record; ``report render`` rebuilds a Report from it, so this
round trip must be exact. Severities are written as their names, other enums as their values.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from enum import Enum
from functools import cache
from typing import Any, TypeVar, Union, get_args, get_origin

from mlsec_policy.models import Severity

T = TypeVar("T")


def to_data(value: Any) -> Any:
    """Return ``value`` as plain JSON data (dicts, lists, strings, numbers, booleans, None)."""
    if isinstance(value, Severity):
        return value.label
    if isinstance(value, Enum):
        return value.value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_data(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple | list):
        return [to_data(item) for item in value]
    if isinstance(value, dict):
        return {str(key): to_data(item) for key, item in value.items()}
    return value


def from_data(cls: type[T], data: Any) -> T:
    """Rebuild a ``cls`` value from :func:`to_data` output; raise ValueError if it does not fit."""
    result: T = _decode(cls, data, cls.__name__)
    return result


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _decode(kind: Any, data: Any, where: str) -> Any:
    origin = get_origin(kind)
    if origin in (Union, types.UnionType):
        options = get_args(kind)
        if data is None and type(None) in options:
            return None
        errors = []
        for option in options:
            if option is type(None):
                continue
            try:
                return _decode(option, data, where)
            except ValueError as exc:
                errors.append(str(exc))
        raise ValueError("; ".join(errors) or f"{where}: no type fits")
    if origin is tuple:
        item_type = get_args(kind)[0]
        _expect(data, list, where)
        return tuple(_decode(item_type, item, f"{where}[{i}]") for i, item in enumerate(data))
    if origin is dict:
        key_type, value_type = get_args(kind)
        _expect(data, dict, where)
        return {
            _decode(key_type, k, where): _decode(value_type, v, f"{where}.{k}")
            for k, v in data.items()
        }
    if isinstance(kind, type) and dataclasses.is_dataclass(kind):
        _expect(data, dict, where)
        hints = _hints(kind)
        values = {}
        for field in dataclasses.fields(kind):
            if field.name in data:
                values[field.name] = _decode(
                    hints[field.name], data[field.name], f"{where}.{field.name}"
                )
            elif (
                field.default is dataclasses.MISSING
                and field.default_factory is dataclasses.MISSING
            ):
                raise ValueError(f"{where}: missing {field.name!r}")
        return kind(**values)
    if kind is Severity:
        _expect(data, str, where)
        return Severity.parse(data)
    if isinstance(kind, type) and issubclass(kind, Enum):
        try:
            return kind(data)
        except ValueError:
            raise ValueError(f"{where}: {data!r} is not a valid {kind.__name__}") from None
    if kind is float:
        if isinstance(data, int | float) and not isinstance(data, bool):
            return float(data)
        raise ValueError(f"{where}: expected a number")
    if kind in (str, int, bool):
        _expect(data, kind, where)
        return data
    raise ValueError(f"{where}: cannot decode type {kind!r}")


def _expect(data: Any, kind: type, where: str) -> None:
    if not isinstance(data, kind) or (kind is int and isinstance(data, bool)):
        raise ValueError(f"{where}: expected {kind.__name__}, got {type(data).__name__}")
