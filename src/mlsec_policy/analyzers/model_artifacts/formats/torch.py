"""PyTorch checkpoints: zip archives, TorchScript archives and the legacy pickle format.

In a zip checkpoint every ``.pkl`` member is unpickled by ``torch.load``, so every one is
scanned; the tensors a pickle ``<name>.pkl`` points at live in ``<name>/<key>`` members
(``data/0`` for ``data.pkl``, ``constants/0``, ``traced_inputs/0``) and are never read — only
their sizes are compared with what the pickle says they hold (a missing or short storage is an
incomplete artifact). TorchScript archives also carry code, audited in :mod:`.torchscript`.
A legacy file is five pickles back to back (magic number, protocol, system info, the object,
the storage keys) followed by raw storages, which are crossed by seeking.
"""

from __future__ import annotations

import re
import struct

from mlsec_policy.analyzers.model_artifacts.context import Context
from mlsec_policy.analyzers.model_artifacts.detect import TORCH_MAGIC
from mlsec_policy.analyzers.model_artifacts.formats.torchscript import audit_code
from mlsec_policy.analyzers.model_artifacts.issues import Concern, Issue, join_member, where
from mlsec_policy.analyzers.model_artifacts.members import (
    check_crc,
    scan_member,
    too_deep,
    unverifiable,
)
from mlsec_policy.analyzers.model_artifacts.pickle.scan import NestedScan, PickleScanner
from mlsec_policy.analyzers.model_artifacts.pickle.vm import Ref, Seq
from mlsec_policy.analyzers.model_artifacts.source import (
    FileSlice,
    LimitExceeded,
    Reader,
    Source,
    Truncated,
)
from mlsec_policy.analyzers.model_artifacts.zipread import Entry, Listing, member_source
from mlsec_policy.models import Severity

ELEMENT_SIZES = {
    "Double": 8,
    "Float": 4,
    "Half": 2,
    "BFloat16": 2,
    "Long": 8,
    "Int": 4,
    "Short": 2,
    "Char": 1,
    "Byte": 1,
    "Bool": 1,
    "ComplexDouble": 16,
    "ComplexFloat": 8,
    "QInt8": 1,
    "QUInt8": 1,
    "QInt32": 4,
    "QUInt4x2": 1,
    "QUInt2x4": 1,
    "Untyped": 1,
}
"""Bytes per element of each storage class (``FloatStorage`` → 4)."""
_STORAGE = re.compile(r"(\w+?)Storage")
LOADED_PICKLES = frozenset({"data.pkl", "constants.pkl"})
"""The pickles whose tensors loading the model materialises (their storages must be whole)."""
TORCH_FILES = frozenset({"version", "byteorder", ".format_version", ".storage_alignment"})


class _StorageRefs(PickleScanner):
    """A pickle scanner that also remembers the storages the pickle points at."""

    def __init__(self, source: Source, member: str, context: Context) -> None:
        super().__init__(source, member, _nested_checkpoint(context))
        self.storages: dict[str, tuple[str, int]] = {}
        """Storage key → (storage class name, element count)."""

    def on_persid(self, pid: object) -> None:
        """Record ``('storage', <class>, key, location, numel, ...)`` ids."""
        if not isinstance(pid, Seq) or len(pid.items) < 5 or pid.items[0] != "storage":
            return
        kind, key, numel = pid.items[1], pid.items[2], pid.items[4]
        if isinstance(key, str) and isinstance(numel, int):
            name = kind.name if isinstance(kind, Ref) else "UntypedStorage"
            self.storages[key] = (name, numel)


def _nested_checkpoint(context: Context) -> NestedScan:
    def scan(source: Source, member: str) -> list[Issue]:
        return context.nested(source, "nested.pt", join_member(member, "<bytes>"), 1)

    return scan


def element_size(storage_class: str) -> int | None:
    """Return the bytes per element of a storage class, None when unknown."""
    match = _STORAGE.fullmatch(storage_class)
    return ELEMENT_SIZES.get(match.group(1)) if match else None


def scan_torch_zip(
    archive: FileSlice,
    listing: Listing,
    member: str,
    depth: int,
    context: Context,
    script: bool = False,
) -> list[Issue]:
    """Scan every pickle of a PyTorch or TorchScript zip and check its storages are complete.

    ``script`` says the archive is TorchScript: its ``code/`` files are audited
    (:mod:`.torchscript`) and its pickles may name the classes that code defines.
    """
    issues: list[Issue] = []
    entries = {e.name: e for e in listing.entries if not e.is_dir}
    pickles = sorted(name for name in entries if name.endswith((".pkl", ".debug_pkl")))
    code = sorted(name for name in entries if _in_code(name)) if script else []
    if not any(name.rsplit("/", 1)[-1] == "data.pkl" for name in pickles):
        issues.append(
            Issue(
                Concern.UNVERIFIABLE,
                Severity.HIGH,
                "missing-data-pkl",
                f"{where(member)}is laid out as a PyTorch archive but has no data.pkl",
                member,
                "data.pkl",
            )
        )
    for name in pickles:
        issues.extend(_scan_pickle_member(archive, entries, entries[name], member, context, script))
    if code:
        issues.extend(audit_code(archive, [entries[n] for n in code], member, context))
    storages = _storage_folders(pickles)
    for name, entry in sorted(entries.items()):
        if name in pickles or name in code or _is_torch_bookkeeping(name, storages):
            continue
        nested = join_member(member, name)
        if too_deep(nested, depth + 1, context) is not None:
            continue
        body = member_source(archive, entry, context.limits.inflate_cap, context.budget)
        if body is not None:
            issues.extend(scan_member(body, name, nested, depth + 1, context, None))
    return issues


