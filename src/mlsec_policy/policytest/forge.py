"""Build model files byte by byte — benign and malicious — without importing any ML library.

Used by the fixture generators and the tests. Pickles are written by the pure-Python pickler
with two stand-ins: :class:`Name` pickles as an import of any ``module.name`` (nothing is
imported), and :class:`Invoke` pickles as a call of such a name. So a payload that would run
``os.system`` is produced without ``os.system`` ever being touched, and a PyTorch state dict
is produced without PyTorch. Nothing here ever unpickles anything.
"""

from __future__ import annotations

import io
import json
import pickle
import struct
import zipfile
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from mlsec_policy.policytest.zipforge import streamed_zip


@dataclass(frozen=True)
class Name:
    """A global reference ``module.name`` that pickles as GLOBAL / STACK_GLOBAL."""

    module: str
    name: str

    def __call__(self, *args: object) -> Invoke:
        """Return a call of this name (so pickle accepts it as a reduce target)."""
        return Invoke(self, args)


@dataclass(frozen=True)
class Invoke:
    """A call ``func(*args)`` that pickles as REDUCE."""

    func: Name
    args: tuple[object, ...]

    def __reduce__(self) -> tuple[object, ...]:
        return (self.func, self.args)


@dataclass(frozen=True)
class Storage:
    """A PyTorch storage, pickled as a persistent id into ``data/<key>``."""

    key: str
    kind: str
    """Storage class name (``FloatStorage``)."""
    numel: int


_PurePickler: Any = pickle._Pickler
"""The pure-Python pickler, whose dispatch table can take the stand-in types."""


class _Writer(_PurePickler):  # type: ignore[misc]
    dispatch: ClassVar[dict[type, Any]] = dict(_PurePickler.dispatch)

    def persistent_id(self, obj: object) -> object:
        if isinstance(obj, Storage):
            return ("storage", Name("torch", obj.kind), obj.key, "cpu", obj.numel)
        return None

    def save_name(self, obj: Name) -> None:
        if self.proto >= 4:
            self.save(obj.module)
            self.save(obj.name)
            self.write(pickle.STACK_GLOBAL)
        else:
            self.write(pickle.GLOBAL + f"{obj.module}\n{obj.name}\n".encode())
        self.memoize(obj)

    dispatch[Name] = save_name


def dumps(obj: object, protocol: int = 2) -> bytes:
    """Pickle ``obj`` with the stand-ins resolved as described in the module docstring."""
    buffer = io.BytesIO()
    _Writer(buffer, protocol).dump(obj)
    return buffer.getvalue()


def payload(command: str = "echo pwned", target: Name = Name("os", "system")) -> Invoke:
    """Return the classic payload: a call that runs ``command`` when unpickled."""
    return target(command)


def tensor(storage: Storage, shape: Sequence[int]) -> Invoke:
    """Return what ``torch.save`` writes for a contiguous tensor over ``storage``."""
    stride: list[int] = []
    step = 1
    for dim in reversed(shape):
        stride.insert(0, step)
        step *= dim
    rebuild = Name("torch._utils", "_rebuild_tensor_v2")
    return rebuild(storage, 0, tuple(shape), tuple(stride), False, OrderedDict())


ELEMENT = {"FloatStorage": 4, "HalfStorage": 2, "LongStorage": 8, "ByteStorage": 1}


def state_dict(
    shapes: Mapping[str, Sequence[int]], kind: str = "FloatStorage"
) -> OrderedDict[str, object]:
    """Return a state dict of tensors with storages ``0``, ``1``... (for :func:`torch_zip`)."""
    result: OrderedDict[str, object] = OrderedDict()
    for index, (name, shape) in enumerate(shapes.items()):
        numel = 1
        for dim in shape:
            numel *= dim
        result[name] = tensor(Storage(str(index), kind, numel), shape)
    return result


def storages_of(obj: object) -> list[Storage]:
    """Return the storages referenced anywhere in a state dict built here."""
    found: list[Storage] = []
    stack = [obj]
    while stack:
        item = stack.pop()
        if isinstance(item, Storage):
            found.append(item)
        elif isinstance(item, Invoke):
            stack.extend(item.args)
        elif isinstance(item, Mapping):
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)
    return found


def torch_zip(
    obj: object,
    *,
    prefix: str = "archive",
    protocol: int = 2,
    skip_storages: Sequence[str] = (),
    extra: Mapping[str, bytes] | None = None,
    streamed: bool = False,
) -> bytes:
    """Return a PyTorch-layout zip checkpoint of ``obj`` (storages filled with zeros).

    ``streamed`` writes it the way ``torch.save`` does (members and layout of PyTorch 2.x:
    data descriptors, 64-byte aligned data, zip64 end records; see :mod:`.zipforge`) instead
    of the way ``zipfile`` writes to a seekable file.
    """
    members = {f"{prefix}/data.pkl": dumps(obj, protocol)}
    if streamed:
        members[f"{prefix}/.format_version"] = b"1"
        members[f"{prefix}/.storage_alignment"] = b"64"
    members[f"{prefix}/byteorder"] = b"little"
    for storage in storages_of(obj):
        if storage.key not in skip_storages:
            size = storage.numel * ELEMENT.get(storage.kind, 4)
            members[f"{prefix}/data/{storage.key}"] = bytes(size)
    members[f"{prefix}/version"] = b"3\n"
    members[f"{prefix}/.data/serialization_id"] = b"0123456789"
    members.update(extra or {})
    return streamed_zip(members) if streamed else zip_of(members)


