"""Model formats and containers: zip tricks, PyTorch, NumPy, Keras, HDF5, ONNX, safetensors..."""

from __future__ import annotations

import gzip
import io
import json
import tarfile
from pathlib import Path

import h5py
import numpy as np
import pytest

from mlsec_policy.analyzers.model_artifacts.context import Limits
from mlsec_policy.analyzers.model_artifacts.issues import Concern, Issue
from mlsec_policy.analyzers.model_artifacts.scan import scan_path
from mlsec_policy.classify import classify, looks_like_pickle
from mlsec_policy.models import ArtifactKind, Severity
from mlsec_policy.policytest import corpus, forge


def scan_bytes(tmp_path: Path, name: str, data: bytes, limits: Limits | None = None) -> list[Issue]:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return list(scan_path(path, name, tmp_path, limits or Limits()))


def summary(issues: list[Issue]) -> set[tuple[str, str]]:
    return {(i.concern.value, i.code) for i in issues}


CORPUS = {case.name: case for case in corpus.cases()}


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_corpus_verdicts(tmp_path: Path, name: str) -> None:
    case = CORPUS[name]
    issues = scan_bytes(tmp_path, case.filename, case.build())
    worst = max((i.severity for i in issues), default=None)
    if case.malicious:
        assert worst is not None and worst >= Severity.HIGH, issues
    elif name == "bypass-unknown-class":
        assert worst is Severity.MEDIUM
    else:
        assert issues == []


def test_torch_zip_payload_is_named_with_its_member(tmp_path: Path) -> None:
    state = forge.state_dict({"w": (2, 2)})
    state["x"] = forge.payload()
    issues = scan_bytes(tmp_path, "model.pt", forge.torch_zip(state, prefix="my_model"))
    assert [(i.member, i.detail) for i in issues] == [("my_model/data.pkl", "os.system")]
    assert issues[0].message.startswith("my_model/data.pkl: imports os.system")


def test_missing_and_short_storages_make_the_checkpoint_incomplete(tmp_path: Path) -> None:
    state = forge.state_dict({"w": (4, 4), "b": (4,)})
    data = forge.torch_zip(state, skip_storages=["1"])
    assert summary(scan_bytes(tmp_path, "a.pt", data)) == {("unverifiable", "missing-storage")}
    short = forge.torch_zip(state, extra=None)
    short = short.replace(b"archive/data/0", b"archive/data/9")
    found = summary(scan_bytes(tmp_path, "b.pt", short))
    assert ("unverifiable", "missing-storage") in found


def _scripted(code: bytes) -> bytes:
    return forge.zip_of(
        {
            "m/data.pkl": forge.dumps({"a": 1}, 2),
            "m/constants.pkl": forge.dumps((), 2),
            "m/code/__torch__/m.py": code,
            "m/version": b"3\n",
        }
    )


def test_torchscript_code_that_only_computes_is_not_reported(tmp_path: Path) -> None:
    code = b'def forward(self, x: Tensor) -> Tensor:\n  _0 = getattr(self, "0")\n'
    code += b"  return torch.relu(torch.ops.aten.add(x, x))\n"
    assert summary(scan_bytes(tmp_path, "scripted.pt", _scripted(code))) == set()


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        (b'torch.save(x, "/etc/cron.d/job")', ("torchscript-file-access", Severity.CRITICAL)),
        (
            b'y = torch.from_file("/root/.ssh/id_rsa", False, 64)',
            ("torchscript-file-access", Severity.CRITICAL),
        ),
        (b"ops.aten.save(x, path)", ("torchscript-file-access", Severity.CRITICAL)),
        (b'os.system("id")', ("torchscript-python", Severity.CRITICAL)),
        (b'm = __import__("os")', ("torchscript-python", Severity.CRITICAL)),
        (b"y = torch.ops.my_vendor.fused(x)", ("torchscript-native", Severity.MEDIUM)),
        (b"h = torch.classes.my_lib.Handle()", ("torchscript-native", Severity.MEDIUM)),
    ],
)
def test_torchscript_code_that_reaches_outside_the_model_is_reported(
    tmp_path: Path, line: bytes, expected: tuple[str, Severity]
) -> None:
    code = b"def forward(self, x: Tensor) -> Tensor:\n  " + line + b"\n  return x\n"
    issues = scan_bytes(tmp_path, "scripted.pt", _scripted(code))
    assert {(i.code, i.severity) for i in issues} == {expected}
    assert all(i.concern is Concern.CODE for i in issues)


def test_torchscript_pickles_may_name_the_classes_their_code_defines(tmp_path: Path) -> None:
    classes = forge.dumps(forge.Name("__torch__.torch.nn.modules.linear", "Linear")(), 2)
    plain = forge.zip_of({"m/data.pkl": classes, "m/version": b"3\n", "m/byteorder": b"little"})
    script = forge.zip_of(
        {
            "m/data.pkl": classes,
            "m/constants.pkl": forge.dumps((), 2),
            "m/code/__torch__/m.py": b"def forward(self, x: Tensor) -> Tensor:\n  return x\n",
            "m/version": b"3\n",
        }
    )
    assert summary(scan_bytes(tmp_path, "scripted.pt", script)) == set()
    assert summary(scan_bytes(tmp_path, "plain.pt", plain)) == {("code", "unlisted-import")}


