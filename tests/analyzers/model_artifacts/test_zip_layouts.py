"""Zips as real writers lay them out, and zips and pickles that are not models.

The layouts come from :mod:`mlsec_policy.policytest.zipforge` (PyTorch's: data descriptors,
aligned members, zip64 end records, and the variants other writers use) and from Python's own
``zipfile`` writing to a pipe. The realism tier (``test_realism.py``) runs the same
reader over files written by PyTorch, NumPy and the rest.
"""

from __future__ import annotations

import io
import pickle
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from mlsec_policy.analyzers.model_artifacts.context import Limits
from mlsec_policy.analyzers.model_artifacts.issues import Issue
from mlsec_policy.analyzers.model_artifacts.scan import scan_path
from mlsec_policy.classify import Classification, classify_file
from mlsec_policy.models import ArtifactKind
from mlsec_policy.policytest import forge
from mlsec_policy.policytest.zipforge import Descriptor, streamed_zip


def _scan(tmp_path: Path, name: str, data: bytes) -> list[Issue]:
    path = tmp_path / name
    path.write_bytes(data)
    return list(scan_path(path, name, tmp_path, Limits()))


def _codes(issues: list[Issue]) -> set[str]:
    return {f"{i.code}:{i.detail}" if i.code == "dangerous-import" else i.code for i in issues}


def _evil_members() -> dict[str, bytes]:
    state = forge.state_dict({"w": (2, 2)})
    state["x"] = forge.payload()
    return {
        "ckpt/data.pkl": forge.dumps(state, 2),
        "ckpt/byteorder": b"little",
        "ckpt/data/0": bytes(16),
        "ckpt/version": b"3\n",
    }


LAYOUTS: list[tuple[Descriptor, int, bool, bytes]] = [
    ("signed", 64, True, b""),  # torch.save
    ("signed", 0, False, b""),
    ("unsigned", 64, True, b""),
    ("zip64", 64, True, b""),
    ("none", 64, True, b""),
    ("signed", 64, True, b"#!/bin/sh\nexit 0\n"),
]


@pytest.mark.parametrize(("descriptor", "align", "zip64_end", "prefix"), LAYOUTS)
def test_every_writer_layout_is_read_whole(
    tmp_path: Path, descriptor: Descriptor, align: int, zip64_end: bool, prefix: bytes
) -> None:
    data = streamed_zip(
        _evil_members(), descriptor=descriptor, align=align, zip64_end=zip64_end, prefix=prefix
    )
    assert zipfile.ZipFile(io.BytesIO(data)).testzip() is None  # a valid zip for Python too
    found = _codes(_scan(tmp_path, "model.pt", data))
    expected = {"dangerous-import:os.system"} | ({"prefixed-archive"} if prefix else set())
    assert found == expected


@pytest.mark.parametrize("descriptor", ["signed", "unsigned", "zip64"])
def test_without_its_central_directory_the_walk_still_reaches_the_payload(
    tmp_path: Path, descriptor: Descriptor
) -> None:
    data = streamed_zip(_evil_members(), descriptor=descriptor)
    cut = data[: data.index(b"PK\x01\x02")]
    found = _codes(_scan(tmp_path, "model.pt", cut))
    assert {"dangerous-import:os.system", "no-central-directory"} <= found


@pytest.mark.parametrize("descriptor", ["signed", "unsigned", "zip64", "none"])
def test_the_local_walk_crosses_descriptors_to_a_hidden_member(
    tmp_path: Path, descriptor: Descriptor
) -> None:
    members = {"m/weights.bin": bytes(40), "m/notes.txt": b"plain", "m/extra.pkl": b""}
    members["m/extra.pkl"] = forge.dumps(forge.payload(), 2)
    data = streamed_zip(members, descriptor=descriptor, hide={"m/extra.pkl"})
    found = _codes(_scan(tmp_path, "bundle.zip", data))
    assert {"hidden-entry", "dangerous-import:os.system"} <= found


def test_end_records_that_disagree_are_reported(tmp_path: Path) -> None:
    data = bytearray(streamed_zip({"a/data.pkl": forge.dumps([1], 2), "a/version": b"3\n"}))
    end = data.rindex(b"PK\x05\x06")
    data[end + 10 : end + 12] = (1).to_bytes(2, "little")  # the classic record counts one member
    assert "end-records-disagree" in _codes(_scan(tmp_path, "m.pt", bytes(data)))


class _Pipe(io.RawIOBase):
    """A write-only stream without seek: ``zipfile`` then writes data descriptors."""

    def __init__(self) -> None:
        self.data = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, chunk: object) -> int:
        view = memoryview(chunk)  # type: ignore[arg-type]
        self.data += view
        return len(view)


