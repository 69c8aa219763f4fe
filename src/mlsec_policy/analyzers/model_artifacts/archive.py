"""Archives: zip and tar containers, entered with depth and size limits.

Every member is scanned by content (a pickle named ``notes.txt`` inside a zip is still a pickle).
Container anomalies — traversal names, symlinks, lying headers, bombs — are issues of their own.
Zip members that are PyTorch, TorchScript or Keras archives go to their own scanners.
"""

from __future__ import annotations

import tarfile
from contextlib import ExitStack
from pathlib import PurePosixPath

from mlsec_policy.analyzers.model_artifacts.context import Context
from mlsec_policy.analyzers.model_artifacts.detect import Format
from mlsec_policy.analyzers.model_artifacts.formats.keras import scan_keras_zip
from mlsec_policy.analyzers.model_artifacts.formats.torch import scan_torch_zip
from mlsec_policy.analyzers.model_artifacts.issues import Concern, Issue, join_member, where
from mlsec_policy.analyzers.model_artifacts.members import (
    random_access,
    scan_member,
    too_deep,
    unverifiable,
)
from mlsec_policy.analyzers.model_artifacts.source import FileSlice, LimitExceeded, Source, spooled
from mlsec_policy.analyzers.model_artifacts.zipcheck import list_zip, unsafe_name
from mlsec_policy.analyzers.model_artifacts.zipread import MAX_ENTRIES, Listing, member_source
from mlsec_policy.classify.archives import model_layout
from mlsec_policy.models import Severity

LAYOUTS = {
    "torchscript": Format.TORCHSCRIPT,
    "pytorch-zip": Format.TORCH_ZIP,
    "keras": Format.KERAS,
    "npz": Format.NPZ,
}


def zip_format(listing: Listing) -> Format:
    """Refine a zip into the format its member names show (the rule classification uses).

    PyTorch writes ``<folder>/data.pkl`` with ``.format_version``, ``byteorder``, ``version``
    and one ``data/<key>`` member per storage; TorchScript adds ``constants.pkl`` and the
    compiled ``code/`` tree. A zip with PyTorch's bookkeeping members but no ``data.pkl`` is
    still laid out as a checkpoint (and reported incomplete by the PyTorch scanner).
    """
    return LAYOUTS.get(model_layout(e.name for e in listing.entries) or "", Format.ZIP)


def scan_zip(
    source: Source, member: str, depth: int, context: Context, expect: Format | None = None
) -> tuple[Format, list[Issue]]:
    """Scan a zip archive; return its refined format and the issues."""
    issues: list[Issue] = []
    with ExitStack() as stack:
        try:
            archive = random_access(source, stack, context)
        except LimitExceeded as exc:
            return Format.ZIP, [unverifiable(member, "limit", f"nested archive {exc}")]
        listing = list_zip(archive)
        fmt = zip_format(listing)
        issues.extend(_anomalies(listing, member))
        if fmt in (Format.TORCH_ZIP, Format.TORCHSCRIPT):
            script = fmt is Format.TORCHSCRIPT
            issues.extend(scan_torch_zip(archive, listing, member, depth, context, script))
            return fmt, issues
        if fmt is Format.KERAS:
            issues.extend(scan_keras_zip(archive, listing, member, context))
        for entry in listing.entries:
            if entry.is_dir or (fmt is Format.KERAS and entry.name == "config.json"):
                continue
            nested = join_member(member, entry.name)
            deep = too_deep(nested, depth + 1, context)
            if deep is not None:
                issues.append(deep)
                break
            body = member_source(archive, entry, context.limits.inflate_cap, context.budget)
            if body is None:
                continue
            crc = entry.crc if entry.sized else None
            issues.extend(scan_member(body, entry.name, nested, depth + 1, context, crc))
    return fmt, issues


def _anomalies(listing: Listing, member: str) -> list[Issue]:
    issues = []
    for anomaly in listing.anomalies:
        concern = Concern.UNVERIFIABLE if anomaly.unverifiable else Concern.ARCHIVE
        issues.append(
            Issue(
                concern,
                anomaly.severity,
                anomaly.code,
                f"{where(member)}{anomaly.message}",
                member,
                anomaly.detail,
            )
        )
    return issues


def scan_tar(source: Source, member: str, depth: int, context: Context) -> list[Issue]:
    """Scan a tar archive: member names, links, and every regular member by content."""
    issues: list[Issue] = []
    with ExitStack() as stack:
        try:
            archive = random_access(source, stack, context)
            if archive.offset:
                archive = stack.enter_context(spooled(archive, context.limits.spool_cap))
        except LimitExceeded as exc:
            return [unverifiable(member, "limit", f"nested archive {exc}")]
        try:
            with tarfile.open(archive.path, "r:") as tar:
                count = 0
                while (info := tar.next()) is not None:
                    count += 1
                    if count > MAX_ENTRIES:
                        issues.append(
                            unverifiable(member, "too-many-entries", "has too many members")
                        )
                        break
                    issues.extend(_tar_member(archive, info, member, depth, context))
        except (tarfile.TarError, OSError, EOFError, ValueError) as exc:
            issues.append(unverifiable(member, "corrupt", f"the tar archive is corrupt: {exc}"))
    return issues


def _tar_member(
    archive: FileSlice, info: tarfile.TarInfo, member: str, depth: int, context: Context
) -> list[Issue]:
    nested = join_member(member, info.name)
    issues: list[Issue] = []
    unsafe = unsafe_name(info.name)
    if unsafe:
        issues.append(
            Issue(
                Concern.ARCHIVE,
                Severity.HIGH,
                "unsafe-name",
                f"{nested}: {unsafe}",
                member,
                info.name,
            )
        )
    if info.issym() or info.islnk():
        target = info.linkname
        escapes = target.startswith("/") or ".." in PurePosixPath(target).parts
        issues.append(
            Issue(
                Concern.ARCHIVE,
                Severity.HIGH if escapes else Severity.MEDIUM,
                "link-entry",
                f"{nested}: a {'symbolic' if info.issym() else 'hard'} link to {target!r}"
                + (" outside the archive" if escapes else ""),
                member,
                info.name,
            )
        )
    if info.isdev():
        issues.append(
            Issue(
                Concern.ARCHIVE,
                Severity.HIGH,
                "device-entry",
                f"{nested}: a device file",
                member,
                info.name,
            )
        )
    if info.isreg():
        deep = too_deep(nested, depth + 1, context)
        if deep is not None:
            return [*issues, deep]
        body = archive.sub(info.offset_data, info.size)
        issues.extend(scan_member(body, info.name, nested, depth + 1, context, None))
    return issues