def test_a_bad_entry_never_hides_the_others(tmp_path: Path) -> None:
    good = forge.dumps(forge.payload(), 2)
    data = bytearray(forge.zip_of({"a.pkl": b"\x80\x02garbage", "b.pkl": good}))
    issues = scan_bytes(tmp_path, "bundle.zip", bytes(data))
    assert ("code", "dangerous-import") in summary(issues)
    assert any(i.concern is Concern.UNVERIFIABLE and i.member == "a.pkl" for i in issues)


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("zip-name-mismatch", ("archive", "name-mismatch")),
        ("zip-bad-crc", ("archive", "crc-mismatch")),
        ("zip-flag-bits", ("archive", "header-mismatch")),
        ("zip-no-central-directory", ("unverifiable", "no-central-directory")),
        ("zip-hidden-entry", ("archive", "hidden-entry")),
    ],
)
def test_zip_header_tricks_are_reported_and_the_payload_still_found(
    tmp_path: Path, case: str, expected: tuple[str, str]
) -> None:
    issues = scan_bytes(tmp_path, CORPUS[case].filename, CORPUS[case].build())
    assert expected in summary(issues)
    assert ("code", "dangerous-import") in summary(issues)


def test_traversal_names_symlinks_and_depth_limits(tmp_path: Path) -> None:
    issues = scan_bytes(tmp_path, "a.zip", forge.zip_of({"../x.txt": b"x", "/abs.txt": b"y"}))
    assert [i.code for i in issues] == ["unsafe-name", "unsafe-name"]
    nested = forge.dumps(forge.payload(), 2)
    for level in range(4):
        nested = forge.zip_of({f"level{level}.zip" if level else "m.pkl": nested})
    deep = scan_bytes(tmp_path, "deep.zip", nested, Limits(max_depth=2))
    assert summary(deep) == {("unverifiable", "too-deep")}
    assert ("code", "dangerous-import") in summary(scan_bytes(tmp_path, "deep2.zip", nested))