def zip_of(members: Mapping[str, bytes], compress: bool = False) -> bytes:
    """Return a zip archive holding ``members``."""
    buffer = io.BytesIO()
    method = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def rename_local_header(archive: bytes, old: str, new: str) -> bytes:
    """Rename a member in its local header only (the central directory keeps ``old``)."""
    if len(old) != len(new):
        raise ValueError("names must have the same length")
    index = archive.index(old.encode())  # local headers precede the central directory
    return archive[:index] + new.encode() + archive[index + len(old) :]


def keras_zip(config: Mapping[str, object]) -> bytes:
    """Return a ``.keras`` archive with ``config`` as its config.json."""
    metadata = {"keras_version": "3.8.0", "date_saved": "2026-01-01@00:00:00"}
    return zip_of(
        {
            "metadata.json": json.dumps(metadata).encode(),
            "config.json": json.dumps(config).encode(),
            "model.weights.h5": b"\x89HDF\r\n\x1a\n" + bytes(56),
        }
    )


def keras_dense_config(extra_layers: Sequence[Mapping[str, object]] = ()) -> dict[str, object]:
    """Return a Keras 3 Sequential config with one Dense layer and ``extra_layers``."""
    dense = {
        "module": "keras.layers",
        "class_name": "Dense",
        "config": {"name": "dense", "units": 2, "activation": "relu"},
        "registered_name": None,
    }
    return {
        "module": "keras",
        "class_name": "Sequential",
        "config": {"name": "sequential", "layers": [dense, *extra_layers]},
        "registered_name": None,
    }


def safetensors(
    tensors: Mapping[str, tuple[str, Sequence[int], tuple[int, int]]], data: int
) -> bytes:
    """Return a safetensors file of (dtype, shape, (begin, end)) tensors over ``data`` bytes."""
    header = {
        name: {"dtype": dtype, "shape": list(shape), "data_offsets": list(span)}
        for name, (dtype, shape, span) in tensors.items()
    }
    text = json.dumps(header).encode()
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + bytes(data)


def gguf(metadata: Mapping[str, str], tensors: int = 1) -> bytes:
    """Return a GGUF v3 file with string metadata and ``tensors`` small F32 tensors."""
    out = bytearray(b"GGUF" + struct.pack("<IQQ", 3, tensors, len(metadata)))

    def string(text: str) -> bytes:
        raw = text.encode()
        return struct.pack("<Q", len(raw)) + raw

    for key, value in metadata.items():
        out += string(key) + struct.pack("<I", 8) + string(value)
    for index in range(tensors):
        out += string(f"t{index}") + struct.pack("<I", 1) + struct.pack("<Q", 4)
        out += struct.pack("<IQ", 0, index * 32)
    out += bytes(-len(out) % 32)
    out += bytes(32 * tensors)
    return bytes(out)


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def _field(number: int, payload: bytes) -> bytes:
    return _varint(number << 3 | 2) + _varint(len(payload)) + payload


def onnx(location: str | None = None, domain: str = "") -> bytes:
    """Return a minimal ONNX model: one node, one initializer (external if ``location``)."""
    node = _field(1, b"x") + _field(2, b"y") + _field(4, b"Relu")
    if domain:
        node += _field(7, domain.encode())
    tensor_bytes = _varint(1 << 3) + _varint(1) + _varint(2 << 3) + _varint(1) + _field(8, b"w")
    if location is not None:
        entry = _field(1, b"location") + _field(2, location.encode())
        tensor_bytes += _field(13, entry) + _varint(14 << 3) + _varint(1)
    else:
        tensor_bytes += _field(9, struct.pack("<f", 1.0))
    graph = _field(1, node) + _field(2, b"g") + _field(5, tensor_bytes)
    opset = _field(1, b"") + _varint(2 << 3) + _varint(17)
    return _varint(1 << 3) + _varint(9) + _field(2, b"forge") + _field(7, graph) + _field(8, opset)


def npy(descr: str, shape: tuple[int, ...], body: bytes) -> bytes:
    """Return a ``.npy`` file with the given header fields and data bytes."""
    header = repr({"descr": descr, "fortran_order": False, "shape": shape}).encode()
    header += b" " * (-(10 + len(header) + 1) % 64) + b"\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header + body
