"""Scan one model file: detect its format from content, dispatch, recurse into what it holds.

:func:`scan_path` is the entry point. Results are cached per (path, size, mtime, limits), so the
several controls that report different concerns of the same file share one scan.
"""

from __future__ import annotations

import functools
from pathlib import Path, PurePosixPath

from mlsec_policy.analyzers.model_artifacts.archive import scan_tar, scan_zip
from mlsec_policy.analyzers.model_artifacts.context import Context, Limits
from mlsec_policy.analyzers.model_artifacts.detect import (
    COMPRESSED,
    PICKLE_CAPABLE,
    Format,
    mismatch,
    sniff,
)
from mlsec_policy.analyzers.model_artifacts.formats.gguf import scan_gguf
from mlsec_policy.analyzers.model_artifacts.formats.keras import scan_hdf5
from mlsec_policy.analyzers.model_artifacts.formats.numpy import scan_npy
from mlsec_policy.analyzers.model_artifacts.formats.onnx import is_external_data, scan_onnx
from mlsec_policy.analyzers.model_artifacts.formats.safetensors import scan_safetensors
from mlsec_policy.analyzers.model_artifacts.formats.torch import scan_legacy
from mlsec_policy.analyzers.model_artifacts.issues import Concern, Issue, join_member, where
from mlsec_policy.analyzers.model_artifacts.members import too_deep, unverifiable
from mlsec_policy.analyzers.model_artifacts.pickle.scan import NestedScan, scan_pickle
from mlsec_policy.analyzers.model_artifacts.source import (
    Budget,
    FileSlice,
    Inflated,
    LimitExceeded,
    Source,
    Truncated,
    whole_file,
)
from mlsec_policy.analyzers.model_artifacts.zipcheck import list_zip
from mlsec_policy.analyzers.model_artifacts.zipread import END
from mlsec_policy.models import Severity

HEAD = 64 * 1024
DATA_ONLY_SUFFIXES = frozenset(
    {".msgpack", ".mlmodel", ".tflite", ".model", ".json", ".txt", ".tiktoken", ".llamafile"}
)
"""Extensions of formats that carry no code and are not parsed further."""


def scan_path(path: Path, display: str, root: Path | None, limits: Limits) -> tuple[Issue, ...]:
    """Return every issue of the file at ``path`` (shown as ``display``), cached by content."""
    info = path.stat()
    return _cached(str(path), info.st_size, info.st_mtime_ns, display, str(root or ""), limits)


@functools.lru_cache(maxsize=256)
def _cached(
    path: str, size: int, mtime: int, display: str, root: str, limits: Limits
) -> tuple[Issue, ...]:
    file = Path(path)
    context = Context(
        limits,
        dispatch,
        directory=file.parent,
        root=Path(root) if root else None,
        budget=Budget(limits.budget),
    )
    issues = dispatch(whole_file(file), PurePosixPath(display).name, "", 0, context)
    return tuple(_unique(issues))


def _unique(issues: list[Issue]) -> list[Issue]:
    seen: dict[str, Issue] = {}
    for issue in issues:
        seen.setdefault(issue.key, issue)
    return sorted(seen.values(), key=lambda i: (i.member, -i.severity, i.code, i.detail))


def dispatch(source: Source, name: str, member: str, depth: int, context: Context) -> list[Issue]:
    """Scan any source by its content; ``name`` is its file or member name."""
    try:
        head = source.head(HEAD)
    except LimitExceeded as exc:
        return [unverifiable(member, "limit", f"{exc}; not inspected")]
    fmt = sniff(head)
    issues: list[Issue] = []
    if fmt is Format.ZIP:
        fmt, found = scan_zip(source, member, depth, context)
        issues.extend(found)
    else:
        issues.extend(_by_format(fmt, source, name, member, depth, context))
        inner, found = _polyglot(source, fmt, member, depth, context)
        issues.extend(found)
        if inner is not None and fmt in (Format.UNKNOWN, Format.TEXT):
            fmt = inner  # a zip behind a stub: what it is, is what the zip is
    promised = mismatch(name, fmt)
    if promised is not None:
        issues.append(_mismatch(name, fmt, promised, member))
    elif fmt is Format.UNKNOWN and not _known_data(name, member, context):
        issues.append(
            unverifiable(
                member,
                "unknown-format",
                "is not in a format mlsec-policy can inspect, so it was not verified",
                Severity.LOW,
            )
        )
    return issues


def _known_data(name: str, member: str, context: Context) -> bool:
    """Return True for content of no format that is known to be data (not a gap in the scan)."""
    if PurePosixPath(name.lower()).suffix in DATA_ONLY_SUFFIXES:
        return True
    if member or context.directory is None:
        return False
    return is_external_data(context.directory / name, context.root)


