"""Model files written by the real libraries, the way their users write them.

Our own generator (:mod:`mlsec_policy.policytest.forge`) writes what we think the formats look
like; these writers call ``torch.save``, ``torch.jit.save``, ``numpy.save``, ``safetensors``,
``onnx``, ``gguf``, ``joblib`` and ``skops`` so the realism tier sees what real writers emit
(zip64 end records, data descriptors, padded entries, interleaved array bytes). Keras 3
runs on the PyTorch backend, so no second deep-learning framework is installed. Nothing here
is ever loaded back: the malicious files are written and scanned, never opened by a loader.

Run as a script (``python -m tests.support.model_writers OUT``) to write the same tree for
inspection.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import warnings
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("KERAS_BACKEND", "torch")  # Keras 3 on the PyTorch already installed

import gguf
import joblib
import keras
import numpy as np
import onnx
import skops.io
import torch
from onnx import TensorProto, helper, numpy_helper
from safetensors.numpy import save_file as save_numpy_safetensors
from safetensors.torch import save_file as save_torch_safetensors
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier

SEED = 7
DANGEROUS_GLOBAL = f"{os.system.__module__}.system"
"""How ``os.system`` is named in a pickle written here (``posix.system`` on Linux)."""


class Payload:
    """An object whose pickle calls ``os.system`` when it is loaded (it never is)."""

    def __reduce__(self) -> tuple[Callable[[str], int], tuple[str]]:
        return (os.system, ("echo this-file-was-loaded",))


@dataclass(frozen=True)
class Written:
    """One file a real writer produced, and what a scan must conclude about it."""

    path: str
    """Relative to the tree root."""
    writer: str
    """The library call that wrote it."""
    fmt: str | None = None
    """The format classification must give it."""
    kind: str = "model-artifact"
    """The kind classification must give it (a NumPy array of numbers is a data file)."""
    dangerous: str | None = None
    """For a malicious file: the global its pickle imports (the reason for the catch)."""


class TinyNet(torch.nn.Module):  # type: ignore[misc]
    """A model class of the project's own, as in most training scripts."""

    def __init__(self) -> None:
        super().__init__()
        self.layer = torch.nn.Linear(4, 2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Return the layer's output."""
        return self.layer(x)


def write_custom_module(root: Path) -> Written:
    """Write ``torch.save(model)`` of a project class: loading it imports the project's code."""
    root.mkdir(parents=True, exist_ok=True)
    torch.save(TinyNet(), root / "custom_module.pt")
    return Written("custom_module.pt", "torch.save(project nn.Module)", "pytorch-zip")


def _net() -> torch.nn.Sequential:
    torch.manual_seed(SEED)
    return torch.nn.Sequential(torch.nn.Linear(8, 16), torch.nn.ReLU(), torch.nn.Linear(16, 2))


def _trained() -> tuple[torch.nn.Sequential, torch.optim.Optimizer]:
    net = _net()
    optimizer = torch.optim.Adam(net.parameters(), lr=1e-3)
    loss = net(torch.randn(4, 8)).sum()
    loss.backward()
    optimizer.step()
    return net, optimizer


def _data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(SEED)
    features = rng.normal(size=(40, 4))
    return features, (features[:, 0] > 0).astype(np.int64)


def write_torch(root: Path) -> list[Written]:
    """PyTorch: zip and legacy checkpoints, a whole module, TorchScript."""
    net, optimizer = _trained()
    folder = root / "torch"
    folder.mkdir(parents=True, exist_ok=True)
    checkpoint = {
        "epoch": 3,
        "model_state_dict": net.state_dict(),
        "optimizer_state_dict": optimizer.state_dict(),
        "loss": 0.25,
        "args": argparse.Namespace(lr=1e-3, batch_size=4),
    }
    torch.save(net.state_dict(), folder / "model.pt")
    torch.save(net, folder / "whole_module.pt")
    torch.save(optimizer.state_dict(), folder / "optimizer.pt")
    torch.save(checkpoint, folder / "checkpoint.pth")
    torch.save(net.state_dict(), folder / "legacy.pt", _use_new_zipfile_serialization=False)
    torch.save(checkpoint, folder / "legacy_checkpoint.ckpt", _use_new_zipfile_serialization=False)
    torch.save(net.state_dict(), folder / "pytorch_model.bin")
    with warnings.catch_warnings():  # torch 2.13 deprecates TorchScript; models still ship it
        warnings.simplefilter("ignore", DeprecationWarning)
        torch.jit.save(torch.jit.script(net), str(folder / "scripted.pt"))
        torch.jit.save(torch.jit.trace(net, torch.randn(1, 8)), str(folder / "traced.torchscript"))
    return [
        Written("torch/model.pt", "torch.save(state_dict)", "pytorch-zip"),
        Written("torch/whole_module.pt", "torch.save(nn.Sequential)", "pytorch-zip"),
        Written("torch/optimizer.pt", "torch.save(optimizer.state_dict())", "pytorch-zip"),
        Written("torch/checkpoint.pth", "torch.save(dict checkpoint)", "pytorch-zip"),
        Written("torch/legacy.pt", "torch.save(state_dict, legacy format)", "pickle"),
        Written(
            "torch/legacy_checkpoint.ckpt", "torch.save(dict checkpoint, legacy format)", "pickle"
        ),
        Written("torch/pytorch_model.bin", "torch.save(state_dict) as .bin", "pytorch-zip"),
        Written("torch/scripted.pt", "torch.jit.save(torch.jit.script(module))", "torchscript"),
        Written(
            "torch/traced.torchscript", "torch.jit.save(torch.jit.trace(module))", "torchscript"
        ),
    ]


def write_sharded(root: Path) -> list[Written]:
    """Write a ``save_pretrained``-style sharded checkpoint: shards, index json and config."""
    net, _ = _trained()
    state = {k: v.contiguous() for k, v in net.state_dict().items()}
    names = sorted(state)
    halves = [names[: len(names) // 2], names[len(names) // 2 :]]
    written: list[Written] = []
    for kind, suffix in (("safetensors", "safetensors"), ("bin", "bin")):
        folder = root / f"pretrained-{kind}"
        folder.mkdir(parents=True, exist_ok=True)
        prefix = "model" if kind == "safetensors" else "pytorch_model"
        weight_map: dict[str, str] = {}
        for number, part in enumerate(halves, start=1):
            shard = f"{prefix}-{number:05d}-of-{len(halves):05d}.{suffix}"
            tensors = {name: state[name] for name in part}
            if kind == "safetensors":
                save_torch_safetensors(tensors, folder / shard, metadata={"format": "pt"})
            else:
                torch.save(tensors, folder / shard)
            weight_map.update(dict.fromkeys(part, shard))
            fmt = "safetensors" if kind == "safetensors" else "pytorch-zip"
            written.append(Written(f"pretrained-{kind}/{shard}", f"save_pretrained {kind}", fmt))
        total = sum(t.numel() * t.element_size() for t in state.values())
        index = {"metadata": {"total_size": total}, "weight_map": dict(sorted(weight_map.items()))}
        index_name = f"{prefix}.{suffix}.index.json"
        (folder / index_name).write_text(json.dumps(index, indent=2) + "\n", encoding="utf-8")
        config = {"architectures": ["TinyNet"], "hidden_size": 16, "torch_dtype": "float32"}
        (folder / "config.json").write_text(json.dumps(config, indent=2), encoding="utf-8")
    return written


def write_numpy(root: Path) -> list[Written]:
    """NumPy: ``.npy``, ``.npz`` and compressed ``.npz``; safetensors from NumPy."""
    folder = root / "numpy"
    folder.mkdir(parents=True, exist_ok=True)
    features, labels = _data()
    np.save(folder / "features.npy", features)
    np.save(folder / "weights.npy", features.astype(np.float32).T)
    np.save(folder / "structured.npy", np.zeros(3, dtype=[("x", "<f4"), ("y", "<i8")]))
    np.savez(folder / "arrays.npz", features=features, labels=labels)
    np.savez_compressed(folder / "compressed.npz", features=features, labels=labels)
    save_numpy_safetensors({"w": features.astype(np.float32)}, str(folder / "w.safetensors"))
    return [
        Written("numpy/features.npy", "numpy.save", "npy", "data-file"),
        Written("numpy/weights.npy", "numpy.save (named as weights)", "npy"),
        Written("numpy/structured.npy", "numpy.save(structured dtype)", "npy", "data-file"),
        Written("numpy/arrays.npz", "numpy.savez", "npz"),
        Written("numpy/compressed.npz", "numpy.savez_compressed", "npz"),
        Written("numpy/w.safetensors", "safetensors.numpy.save_file", "safetensors"),
    ]


def write_onnx(root: Path) -> list[Written]:
    """ONNX: a small graph inline, and one with its weights as external data beside it."""
    folder = root / "onnx"
    folder.mkdir(parents=True, exist_ok=True)
    weights = numpy_helper.from_array(np.ones((4, 2), dtype=np.float32), name="W")
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["X", "W"], ["Y"]), helper.make_node("Relu", ["Y"], ["Z"])],
        "tiny",
        [helper.make_tensor_value_info("X", TensorProto.FLOAT, [1, 4])],
        [helper.make_tensor_value_info("Z", TensorProto.FLOAT, [1, 2])],
        [weights],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    onnx.checker.check_model(model)
    onnx.save_model(model, str(folder / "model.onnx"))
    onnx.save_model(
        model,
        str(folder / "external.onnx"),
        save_as_external_data=True,
        all_tensors_to_one_file=True,
        location="external.onnx.data",
        size_threshold=0,
    )
    return [
        Written("onnx/model.onnx", "onnx.save_model", "onnx"),
        Written("onnx/external.onnx", "onnx.save_model(save_as_external_data)", "onnx"),
        Written("onnx/external.onnx.data", "onnx external data", "data"),
    ]


def write_gguf(root: Path) -> list[Written]:
    """GGUF: the ``gguf`` package's writer, with a plain chat template."""
    folder = root / "gguf"
    folder.mkdir(parents=True, exist_ok=True)
    writer = gguf.GGUFWriter(str(folder / "tiny.gguf"), "llama")
    writer.add_block_count(1)
    writer.add_context_length(64)
    writer.add_embedding_length(8)
    writer.add_chat_template(
        "{% for message in messages %}<|{{ message['role'] }}|>{{ message['content'] }}"
        "{% endfor %}{% if add_generation_prompt %}<|assistant|>{% endif %}"
    )
    writer.add_tensor("token_embd.weight", np.ones((4, 8), dtype=np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return [Written("gguf/tiny.gguf", "gguf.GGUFWriter", "gguf")]


def write_sklearn(root: Path) -> list[Written]:
    """scikit-learn: fitted models through ``joblib.dump`` and ``skops.io.dump``."""
    folder = root / "sklearn"
    folder.mkdir(parents=True, exist_ok=True)
    features, labels = _data()
    pipeline = make_pipeline(StandardScaler(), LogisticRegression()).fit(features, labels)
    tree = DecisionTreeClassifier(max_depth=3, random_state=SEED).fit(features, labels)
    joblib.dump(pipeline, folder / "pipeline.joblib")
    joblib.dump(tree, folder / "tree.pkl")
    joblib.dump(tree, folder / "tree_compressed.joblib", compress=3)
    skops.io.dump(pipeline, folder / "pipeline.skops")
    return [
        Written("sklearn/pipeline.joblib", "joblib.dump(Pipeline)", "pickle"),
        Written("sklearn/tree.pkl", "joblib.dump(DecisionTreeClassifier)", "pickle"),
        Written("sklearn/tree_compressed.joblib", "joblib.dump(compress=3)", "joblib"),
        Written("sklearn/pipeline.skops", "skops.io.dump(Pipeline)", "skops"),
    ]


def write_keras(root: Path) -> list[Written]:
    """Keras 3 (PyTorch backend): a ``.keras`` archive, a legacy ``.h5`` model, weights only."""
    folder = root / "keras"
    folder.mkdir(parents=True, exist_ok=True)
    features, labels = _data()
    model = keras.Sequential(
        [keras.Input((4,)), keras.layers.Dense(3, activation="relu"), keras.layers.Dense(1)]
    )
    with warnings.catch_warnings():  # Keras' torch backend trips NumPy 2's copy= deprecation
        warnings.simplefilter("ignore", DeprecationWarning)
        model.compile(optimizer="adam", loss="mse")
        model.fit(features, labels.astype(np.float32), epochs=1, verbose=0)
        model.save(folder / "model.keras")
        model.save(folder / "legacy.h5")
        model.save_weights(folder / "dense.weights.h5")
    return [
        Written("keras/model.keras", "keras Model.save(.keras)", "keras"),
        Written("keras/legacy.h5", "keras Model.save(.h5)", "hdf5"),
        Written("keras/dense.weights.h5", "keras Model.save_weights", "hdf5"),
    ]


def write_keras_lambda(root: Path) -> Written:
    """Write a ``.keras`` model with a Lambda layer: its Python bytecode runs when loaded."""
    root.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        model = keras.Sequential(
            [keras.Input((4,)), keras.layers.Lambda(lambda x: x * 2), keras.layers.Dense(1)]
        )
        model.save(root / "lambda.keras")
    return Written("lambda.keras", "keras Model.save(Lambda layer)", "keras")


GENUINE: tuple[Callable[[Path], list[Written]], ...] = (
    write_torch,
    write_sharded,
    write_numpy,
    write_onnx,
    write_gguf,
    write_sklearn,
    write_keras,
)


def write_genuine(root: Path) -> list[Written]:
    """Write every genuine artifact under ``root`` and a SHA-256 manifest covering them."""
    written = [item for writer in GENUINE for item in writer(root)]
    lines = [f"{_sha256(root / w.path)}  {w.path}\n" for w in sorted(written, key=_by_path)]
    (root / "SHA256SUMS").write_text("".join(lines), encoding="utf-8")
    return written


def write_malicious(root: Path) -> list[Written]:
    """Write files whose pickles call ``os.system``, each by a real writer; never load them."""
    root.mkdir(parents=True, exist_ok=True)
    net, _ = _trained()
    state: dict[str, object] = OrderedDict(net.state_dict())
    state["_hook"] = Payload()
    torch.save(state, root / "evil_state_dict.pt")
    torch.save(state, root / "evil_legacy.pt", _use_new_zipfile_serialization=False)
    torch.save({"model_state_dict": state, "epoch": 1}, root / "evil_checkpoint.pth")
    features, labels = _data()
    tree = DecisionTreeClassifier(max_depth=2).fit(features, labels)
    joblib.dump({"model": tree, "hook": Payload()}, root / "evil_model.joblib")
    np.save(root / "evil_objects.npy", np.array([Payload()], dtype=object), allow_pickle=True)
    return [
        Written("evil_state_dict.pt", "torch.save", "pytorch-zip", dangerous=DANGEROUS_GLOBAL),
        Written("evil_legacy.pt", "torch.save(legacy)", "pickle", dangerous=DANGEROUS_GLOBAL),
        Written(
            "evil_checkpoint.pth", "torch.save(dict)", "pytorch-zip", dangerous=DANGEROUS_GLOBAL
        ),
        Written("evil_model.joblib", "joblib.dump", "pickle", dangerous=DANGEROUS_GLOBAL),
        Written(
            "evil_objects.npy", "numpy.save(allow_pickle=True)", "npy", dangerous=DANGEROUS_GLOBAL
        ),
    ]


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _by_path(item: Written) -> str:
    return item.path


def main(argv: list[str]) -> int:
    """Write the genuine tree to ``OUT/genuine`` and the malicious one to ``OUT/malicious``."""
    out = Path(argv[0]) if argv else Path("realism-artifacts")
    for item in write_genuine(out / "genuine") + write_malicious(out / "malicious"):
        print(item.path, item.writer, item.dangerous or "")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