@pytest.mark.parametrize("force_zip64", [False, True])
def test_python_zipfile_streaming_to_a_pipe(tmp_path: Path, force_zip64: bool) -> None:
    pipe = _Pipe()
    with zipfile.ZipFile(pipe, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, body in _evil_members().items():
            with archive.open(name, "w", force_zip64=force_zip64) as member:
                member.write(body)
    data = bytes(pipe.data)
    assert _codes(_scan(tmp_path, "model.pt", data)) == {"dangerous-import:os.system"}


# -- classification: zips and pickles that are not models ----------------------------------


def _classify(tmp_path: Path, name: str, data: bytes) -> Classification:
    path = tmp_path / name
    path.write_bytes(data)
    return classify_file(path, name, data[:8192], len(data))


JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(200)
MP3 = b"ID3\x04\x00\x00\x00\x00\x00\x00" + bytes(200)
CSV = b"word,count\nthe,23135851162\nof,13151942776\n"


@pytest.mark.parametrize(
    ("name", "members", "kind", "fmt"),
    [
        ("tests/driverslicense.jpeg.zip", {"driverslicense.jpeg": JPEG}, ArtifactKind.OTHER, "zip"),
        ("tests/porsche.mp3.zip", {"porsche.mp3": MP3}, ArtifactKind.OTHER, "zip"),
        ("data/stats.csv.zip", {"stats.csv": CSV}, ArtifactKind.DATA_FILE, "zip"),
        ("data/words.zip", {"w/count_1w.txt": b"the\t1\n"}, ArtifactKind.DATA_FILE, "zip"),
        ("docs/report.docx", {"[Content_Types].xml": b"<x/>", "_rels/.rels": b"<x/>"},
         ArtifactKind.OTHER, None),
        ("photos.zip", {"cat.jpg": forge.dumps(forge.payload(), 4)},
         ArtifactKind.MODEL_ARTIFACT, "archive"),
        ("release.zip", {"README.md": b"# x", "model.onnx": bytes(8)},
         ArtifactKind.MODEL_ARTIFACT, "archive"),
        ("blobs.zip", {"weights": bytes(64)}, ArtifactKind.MODEL_ARTIFACT, "archive"),
        ("nested.zip", {"inner.zip": forge.zip_of({"a.csv": CSV})},
         ArtifactKind.MODEL_ARTIFACT, "archive"),
        ("slip.zip", {"../../etc/cron.d/x": CSV}, ArtifactKind.MODEL_ARTIFACT, "archive"),
        ("model.bin", _evil_members(), ArtifactKind.MODEL_ARTIFACT, "pytorch-zip"),
        ("arrays.zip", {"a.npy": forge.npy("<f4", (2,), bytes(8))},
         ArtifactKind.MODEL_ARTIFACT, "npz"),
    ],
)  # fmt: skip
def test_zips_are_classified_by_what_they_hold(
    tmp_path: Path, name: str, members: dict[str, bytes], kind: ArtifactKind, fmt: str | None
) -> None:
    (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
    found = _classify(tmp_path, name, forge.zip_of(members, compress=True))
    assert (found.kind, found.format) == (kind, fmt)


def _truncated(data: bytes) -> bytes:
    return data[: data.index(b"PK\x01\x02")]


def _future_version(data: bytes) -> bytes:
    central = data.index(b"PK\x01\x02")
    return data[: central + 6] + bytes([0xFF, 0]) + data[central + 8 :]  # "needs zip 25.5"


@pytest.mark.parametrize("damage", [_truncated, _future_version])
def test_a_zip_that_cannot_be_read_keeps_the_kind_its_name_gives(
    tmp_path: Path, damage: Callable[[bytes], bytes]
) -> None:
    found = _classify(tmp_path, "photos.zip", damage(forge.zip_of({"photo.jpg": JPEG})))
    assert (found.kind, found.format) == (ArtifactKind.MODEL_ARTIFACT, "archive")


def _index(size: int) -> object:
    base = "pandas.core.indexes.base"
    names = [f"column_{i}" for i in range(size)]
    return forge.Name(base, "_new_Index")(forge.Name(base, "Index"), {"data": names, "name": None})


@pytest.mark.parametrize(
    ("name", "data", "fmt"),
    [
        ("columns.pkl", forge.dumps(_index(20), 4), "data-pickle"),
        ("columns.pkl", forge.dumps(_index(20_000), 4), "data-pickle"),  # read whole past 8 KB
        ("labels.pkl", pickle.dumps({"cat": 0, "dog": 1}, protocol=2), "data-pickle"),
        ("model.pkl", pickle.dumps({"w": [0.1, 0.2]}, protocol=4), "pickle"),  # named a model
        ("clf.pkl", forge.dumps(forge.Name("sklearn.svm._classes", "SVC")(), 4), "pickle"),
        ("args.pkl", forge.dumps(forge.Name("argparse", "Namespace")(), 2), "pickle"),
        ("labels.pkl", pickle.dumps([1], protocol=2) + pickle.dumps([2], protocol=2), "pickle"),
        ("evil.pkl", forge.dumps(forge.payload(), 2), "pickle"),
        ("columns.pkl", forge.dumps(_index(200_000), 4), "pickle"),  # too big to read whole
    ],
)
def test_a_pickle_of_plain_data_is_not_a_model(
    tmp_path: Path, name: str, data: bytes, fmt: str
) -> None:
    found = _classify(tmp_path, name, data)
    assert (found.kind, found.format) == (ArtifactKind.MODEL_ARTIFACT, fmt)


@pytest.mark.parametrize(
    ("name", "descr", "kind"),
    [
        ("spkemb/speaker_a0002.npy", "<f4", ArtifactKind.DATA_FILE),
        ("features/test_x.npy", "<i8", ArtifactKind.DATA_FILE),
        ("model/weights.npy", "<f4", ArtifactKind.MODEL_ARTIFACT),  # named as a model
        ("cache/items.npy", "|O", ArtifactKind.MODEL_ARTIFACT),  # objects: a pickle inside
    ],
)
def test_a_numpy_array_of_numbers_is_data(
    tmp_path: Path, name: str, descr: str, kind: ArtifactKind
) -> None:
    (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
    found = _classify(tmp_path, name, forge.npy(descr, (2,), bytes(16)))
    assert (found.kind, found.format) == (kind, "npy")
