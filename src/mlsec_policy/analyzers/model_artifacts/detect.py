"""Name a model file's format from its bytes, and say whether its name promised something else.

Detection reads magic numbers and structure, never the extension: a pickle renamed ``.txt`` or
``.safetensors`` is still a pickle (CVE-2025-1889, CVE-2025-10155). Zip archives are refined from
their member names by the archive scanner (PyTorch, TorchScript, Keras, NumPy ``.npz``).
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import PurePosixPath

from mlsec_policy.classify import looks_like_pickle, looks_like_safetensors

TORCH_MAGIC = 0x1950A86A20F9469CFC6C
"""The number legacy (pre-zip) PyTorch files pickle first."""
LEGACY_TORCH_HEAD = b"\x80\x02\x8a\x0a" + TORCH_MAGIC.to_bytes(10, "little")


class Format(StrEnum):
    """What a file (or an archive member) is."""

    PICKLE = "pickle"
    TORCH_LEGACY = "pytorch-legacy"
    TORCH_ZIP = "pytorch-zip"
    TORCHSCRIPT = "torchscript"
    NUMPY = "npy"
    NPZ = "npz"
    KERAS = "keras"
    ZIP = "zip"
    TAR = "tar"
    GZIP = "gzip"
    BZ2 = "bz2"
    XZ = "xz"
    ZLIB = "zlib"
    LZMA = "lzma"
    LZ4 = "lz4"
    SEVEN_ZIP = "7z"
    HDF5 = "hdf5"
    ONNX = "onnx"
    SAFETENSORS = "safetensors"
    GGUF = "gguf"
    GGML = "ggml"
    TFLITE = "tflite"
    LFS_POINTER = "lfs-pointer"
    MEDIA = "media"
    """Images, audio, video and PDF: known formats that no model loader runs."""
    TEXT = "text"
    UNKNOWN = "unknown"


PICKLE_CAPABLE = frozenset(
    {Format.PICKLE, Format.TORCH_LEGACY, Format.TORCH_ZIP, Format.TORCHSCRIPT, Format.NPZ}
)
"""Formats whose loaders unpickle (so a wrong name hides code execution)."""
ARCHIVES = frozenset({Format.ZIP, Format.TAR, Format.SEVEN_ZIP})
COMPRESSED = frozenset({Format.GZIP, Format.BZ2, Format.XZ, Format.ZLIB, Format.LZMA, Format.LZ4})
ANY_TORCH = frozenset({Format.TORCH_ZIP, Format.TORCH_LEGACY, Format.TORCHSCRIPT, Format.PICKLE})

EXPECTED: dict[str, frozenset[Format]] = {
    **dict.fromkeys((".pt", ".pth", ".ckpt", ".pdparams"), ANY_TORCH),
    **dict.fromkeys((".pkl", ".pickle", ".dill", ".sav", ".pck"), frozenset({Format.PICKLE})),
    ".joblib": frozenset({Format.PICKLE} | COMPRESSED),
    ".torchscript": frozenset({Format.TORCHSCRIPT, Format.TORCH_ZIP}),
    ".npy": frozenset({Format.NUMPY}),
    ".npz": frozenset({Format.NPZ, Format.ZIP}),
    ".h5": frozenset({Format.HDF5}),
    ".hdf5": frozenset({Format.HDF5}),
    ".keras": frozenset({Format.KERAS, Format.HDF5}),
    ".onnx": frozenset({Format.ONNX}),
    ".safetensors": frozenset({Format.SAFETENSORS}),
    ".gguf": frozenset({Format.GGUF}),
    ".ggml": frozenset({Format.GGML, Format.GGUF}),
    ".tflite": frozenset({Format.TFLITE}),
    ".zip": frozenset(ARCHIVES | {Format.NPZ, Format.KERAS, Format.TORCH_ZIP, Format.TORCHSCRIPT}),
    ".mar": frozenset({Format.ZIP}),
    ".skops": frozenset({Format.ZIP}),
    ".nemo": frozenset({Format.TAR, Format.GZIP}),
    ".tar": frozenset({Format.TAR}),
    ".tgz": frozenset({Format.GZIP}),
    ".gz": COMPRESSED,
    ".bz2": COMPRESSED,
    ".xz": COMPRESSED,
    ".7z": frozenset({Format.SEVEN_ZIP}),
}
"""What each extension promises; extensions not listed promise nothing."""

NO_PROMISE = frozenset({Format.LFS_POINTER})
"""Contents that never count as a mismatch (Git LFS pointers are the integrity scanner's)."""


def sniff(head: bytes) -> Format:
    """Return the format the first bytes show (zip archives are refined later)."""
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return Format.ZIP
    if head.startswith(LEGACY_TORCH_HEAD):
        return Format.TORCH_LEGACY
    simple = _by_magic(head)
    if simple is not None:
        return simple
    if looks_like_pickle(head):
        return Format.PICKLE
    if looks_like_safetensors(head):
        return Format.SAFETENSORS
    if _looks_like_onnx(head):
        return Format.ONNX
    if head.startswith(b"version https://git-lfs.github.com/spec/"):
        return Format.LFS_POINTER
    if _looks_like_text(head):
        return Format.TEXT
    return Format.UNKNOWN


_MAGICS: tuple[tuple[int, bytes, Format], ...] = (
    (0, b"\x93NUMPY", Format.NUMPY),
    (0, b"\x89HDF\r\n\x1a\n", Format.HDF5),
    (0, b"GGUF", Format.GGUF),
    (0, b"lmgg", Format.GGML),
    (0, b"tjgg", Format.GGML),
    (0, b"fmgg", Format.GGML),
    (4, b"TFL3", Format.TFLITE),
    (257, b"ustar", Format.TAR),
    (0, b"\x1f\x8b", Format.GZIP),
    (0, b"BZh", Format.BZ2),
    (0, b"\xfd7zXZ\x00", Format.XZ),
    (0, b"7z\xbc\xaf\x27\x1c", Format.SEVEN_ZIP),
    (0, b"\x5d\x00\x00", Format.LZMA),
    (0, b"\x04\x22\x4d\x18", Format.LZ4),
    (0, b"\xff\xd8\xff", Format.MEDIA),  # JPEG
    (0, b"\x89PNG\r\n\x1a\n", Format.MEDIA),
    (0, b"GIF87a", Format.MEDIA),
    (0, b"GIF89a", Format.MEDIA),
    (0, b"%PDF-", Format.MEDIA),
    (0, b"ID3", Format.MEDIA),  # MP3 with a tag
    (0, b"\xff\xfb", Format.MEDIA),  # MP3 frames
    (0, b"\xff\xf3", Format.MEDIA),
    (0, b"\xff\xf2", Format.MEDIA),
    (0, b"OggS", Format.MEDIA),
    (0, b"fLaC", Format.MEDIA),
    (0, b"II*\x00", Format.MEDIA),  # TIFF
    (0, b"MM\x00*", Format.MEDIA),
    (0, b"\x1a\x45\xdf\xa3", Format.MEDIA),  # Matroska, WebM
    (4, b"ftyp", Format.MEDIA),  # MP4, MOV, M4A, HEIC
)


def _by_magic(head: bytes) -> Format | None:
    for offset, magic, fmt in _MAGICS:
        if head[offset : offset + len(magic)] == magic:
            return fmt
    if head.startswith(b"RIFF") and head[8:12] in (b"WAVE", b"AVI ", b"WEBP"):
        return Format.MEDIA
    if len(head) >= 2 and head[0] == 0x78 and head[1] in (0x01, 0x5E, 0x9C, 0xDA):
        return Format.ZLIB
    return None


def _looks_like_onnx(head: bytes) -> bool:
    """ONNX ModelProto: field 1 (ir_version, varint 1..20) then another known field."""
    return (
        len(head) >= 3
        and head[0] == 0x08
        and 1 <= head[1] <= 20
        and head[2] in (0x12, 0x1A, 0x22, 0x28, 0x32, 0x3A, 0x42, 0x72)
    )


def _looks_like_text(head: bytes) -> bool:
    sample = head[:4096]
    if not sample or b"\x00" in sample:
        return False
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        return exc.start > len(sample) - 4
    return True


def mismatch(name: str, fmt: Format) -> frozenset[Format] | None:
    """Return what ``name``'s extension promised when ``fmt`` breaks the promise, else None."""
    if fmt in NO_PROMISE:
        return None
    pure = PurePosixPath(name.lower())
    suffixes = pure.suffixes
    expected = EXPECTED.get(pure.suffix)
    if pure.suffix in {".gz", ".bz2", ".xz"} and len(suffixes) > 1 and suffixes[-2] == ".tar":
        expected = COMPRESSED
    if expected is None:
        return None if fmt not in PICKLE_CAPABLE or not _promises_data(pure.suffix) else frozenset()
    return None if fmt in expected else expected


def _promises_data(suffix: str) -> bool:
    """Return True for extensions that promise non-executable content (text, data, images)."""
    return suffix in {
        ".txt", ".md", ".json", ".yaml", ".yml", ".csv", ".tsv", ".xml", ".html", ".png",
        ".jpg", ".jpeg", ".gif", ".cfg", ".ini", ".toml", ".parquet", ".arrow", ".msgpack",
        ".pb", ".tflite", ".mlmodel", ".py", ".sh", ".ipynb",
    }  # fmt: skip
