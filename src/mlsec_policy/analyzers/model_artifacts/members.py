"""Helpers every container scanner shares: nesting limits, member reads, CRC checks."""

from __future__ import annotations

import zlib
from contextlib import ExitStack

from mlsec_policy.analyzers.model_artifacts.context import Context
from mlsec_policy.analyzers.model_artifacts.issues import Concern, Issue, where
from mlsec_policy.analyzers.model_artifacts.source import (
    FileSlice,
    LimitExceeded,
    Source,
    Truncated,
    spooled,
)
from mlsec_policy.models import Severity

CRC_MAX = 64 * 1024 * 1024
"""Members up to this size get their CRC checked when they are read anyway."""


def unverifiable(member: str, code: str, text: str, severity: Severity = Severity.HIGH) -> Issue:
    """Return a 'cannot verify' issue."""
    return Issue(Concern.UNVERIFIABLE, severity, code, f"{where(member)}{text}", member, code)


def too_deep(member: str, depth: int, context: Context) -> Issue | None:
    """Return an issue when ``depth`` passes the nesting limit, else None."""
    if depth <= context.limits.max_depth:
        return None
    return unverifiable(
        member,
        "too-deep",
        f"is nested more than {context.limits.max_depth} archive levels deep and was not "
        "inspected (raise max-archive-depth to look inside)",
    )


def random_access(source: Source, stack: ExitStack, context: Context) -> FileSlice:
    """Return the source as a file slice, copying it to a temporary file when needed."""
    if isinstance(source, FileSlice):
        return source
    return stack.enter_context(spooled(source, context.limits.spool_cap))


def scan_member(
    body: Source, name: str, member: str, depth: int, context: Context, crc: int | None
) -> list[Issue]:
    """Scan one archive member, reporting read failures instead of raising."""
    try:
        issues = context.nested(body, name, member, depth)
        if crc is not None and body.size is not None and body.size <= CRC_MAX:
            issues.extend(check_crc(body, member, crc))
    except LimitExceeded as exc:
        return [unverifiable(member, "limit", f"the member {exc}; it was not fully inspected")]
    except (Truncated, OSError, zlib.error, EOFError, ValueError) as exc:
        return [unverifiable(member, "unreadable", f"the member cannot be read: {exc}")]
    return issues


def check_crc(body: Source, member: str, crc: int) -> list[Issue]:
    """Return an issue when the member's bytes do not match the CRC its header records."""
    actual = 0
    with body.open() as reader:
        while chunk := reader.read_upto(1 << 20):
            actual = zlib.crc32(chunk, actual)
    if actual == crc:
        return []
    return [
        Issue(
            Concern.ARCHIVE,
            Severity.MEDIUM,
            "crc-mismatch",
            f"{where(member)}the content does not match the CRC in the archive header: altered "
            "after packing (PyTorch loads it anyway; CVE-2025-10156)",
            member,
            "crc",
        )
    ]
