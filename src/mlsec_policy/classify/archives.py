"""Zip files by what they hold: a model layout, an archive of models, a zipped dataset, media.

A zip is a container, so its outer name says little: ``release.zip`` may hold a checkpoint,
``driverslicense.jpeg.zip`` a photo, ``stats.csv.zip`` a table, and ``model.pt`` is itself a
zip. Classification therefore reads the zip's central directory (member names only) and the
first bytes of its first members — never a whole member — and decides:

* a **model layout** from the member names: PyTorch (``<folder>/data.pkl`` or its bookkeeping
  members ``.format_version``/``version`` with ``byteorder`` or ``data/<n>``), TorchScript
  (``constants.pkl``), Keras 3 (``config.json`` with ``model.weights.h5`` or
  ``metadata.json``), NumPy ``.npz`` (only ``.npy`` members);
* an **archive of models** when any member is model-like: a model or archive extension, first
  bytes that look like a model, a pickle or another archive (read for the first members), or a
  name that is not a known kind of media, document or data (``weights``, ``blob.bin``);
* otherwise a **zipped dataset** (some member is tabular or text data) or **other** (media and
  documents only): neither is a model artifact, so model controls do not count it — unless a
  member is a link, encrypted, or named to unpack outside the target folder: such a zip stays
  an archive for the model scanner, which reports why it is unsafe.

When the zip cannot be read here (damaged, encrypted, an unknown compression), nothing is
decided and the file keeps the kind its name gives — an archive name stays a model artifact,
whose scanner then reports what is wrong with it.
"""

from __future__ import annotations

import re
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

MEMBERS_PEEKED = 32
"""Members whose first bytes are read."""
MEMBER_PEEK = 512
"""Bytes read from the start of each of those members."""
MAX_NAMES = 100_000

MEDIA = frozenset(
    {
        ".jpg",
        ".jpeg",
        ".png",
        ".gif",
        ".bmp",
        ".tif",
        ".tiff",
        ".webp",
        ".svg",
        ".ico",
        ".heic",
        ".avif",
        ".psd",
        ".mp3",
        ".wav",
        ".flac",
        ".ogg",
        ".oga",
        ".opus",
        ".m4a",
        ".aac",
        ".wma",
        ".mid",
        ".midi",
        ".mp4",
        ".m4v",
        ".mov",
        ".avi",
        ".mkv",
        ".webm",
        ".wmv",
        ".flv",
        ".mpg",
        ".mpeg",
        ".pdf",
        ".doc",
        ".docx",
        ".xls",
        ".xlsx",
        ".ppt",
        ".pptx",
        ".odt",
        ".ods",
        ".odp",
        ".rtf",
        ".epub",
        ".ttf",
        ".otf",
        ".woff",
        ".woff2",
        ".eot",
        ".css",
        ".html",
        ".htm",
        ".rels",
        ".xsd",
        ".xsl",
        ".md",
        ".rst",
    }
)
"""Extensions of media and documents: never a model."""
TEXT_DATA = frozenset({".txt", ".json", ".xml", ".yaml", ".yml", ".vocab"})
"""Text formats that, zipped, are data (the tabular formats are the package's data files)."""
_TORCH_STORAGE = re.compile(r"([^/]+/)?data/\d+")


_UNREADABLE = (
    zipfile.BadZipFile,
    OSError,
    EOFError,
    ValueError,
    NotImplementedError,
    RuntimeError,
    struct.error,
    IndexError,
    KeyError,
    OverflowError,
)
"""What ``zipfile`` raises on a damaged or hostile archive (discovery must never crash)."""


@dataclass(frozen=True, slots=True)
class ZipMembers:
    """What classification knows of a zip: its file names and its first members' first bytes."""

    names: tuple[str, ...]
    heads: tuple[tuple[str, bytes | None], ...]
    """(name, first bytes) for the first members; None when a member could not be read."""
    unsafe: bool = False
    """Some member is a link, encrypted, or named to unpack outside the target folder."""


def read_members(path: Path) -> ZipMembers | None:
    """Return the zip's member names and first bytes, or None when it cannot be read here."""
    try:
        with zipfile.ZipFile(path) as archive:
            infos = [info for info in archive.infolist() if not info.is_dir()][:MAX_NAMES]
            heads = tuple((info.filename, _peek(archive, info)) for info in infos[:MEMBERS_PEEKED])
    except _UNREADABLE:
        return None
    unsafe = any(_unsafe(info) for info in infos)
    return ZipMembers(tuple(info.filename for info in infos), heads, unsafe)


def _unsafe(info: zipfile.ZipInfo) -> bool:
    name = info.filename
    link = (info.external_attr >> 16) & 0o170000 == 0o120000
    climbs = ".." in PurePosixPath(name.replace("\\", "/")).parts
    return (
        link
        or bool(info.flag_bits & 1)
        or climbs
        or name.startswith(("/", "\\"))
        or (len(name) > 1 and name[1] == ":")
    )


def _peek(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes | None:
    if info.flag_bits & 1:
        return None  # encrypted
    try:
        with archive.open(info) as member:
            return member.read(MEMBER_PEEK)
    except (*_UNREADABLE, zlib.error):
        return None


def model_layout(names: Iterable[str]) -> str | None:
    """Return the model format a zip's member names show, or None."""
    files = [n for n in names if not n.endswith("/")]
    bases = {n.rsplit("/", 1)[-1] for n in files}
    if "constants.pkl" in bases:
        return "torchscript"  # torch.load's own test, before handing over to torch.jit.load
    versioned = bool({".format_version", "version"} & bases)
    storages = any(_TORCH_STORAGE.fullmatch(n) for n in files)
    if "data.pkl" in bases or (versioned and (storages or "byteorder" in bases)):
        return "pytorch-zip"
    if "config.json" in files and ({"metadata.json", "model.weights.h5"} & set(files)):
        return "keras"
    if files and all(n.endswith(".npy") for n in files):
        return "npz"
    return None


def contents(
    members: ZipMembers,
    model_like: Callable[[str, bytes | None], bool],
    data: frozenset[str],
) -> str | None:
    """Return what a zip that is no model layout holds: ``models``, ``data``, ``media``.

    ``model_like(name, head)`` says whether one member is (or may be) a model; it gets None for
    the head of a member whose bytes were not read. ``data`` are the extensions of data files.
    Returns None for an empty zip.
    """
    if not members.names:
        return None
    if members.unsafe:
        return "models"  # the archive scanner reports what makes it unsafe to unpack
    heads = dict(members.heads)
    for name in members.names:
        if model_like(name, heads.get(name)):
            return "models"
    zipped = any(PurePosixPath(n.lower()).suffix in data for n in members.names)
    return "data" if zipped else "media"
