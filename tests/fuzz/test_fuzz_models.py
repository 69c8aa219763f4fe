"""Fuzzing the model-file readers (issue 13 item 5): pickle VM, zip, and every header reader.

Property: whatever the bytes, the model scan of a file returns its issues — a truncated or
broken file is an issue (``truncated``, ``limit``, ``unverifiable``), never an exception — and
the pickle sniffers of discovery answer without raising. Each format starts from a valid file
built by :mod:`mlsec_policy.policytest.forge` and is mutated (:mod:`tests.fuzz.mutations`).
"""

from __future__ import annotations

import tempfile
import zlib
from collections import OrderedDict
from pathlib import Path

import pytest

from mlsec_policy.analyzers.model_artifacts.context import Context, Limits
from mlsec_policy.analyzers.model_artifacts.issues import Issue
from mlsec_policy.analyzers.model_artifacts.scan import dispatch
from mlsec_policy.analyzers.model_artifacts.source import Memory, whole_file
from mlsec_policy.classify.pickles import looks_like_pickle, pickle_format
from mlsec_policy.policytest import forge
from tests.fuzz.budget import fuzz
from tests.fuzz.mutations import hostile, json_nest, mutated

_STATE = forge.state_dict({"w": (2, 2), "b": (2,)})
_PICKLES = [forge.dumps(_STATE, protocol) for protocol in (0, 2, 4, 5)] + [
    forge.dumps(forge.payload(), 2),
    forge.dumps({"a": [1, 2.5, "x", b"y", (None, True)]}, 4),
    forge.dumps(OrderedDict(k=forge.Name("numpy", "dtype")("f4")), 3),
]
SEEDS: dict[str, list[bytes]] = {
    "model.pkl": _PICKLES,
    "model.pt": [
        forge.torch_zip(_STATE),
        forge.torch_zip(_STATE, streamed=True),
        forge.torch_zip(_STATE, protocol=4, extra={"archive/code/x.py": b"import os\n"}),
        forge.zip_of({"a/data.pkl": _PICKLES[1], "inner.pt": forge.torch_zip(_STATE)}, True),
    ],
    "model.safetensors": [
        forge.safetensors({"w": ("F32", (2, 2), (0, 16)), "b": ("F16", (2,), (16, 20))}, 20),
        forge.safetensors({"__metadata__": ("F32", (), (0, 0))}, 0),
    ],
    "model.gguf": [
        forge.gguf({"general.name": "m", "tokenizer.chat_template": "{{ x }}"}, 2),
        forge.gguf({}, 0),
    ],
    "model.onnx": [forge.onnx(), forge.onnx(location="w.bin", domain="custom")],
    "model.keras": [
        forge.keras_zip(forge.keras_dense_config()),
        forge.keras_zip(
            forge.keras_dense_config([{"class_name": "Lambda", "config": {"function": "x"}}])
        ),
    ],
    "model.h5": [
        b"\x89HDF\r\n\x1a\n" + bytes(56) + b'{"class_name": "Sequential", "config": {}}',
    ],
    "model.npy": [
        forge.npy("<f4", (2, 2), bytes(16)),
        forge.npy("|O", (1,), _PICKLES[1]),
    ],
    "model.bin": [
        forge.dumps(_STATE, 2)[:2] + b"\x8a\x0a" + (0x1950A86A20F9469CFC6C).to_bytes(10, "little")
    ],
}
"""Valid files of every format the model scan reads, by the name they are scanned under."""
_PACKED = zlib.compress(_PICKLES[1])
CORRUPT_ZLIB = _PACKED[:2] + bytes([_PACKED[2] ^ 0x40]) + _PACKED[3:]
"""zlib data with a wrong checksum: the codec's own error escaped the scan (found fuzzing)."""


def scan_bytes(name: str, data: bytes) -> list[Issue]:
    """Scan ``data`` as a file called ``name`` on disk, the way the analyzer does."""
    with tempfile.TemporaryDirectory(prefix="mlsec-fuzz-") as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        context = Context(Limits(), dispatch, directory=path.parent, root=path.parent)
        return dispatch(whole_file(path), name, "", 0, context)


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_a_model_file_of_any_bytes_is_scanned_into_issues(name: str) -> None:
    def prop(data: bytes) -> None:
        issues = scan_bytes(name, data)
        assert all(isinstance(issue, Issue) for issue in issues)

    data = hostile(SEEDS[name], json_nest)
    fuzz(f"model-scan[{name}]", data, prop, examples=60, regressions=[CORRUPT_ZLIB])


def test_nested_bytes_of_a_pickle_are_scanned_into_issues() -> None:
    """The same scan over bytes held in memory (content nested inside a pickle)."""

    def prop(data: bytes) -> None:
        context = Context(Limits(), dispatch)
        assert isinstance(dispatch(Memory(data), "nested.pt", "<bytes>", 1, context), list)

    data = mutated(_PICKLES + SEEDS["model.pt"])
    fuzz("model-scan[memory]", data, prop, examples=40, regressions=[CORRUPT_ZLIB])


def test_the_pickle_sniffers_of_discovery_never_raise() -> None:
    def prop(data: bytes) -> None:
        assert isinstance(looks_like_pickle(data[:8192]), bool)
        assert pickle_format(data, "weights.pkl") in ("pickle", "data-pickle")

    fuzz("classify-pickles", hostile(_PICKLES), prop, examples=100)