def _in_code(name: str) -> bool:
    """Return True for a TorchScript source file (``<folder>/code/...py``)."""
    return name.endswith(".py") and (name.startswith("code/") or "/code/" in name)


def _storage_folders(pickles: list[str]) -> frozenset[str]:
    """Return the folders whose numbered members are storages: ``data/`` for ``data.pkl``."""
    return frozenset(name[: -len(".pkl")] + "/" for name in pickles if name.endswith(".pkl"))


def _is_torch_bookkeeping(name: str, storages: frozenset[str]) -> bool:
    folder, _, base = name.rpartition("/")
    if base in TORCH_FILES or "/.data/" in f"/{name}":
        return True
    return base.isdigit() and f"{folder}/" in storages


def _scan_pickle_member(
    archive: FileSlice,
    entries: dict[str, Entry],
    entry: Entry,
    member: str,
    context: Context,
    script: bool,
) -> list[Issue]:
    nested = join_member(member, entry.name)
    body = member_source(archive, entry, context.limits.inflate_cap, context.budget)
    if body is None:
        return []
    scanner = _StorageRefs(body, nested, context)
    scanner.script_classes = script
    try:
        with body.open() as reader:
            scanner.run(reader)
        issues = scanner.issues()
        if entry.sized and entry.size <= 64 * 1024 * 1024:
            issues.extend(check_crc(body, nested, entry.crc))
    except LimitExceeded as exc:
        return [*scanner.issues(), unverifiable(nested, "limit", f"the pickle {exc}")]
    if entry.name.rsplit("/", 1)[-1] not in LOADED_PICKLES:
        return issues  # extras (traced_inputs.pkl): torch 2.13 writes their storages empty
    storage_dir = entry.name.rsplit(".", 1)[0] + "/"
    for key, (kind, numel) in sorted(scanner.storages.items()):
        issues.extend(_check_storage(entries, f"{storage_dir}{key}", kind, numel, member))
    return issues


def _check_storage(
    entries: dict[str, Entry], name: str, kind: str, numel: int, member: str
) -> list[Issue]:
    stored = entries.get(name)
    nested = join_member(member, name)
    if stored is None:
        return [
            Issue(
                Concern.UNVERIFIABLE,
                Severity.HIGH,
                "missing-storage",
                f"{where(nested)}the tensor storage that data.pkl refers to is missing: the "
                "checkpoint is incomplete",
                member,
                name,
            )
        ]
    size = element_size(kind)
    if size is not None and stored.size < numel * size:
        return [
            Issue(
                Concern.UNVERIFIABLE,
                Severity.HIGH,
                "short-storage",
                f"{where(nested)}holds {stored.size} bytes, but data.pkl describes {numel} "
                f"{kind} elements ({numel * size} bytes): the checkpoint is incomplete",
                member,
                name,
            )
        ]
    return []


def scan_legacy(source: Source, member: str, context: Context) -> list[Issue]:
    """Scan a legacy (pre-zip) PyTorch file: its five pickles, then its storage layout."""
    scanner = _StorageRefs(source, member, context)
    issues: list[Issue] = []
    with source.open() as reader:
        if not scanner.run(reader, count=1, label="magic-number pickle"):
            return scanner.issues()
        magic = scanner.report.outcomes[-1].value
        if magic != TORCH_MAGIC:
            issues.append(unverifiable(member, "bad-magic", "has a wrong PyTorch magic number"))
        if not scanner.run(reader, count=4, label="checkpoint pickle"):
            return scanner.issues() + issues
        keys = scanner.report.outcomes[-1].value
        issues.extend(_cross_storages(reader, keys, scanner.storages, member))
    return scanner.issues() + issues


def _cross_storages(
    reader: Reader, keys: object, storages: dict[str, tuple[str, int]], member: str
) -> list[Issue]:
    if not isinstance(keys, Seq) or keys.more or not all(isinstance(k, str) for k in keys.items):
        return [unverifiable(member, "storage-keys", "has an unreadable list of storage keys")]
    for key in keys.items:
        kind = storages.get(str(key), ("UntypedStorage", 0))[0]
        size = element_size(kind) or 1
        try:
            count = struct.unpack("<q", reader.read(8))[0]
            reader.skip(max(count, 0) * size)
        except Truncated:
            return [
                unverifiable(
                    member,
                    "short-storage",
                    f"ends inside tensor storage {key!r}: the checkpoint is incomplete",
                )
            ]
    return []
