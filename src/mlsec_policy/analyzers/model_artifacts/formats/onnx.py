"""ONNX models, read as protobuf wire data without the onnx package.

The model is walked message by message; tensor bytes are skipped, so a multi-gigabyte model
costs a few reads. Checked: ``external_data`` locations must stay inside the model's folder
(absolute paths, ``..`` and symlinks read or overwrite other files: CVE-2022-25882,
CVE-2024-27318, CVE-2025-51480) and exist; operators from domains outside the ONNX standard
need a custom-op library, which is native code the loader must register.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath, PureWindowsPath

from mlsec_policy.analyzers.model_artifacts.context import Context
from mlsec_policy.analyzers.model_artifacts.issues import Concern, Issue, where
from mlsec_policy.analyzers.model_artifacts.members import unverifiable
from mlsec_policy.analyzers.model_artifacts.source import Reader, Source, Truncated, whole_file
from mlsec_policy.models import Severity

STANDARD_DOMAINS = frozenset(
    {"", "ai.onnx", "ai.onnx.ml", "ai.onnx.training", "ai.onnx.preview.training", "com.microsoft"}
)
STRING_CAP = 64 * 1024
MAX_DEPTH = 32
SIBLING_MODELS = 64
"""Most ONNX models of one folder consulted to tell whether a file is their external data."""
FOLDERS_UP = 3
"""How many folders above a data file its ONNX model may sit in."""


class ProtoError(ValueError):
    """The bytes are not valid protobuf wire data."""


@dataclass(slots=True)
class _Model:
    domains: dict[str, set[str]] = field(default_factory=dict)
    """Custom domain → operator types seen."""
    locations: list[tuple[str, str]] = field(default_factory=list)
    """(tensor name, external data location)."""


_Handler = Callable[[Reader, int, _Model, int], None]


def scan_onnx(source: Source, member: str, context: Context) -> list[Issue]:
    """Walk an ONNX model and report external data and custom operator domains."""
    model = _Model()
    try:
        with source.open() as reader:
            end = source.size if source.size is not None else 1 << 62
            _message(reader, end, _MODEL, model, 0)
    except (ProtoError, Truncated, UnicodeDecodeError) as exc:
        return [
            unverifiable(member, "bad-onnx", f"is not a valid ONNX model: {exc}", Severity.MEDIUM)
        ]
    issues = [_location_issue(name, loc, member, context) for name, loc in model.locations]
    for domain, ops in sorted(model.domains.items()):
        shown = ", ".join(sorted(ops)[:5])
        issues.append(
            Issue(
                Concern.ONNX,
                Severity.LOW,
                "custom-domain",
                f"{where(member)}uses operators from the custom domain {domain!r} ({shown}); they "
                "run only with a custom-op library, native code the loader has to trust",
                member,
                f"domain:{domain}",
            )
        )
    return [i for i in issues if i is not None]


def is_external_data(path: Path, root: Path | None) -> bool:
    """Return True when an ONNX model at or above ``path``'s folder names it as external data.

    Such a file holds raw tensor bytes, which no format can describe; the model that points at
    it is what is checked (ART-06), so the file itself is not "of unknown format".
    """
    target = os.path.normpath(path)
    folder = path.parent
    for _ in range(FOLDERS_UP):
        models = sorted(folder.glob("*.onnx"))[:SIBLING_MODELS]
        for model in models:
            if not model.is_file() or model.is_symlink():
                continue
            info = model.stat()
            for location in _locations(str(model), info.st_size, info.st_mtime_ns):
                if _escapes(location) is None and os.path.normpath(folder / location) == target:
                    return True
        if root is None or folder == root or root not in folder.parents:
            break
        folder = folder.parent
    return False


@functools.lru_cache(maxsize=256)
def _locations(path: str, size: int, mtime: int) -> frozenset[str]:
    """Return the external-data locations an ONNX model names (empty when it cannot be read)."""
    model = _Model()
    source = whole_file(Path(path))
    try:
        with source.open() as reader:
            _message(reader, size, _MODEL, model, 0)
    except (ProtoError, Truncated, UnicodeDecodeError, OSError):
        return frozenset()
    return frozenset(location for _name, location in model.locations)


def _location_issue(name: str, location: str, member: str, context: Context) -> Issue | None:
    escape = _escapes(location)
    if escape is None and not member and context.directory is not None:
        target = context.directory / location
        if target.is_symlink():
            escape = "is a symbolic link"
        elif not target.is_file():
            return Issue(
                Concern.ONNX,
                Severity.MEDIUM,
                "missing-external-data",
                f"tensor {name!r} keeps its data in {location!r}, which is missing: the model is "
                "incomplete",
                member,
                f"missing:{location}",
            )
    if escape is None:
        return None
    return Issue(
        Concern.ONNX,
        Severity.HIGH,
        "external-data-escape",
        f"{where(member)}tensor {name!r} reads its data from {location!r}, which {escape}: "
        "loading the model reads (or saving it overwrites) a file outside the model folder",
        member,
        f"location:{location}",
    )


def _escapes(location: str) -> str | None:
    if "\x00" in location:
        return "holds a NUL byte"
    if "://" in location:
        return "is a URL"
    if location.startswith(("/", "\\")) or PureWindowsPath(location).drive:
        return "is an absolute path"
    normal = os.path.normpath(location.replace("\\", "/"))
    if normal == ".." or normal.startswith("../") or ".." in PurePosixPath(location).parts:
        return "walks out of the model folder"
    return None


# -- protobuf wire walking ------------------------------------------------------------------------


def _varint(reader: Reader) -> int:
    value = shift = 0
    while True:
        byte = reader.read(1)[0]
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value
        shift += 7
        if shift > 63:
            raise ProtoError(f"varint too long at byte {reader.pos}")


def _message(
    reader: Reader, end: int, handlers: dict[int, _Handler], model: _Model, depth: int
) -> None:
    if depth > MAX_DEPTH:
        raise ProtoError("messages nested too deeply")
    while reader.pos < end:
        if reader.at_end():
            if end >= 1 << 62:
                return
            raise Truncated(f"the data ends at byte {reader.pos}, inside a message")
        key = _varint(reader)
        number, wire = key >> 3, key & 7
        if number == 0:
            raise ProtoError(f"field number 0 at byte {reader.pos}")
        if wire == 0:
            _varint(reader)
        elif wire == 1:
            reader.skip(8)
        elif wire == 5:
            reader.skip(4)
        elif wire == 2:
            length = _varint(reader)
            stop = reader.pos + length
            if stop > end:
                raise ProtoError(f"a field runs past its message at byte {reader.pos}")
            handler = handlers.get(number)
            if handler is None:
                reader.skip(length)
            else:
                handler(reader, stop, model, depth + 1)
                if reader.pos != stop:
                    reader.skip(stop - reader.pos)
        else:
            raise ProtoError(f"wire type {wire} at byte {reader.pos}")
    if reader.pos != end and end < 1 << 62:
        raise ProtoError("a message overruns its length")


def _text(reader: Reader, stop: int) -> str:
    length = stop - reader.pos
    if length > STRING_CAP:
        reader.skip(length)
        return ""
    return reader.read(length).decode("utf-8")


def _sub(handlers: dict[int, _Handler]) -> _Handler:
    return lambda reader, stop, model, depth: _message(reader, stop, handlers, model, depth)


def _node(reader: Reader, stop: int, model: _Model, depth: int) -> None:
    found: dict[str, str] = {}

    def field_text(key: str) -> _Handler:
        def handler(r: Reader, s: int, m: _Model, d: int) -> None:
            found[key] = _text(r, s)

        return handler

    _message(
        reader,
        stop,
        {4: field_text("op"), 7: field_text("domain"), 5: _sub(_ATTRIBUTE)},
        model,
        depth,
    )
    domain = found.get("domain", "")
    if domain not in STANDARD_DOMAINS:
        model.domains.setdefault(domain, set()).add(found.get("op", "?"))


def _tensor(reader: Reader, stop: int, model: _Model, depth: int) -> None:
    found: dict[str, str] = {}
    entries: list[dict[str, str]] = []

    def name(r: Reader, s: int, m: _Model, d: int) -> None:
        found["name"] = _text(r, s)

    def entry(r: Reader, s: int, m: _Model, d: int) -> None:
        pair: dict[str, str] = {}

        def key(r2: Reader, s2: int, m2: _Model, d2: int) -> None:
            pair["key"] = _text(r2, s2)

        def value(r2: Reader, s2: int, m2: _Model, d2: int) -> None:
            pair["value"] = _text(r2, s2)

        _message(r, s, {1: key, 2: value}, m, d)
        entries.append(pair)

    _message(reader, stop, {8: name, 13: entry}, model, depth)
    for pair in entries:
        if pair.get("key") == "location":
            model.locations.append((found.get("name", "?"), pair.get("value", "")))


def _opset(reader: Reader, stop: int, model: _Model, depth: int) -> None:
    found: dict[str, str] = {}

    def domain(r: Reader, s: int, m: _Model, d: int) -> None:
        found["domain"] = _text(r, s)

    _message(reader, stop, {1: domain}, model, depth)
    if found.get("domain", "") not in STANDARD_DOMAINS:
        model.domains.setdefault(found["domain"], set())


_GRAPH: dict[int, _Handler] = {}
_ATTRIBUTE: dict[int, _Handler] = {}
_SPARSE: dict[int, _Handler] = {1: _tensor, 2: _tensor}
_GRAPH.update({1: _node, 5: _tensor, 15: _sub(_SPARSE)})
_ATTRIBUTE.update(
    {
        5: _tensor,
        6: _sub(_GRAPH),
        10: _tensor,
        11: _sub(_GRAPH),
        22: _sub(_SPARSE),
        23: _sub(_SPARSE),
    }
)
_FUNCTION: dict[int, _Handler] = {7: _node, 9: _opset}
_TRAINING: dict[int, _Handler] = {1: _sub(_GRAPH), 2: _sub(_GRAPH)}
_MODEL: dict[int, _Handler] = {7: _sub(_GRAPH), 8: _opset, 20: _sub(_TRAINING), 25: _sub(_FUNCTION)}