def _by_format(
    fmt: Format, source: Source, name: str, member: str, depth: int, context: Context
) -> list[Issue]:
    try:
        if fmt is Format.PICKLE:
            return scan_pickle(source, member, _nested(context, member, depth))
        if fmt is Format.TORCH_LEGACY:
            return scan_legacy(source, member, context)
        if fmt is Format.NUMPY:
            return scan_npy(source, member, context)
        if fmt is Format.TAR:
            return scan_tar(source, member, depth, context)
        if fmt is Format.LZ4:
            return [unverifiable(member, "lz4", "is LZ4-compressed, which cannot be inspected")]
        if fmt in COMPRESSED:
            return _decompress(fmt, source, name, member, depth, context)
        if fmt is Format.SEVEN_ZIP:
            return [unverifiable(member, "7z", "is a 7-Zip archive, which cannot be inspected")]
        if fmt is Format.HDF5:
            return scan_hdf5(source, member)
        if fmt is Format.SAFETENSORS:
            return scan_safetensors(source, member)
        if fmt is Format.GGUF:
            return scan_gguf(source, member)
        if fmt is Format.ONNX:
            return scan_onnx(source, member, context)
    except LimitExceeded as exc:
        return [unverifiable(member, "limit", f"{exc}; it was not fully inspected")]
    except (Truncated, EOFError) as exc:
        return [unverifiable(member, "truncated", f"is truncated: {exc}")]
    return []


def _nested(context: Context, member: str, depth: int) -> NestedScan:
    def scan(source: Source, parent: str) -> list[Issue]:
        return dispatch(source, "nested.pt", join_member(parent, "<bytes>"), depth + 1, context)

    return scan


def _decompress(
    fmt: Format, source: Source, name: str, member: str, depth: int, context: Context
) -> list[Issue]:
    inner_name = _strip_compression(name)
    inner_member = join_member(member, inner_name)
    deep = too_deep(inner_member, depth + 1, context)
    if deep is not None:
        return [deep]
    body = Inflated(source, fmt.value, context.limits.inflate_cap, None, context.budget)
    try:
        return dispatch(body, inner_name, inner_member, depth + 1, context)
    except (OSError, EOFError, ValueError) as exc:
        return [unverifiable(member, "bad-compression", f"cannot be decompressed: {exc}")]


def _strip_compression(name: str) -> str:
    lower = name.lower()
    if lower.endswith(".tgz"):
        return name[:-4] + ".tar"
    for suffix in (".gz", ".bz2", ".xz", ".z"):
        if lower.endswith(suffix):
            return name[: -len(suffix)]
    return name + ".decompressed"


def _polyglot(
    source: Source, fmt: Format, member: str, depth: int, context: Context
) -> tuple[Format | None, list[Issue]]:
    """Scan a zip hidden at the end of a non-zip file; return its format and the issues.

    After a file of a known format (a pickle that is also an archive) that is a polyglot;
    after unknown bytes or text it is a zip with a stub in front (a self-extracting archive),
    which the zip reader reports as prepended bytes.
    """
    if not isinstance(source, FileSlice) or fmt is Format.ZIP:
        return None, []
    size = source.length
    tail_at = max(0, size - 65_536 - 22)
    with source.open() as reader:
        reader.skip(tail_at)
        tail = reader.read_upto(size - tail_at)
    if END not in tail:
        return None, []
    listing = list_zip(source)
    if not listing.entries:
        return None, []
    inner, found = scan_zip(source, member, depth, context)
    if fmt in (Format.UNKNOWN, Format.TEXT):
        return inner, found
    severity = Severity.HIGH if fmt in PICKLE_CAPABLE else Severity.MEDIUM
    issue = Issue(
        Concern.FORMAT,
        severity,
        "polyglot",
        f"{where(member)}is both a {fmt.value} file and a zip archive ({len(listing.entries)} "
        "members): different loaders see different content",
        member,
        "polyglot",
    )
    return inner, [issue, *found]


def _mismatch(name: str, fmt: Format, promised: frozenset[Format], member: str) -> Issue:
    suffix = PurePosixPath(name).suffix or "(none)"
    expected = ", ".join(sorted(f.value for f in promised)) or "data that cannot run code"
    dangerous = fmt in PICKLE_CAPABLE
    return Issue(
        Concern.FORMAT,
        Severity.HIGH if dangerous else Severity.MEDIUM,
        "format-mismatch",
        f"{where(member)}its name ({suffix}) promises {expected} but its content is "
        f"{fmt.value}" + (", which runs code when loaded" if dangerous else ""),
        member,
        f"{suffix}:{fmt.value}",
    )
