"""Per-file results as JSON and back, checked field by field.

Decoding trusts nothing: a value of the wrong type, a missing field or an unknown enum member
raises :class:`CodecError`, which the engines treat as a cache miss.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from mlsec_policy.models import (
    ArtifactKind,
    ErrorLevel,
    FlowStep,
    Hit,
    JsonValue,
    Location,
    NotebookCell,
    Observation,
    ScanError,
    Severity,
    SkippedFile,
)
from mlsec_policy.redact import scrub

T = TypeVar("T")


class CodecError(ValueError):
    """A cached value does not have the shape of a result."""


@dataclass(frozen=True, slots=True)
class FileResults:
    """What one engine produced for one file."""

    hits: tuple[Hit, ...] = ()
    errors: tuple[ScanError, ...] = ()
    skipped: tuple[SkippedFile, ...] = ()


def encode_results(results: FileResults) -> JsonValue:
    """Return ``results`` as a JSON value."""
    return {
        "hits": [encode_hit(hit) for hit in results.hits],
        "errors": [encode_error(error) for error in results.errors],
        "skipped": [encode_skipped(part) for part in results.skipped],
    }


def decode_results(value: object) -> FileResults:
    """Return the results a JSON value holds; raise CodecError when it holds none."""
    data = _mapping(value)
    return FileResults(
        tuple(decode_hit(item) for item in _list(data.get("hits"))),
        tuple(decode_error(item) for item in _list(data.get("errors"))),
        tuple(decode_skipped(item) for item in _list(data.get("skipped"))),
    )


def encode_hit(hit: Hit) -> JsonValue:
    """Return a hit as a JSON value."""
    return {
        "control": hit.control_id,
        "check": hit.check_id,
        "observation": encode_observation(hit.observation),
    }


def decode_hit(value: object) -> Hit:
    """Return the hit a JSON value holds."""
    data = _mapping(value)
    return Hit(
        _of(data, "control", str),
        _of(data, "check", str),
        decode_observation(data.get("observation")),
    )


def _scrubbed(text: str | None) -> str | None:
    """Target text as every report shows it, so no entry on disk holds what a report would mask.

    The scan scrubs engine output again after the cache (``engines.redaction``); scrubbing is
    idempotent, so a reused entry reports exactly what a fresh run does.
    """
    return None if text is None else scrub(text)


def encode_observation(seen: Observation) -> JsonValue:
    """Return an observation as a JSON value."""
    return {
        "location": _encode_location(seen.location),
        "message": _scrubbed(seen.message),
        "severity": None if seen.severity is None else seen.severity.label,
        "snippet": _scrubbed(seen.snippet),
        "key": seen.key,
        "group": seen.group,
        "related": [_encode_location(place) for place in seen.related],
        "context": seen.context,
        "flow": [
            {"location": _encode_location(step.location), "message": _scrubbed(step.message)}
            for step in seen.flow
        ],
    }


def decode_observation(value: object) -> Observation:
    """Return the observation a JSON value holds."""
    data = _mapping(value)
    severity = _optional(data, "severity", str)
    return Observation(
        _decode_location(data.get("location")),
        _optional(data, "message", str),
        None if severity is None else _enum(Severity.parse, severity),
        _optional(data, "snippet", str),
        _optional(data, "key", str),
        _optional(data, "group", str),
        tuple(_decode_location(item) for item in _list(data.get("related"))),
        _optional(data, "context", str),
        tuple(
            FlowStep(_decode_location(step.get("location")), _of(step, "message", str))
            for step in map(_mapping, _list(data.get("flow")))
        ),
    )


def encode_error(error: ScanError) -> JsonValue:
    """Return a scan error as a JSON value."""
    return {
        "engine": error.engine,
        "kind": error.kind,
        "message": scrub(error.message),
        "path": error.path,
        "line": error.line,
        "controls": list(error.control_ids),
        "level": error.level.value,
        "hint": _scrubbed(error.hint),
    }


def decode_error(value: object) -> ScanError:
    """Return the scan error a JSON value holds."""
    data = _mapping(value)
    return ScanError(
        _of(data, "engine", str),
        _of(data, "kind", str),
        _of(data, "message", str),
        _optional(data, "path", str),
        _optional(data, "line", int),
        tuple(_strings(data.get("controls"))),
        _enum(ErrorLevel, _of(data, "level", str)),
        _optional(data, "hint", str),
    )


def encode_skipped(part: SkippedFile) -> JsonValue:
    """Return a left-out file or part as a JSON value."""
    return {
        "path": part.path,
        "reason": scrub(part.reason),
        "kind": None if part.kind is None else part.kind.value,
        "blocks": part.blocks_checks,
        "line": part.line,
    }


def decode_skipped(value: object) -> SkippedFile:
    """Return the left-out file or part a JSON value holds."""
    data = _mapping(value)
    kind = _optional(data, "kind", str)
    return SkippedFile(
        _of(data, "path", str),
        _of(data, "reason", str),
        None if kind is None else _enum(ArtifactKind, kind),
        _of(data, "blocks", bool),
        _optional(data, "line", int),
    )


def _encode_location(place: Location) -> JsonValue:
    cell: JsonValue = None if place.cell is None else [place.cell.index, place.cell.line]
    return [
        place.path,
        place.start_line,
        place.start_column,
        place.end_line,
        place.end_column,
        cell,
    ]


def _decode_location(value: object) -> Location:
    items = _list(value)
    if len(items) != 6 or not isinstance(items[0], str):
        raise CodecError("a location is [path, line, column, end line, end column, cell]")
    numbers = [_int_or_none(item) for item in items[1:5]]
    cell = None
    if items[5] is not None:
        index, line = (_int_or_none(item) for item in _list(items[5]))
        if index is None or line is None:
            raise CodecError("a notebook cell is [index, line]")
        cell = NotebookCell(index, line)
    return Location(items[0], numbers[0], numbers[1], numbers[2], numbers[3], cell)


def _mapping(value: object) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise CodecError(f"expected an object, found {type(value).__name__}")
    return value


def _list(value: object) -> Sequence[Any]:
    if not isinstance(value, list):
        raise CodecError(f"expected a list, found {type(value).__name__}")
    return value


def _strings(value: object) -> list[str]:
    items = _list(value)
    if not all(isinstance(item, str) for item in items):
        raise CodecError("expected a list of strings")
    return list(items)


def _int_or_none(value: object) -> int | None:
    if value is None or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    raise CodecError(f"expected a number, found {type(value).__name__}")


def _of(data: Mapping[str, Any], name: str, kind: type[T]) -> T:
    value = data.get(name)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise CodecError(f"{name}: expected {kind.__name__}")
    return value


def _optional(data: Mapping[str, Any], name: str, kind: type[T]) -> T | None:
    if data.get(name) is None:
        return None
    return _of(data, name, kind)


def _enum(build: Any, value: str) -> Any:
    try:
        return build(value)
    except (ValueError, KeyError) as exc:
        raise CodecError(f"unknown value {value!r}") from exc