def test_tar_members_links_and_compression(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        payload = forge.dumps(forge.payload(), 2)
        info = tarfile.TarInfo("model/weights.pkl")
        info.size = len(payload)
        tar.addfile(info, io.BytesIO(payload))
        link = tarfile.TarInfo("model/passwd")
        link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
        tar.addfile(link)
    issues = scan_bytes(tmp_path, "model.tar.gz", buffer.getvalue())
    assert summary(issues) == {("code", "dangerous-import"), ("archive", "link-entry")}
    assert {i.member for i in issues} == {"model.tar!model/weights.pkl", "model.tar"}


def test_decompression_is_bounded(tmp_path: Path) -> None:
    bomb = gzip.compress(forge.dumps(bytes(8 * 1024 * 1024), 4), mtime=0)
    issues = scan_bytes(tmp_path, "x.pkl.gz", bomb, Limits(inflate_cap=1024 * 1024))
    assert ("unverifiable", "limit") in summary(issues)


def test_polyglot_pickle_and_zip_is_reported(tmp_path: Path) -> None:
    data = forge.dumps({"a": 1}, 2) + forge.zip_of({"m.pkl": forge.dumps(forge.payload(), 2)})
    issues = scan_bytes(tmp_path, "model.pkl", data)
    assert ("format-mismatch", "polyglot") in summary(issues)
    assert ("code", "dangerous-import") in summary(issues)


def test_real_numpy_files(tmp_path: Path) -> None:
    np.save(tmp_path / "a.npy", np.zeros((8, 8), dtype="f4"))
    np.savez_compressed(tmp_path / "b.npz", w=np.ones(5), s=np.array(["x"]))
    np.save(tmp_path / "o.npy", np.array([1, None], dtype=object), allow_pickle=True)
    limits = Limits()
    assert scan_path(tmp_path / "a.npy", "a.npy", tmp_path, limits) == ()
    assert scan_path(tmp_path / "b.npz", "b.npz", tmp_path, limits) == ()
    objects = scan_path(tmp_path / "o.npy", "o.npy", tmp_path, limits)
    assert [(i.code, i.severity) for i in objects] == [("object-array", Severity.MEDIUM)]
    truncated = (tmp_path / "a.npy").read_bytes()[:-10]
    assert summary(scan_bytes(tmp_path, "t.npy", truncated)) == {("unverifiable", "short-array")}


def test_keras_configs(tmp_path: Path) -> None:
    wrapper = {"module": "keras.layers", "class_name": "TorchModuleWrapper", "config": {}}
    download = {"module": "keras.utils", "class_name": "function", "config": "get_file"}
    data = forge.keras_zip(forge.keras_dense_config([wrapper, download]))
    codes = {(i.code, i.severity) for i in scan_bytes(tmp_path, "m.keras", data)}
    assert codes == {
        ("torch-module-wrapper", Severity.CRITICAL),
        ("keras-gadget", Severity.HIGH),
    }


@pytest.mark.parametrize("as_bytes", [True, False])
def test_real_hdf5_keras_files_are_searched_for_their_config(
    tmp_path: Path, as_bytes: bool
) -> None:
    config = {
        "class_name": "Sequential",
        "config": {"layers": [{"class_name": "Lambda", "config": {"name": "f"}}]},
    }
    path = tmp_path / "model.h5"
    with h5py.File(path, "w") as handle:
        handle.create_dataset("weights", data=np.zeros((256, 256), dtype="f4"))
        text = json.dumps(config)
        handle.attrs["model_config"] = text.encode() if as_bytes else text
    issues = scan_path(path, "model.h5", tmp_path, Limits())
    assert [(i.concern, i.code) for i in issues] == [(Concern.KERAS, "lambda-layer")]
    clean = tmp_path / "weights.h5"
    with h5py.File(clean, "w") as handle:
        handle.create_dataset("w", data=np.zeros(10))
    assert scan_path(clean, "weights.h5", tmp_path, Limits()) == ()


def test_safetensors_structure(tmp_path: Path) -> None:
    ok = forge.safetensors({"a": ("BF16", [2, 3], (0, 12)), "b": ("F4", [3], (12, 14))}, 14)
    assert scan_bytes(tmp_path, "ok.safetensors", ok) == []
    cases = {
        "bad-dtype": forge.safetensors({"a": ("F33", [1], (0, 4))}, 4),
        "bad-size": forge.safetensors({"a": ("F32", [2], (0, 4))}, 4),
        "past-end": forge.safetensors({"a": ("F32", [4], (0, 16))}, 8),
        "gap": forge.safetensors({"a": ("F32", [1], (0, 4))}, 12),
    }
    for name, data in cases.items():
        issues = scan_bytes(tmp_path, f"{name}.safetensors", data)
        assert [i.concern for i in issues] == [Concern.UNVERIFIABLE], name
    garbage = scan_bytes(tmp_path, "g.safetensors", b"\xff" * 8 + b"{}")
    assert summary(garbage) == {("format-mismatch", "format-mismatch")}


def test_gguf_header_and_templates(tmp_path: Path) -> None:
    benign = {"tokenizer.chat_template": "{% for m in messages %}{{ m['role'] }}{% endfor %}"}
    assert scan_bytes(tmp_path, "ok.gguf", forge.gguf(benign, tensors=2)) == []
    truncated = forge.gguf(benign, tensors=2)[:-40]
    assert summary(scan_bytes(tmp_path, "t.gguf", truncated)) == {
        ("unverifiable", "gguf-truncated")
    }
    bad = b"GGUF" + (7).to_bytes(4, "little") + bytes(16)
    assert summary(scan_bytes(tmp_path, "v.gguf", bad)) == {("unverifiable", "bad-gguf")}
    evil = {"tokenizer.chat_template": "{{ lipsum.__globals__['os'].popen('id').read() }}"}
    issues = scan_bytes(tmp_path, "e.gguf", forge.gguf(evil))
    assert [(i.code, i.severity) for i in issues] == [("template-code", Severity.CRITICAL)]


def test_onnx_external_data_and_domains(tmp_path: Path) -> None:
    (tmp_path / "w.bin").write_bytes(bytes(4))
    assert scan_bytes(tmp_path, "ok.onnx", forge.onnx("w.bin")) == []
    assert summary(scan_bytes(tmp_path, "m.onnx", forge.onnx("gone.bin"))) == {
        ("onnx", "missing-external-data")
    }
    for location in ("../../etc/passwd", "/etc/passwd", "a/../../b", "C:\\x"):
        found = summary(scan_bytes(tmp_path, "e.onnx", forge.onnx(location)))
        assert found == {("onnx", "external-data-escape")}, location
    (tmp_path / "link.bin").symlink_to("/etc/hostname")
    assert summary(scan_bytes(tmp_path, "l.onnx", forge.onnx("link.bin"))) == {
        ("onnx", "external-data-escape")
    }
    custom = scan_bytes(tmp_path, "c.onnx", forge.onnx(domain="com.example.ops"))
    assert [(i.code, i.severity) for i in custom] == [("custom-domain", Severity.LOW)]
    assert summary(scan_bytes(tmp_path, "x.onnx", forge.onnx()[:-3])) == {
        ("unverifiable", "bad-onnx")
    }


def test_classification_sniffs_content_before_names() -> None:
    ascii_pickle = forge.dumps(forge.payload(), 0)
    for name in ("notes.txt", "requirements.txt", "config.json", "README", "train.py"):
        found = classify(name, ascii_pickle)
        assert found.kind is ArtifactKind.MODEL_ARTIFACT and found.format == "pickle", name
    for text in (b"data.pkl refers to x\n", b"cat\ndog\n", b"(a, b) = 1, 2\n", b"Introduction\n"):
        assert not looks_like_pickle(text), text
    assert (
        classify("release.zip", forge.zip_of({"a.txt": b"x"})).kind is ArtifactKind.MODEL_ARTIFACT
    )
    assert classify("data.csv", b"a,b\n1,2\n").kind is ArtifactKind.DATA_FILE
