"""List a zip's members and check them: traversal names, links, bombs, overlaps, duplicates.

:func:`list_zip` is the entry point. It reads both indexes (the central directory with
:mod:`.zipread`, the local headers with :mod:`.ziplocal`) and then records, as anomalies, every
member that is dangerous to extract or that two loaders would read differently. One bad entry
never hides the others.
"""

from __future__ import annotations

import itertools
from pathlib import PurePosixPath

from mlsec_policy.analyzers.model_artifacts.source import FileSlice, MiB
from mlsec_policy.analyzers.model_artifacts.ziplocal import walk_local
from mlsec_policy.analyzers.model_artifacts.zipread import (
    METHODS,
    Listing,
    View,
    read_central,
    read_local,
)
from mlsec_policy.models import Severity

BOMB_RATIO = 1000
BOMB_MIN_BYTES = 100 * MiB


def list_zip(archive: FileSlice) -> Listing:
    """Return the members of the zip held in ``archive`` and its anomalies."""
    listing = read_listing(archive)
    check_members(listing)
    return listing


def read_listing(archive: FileSlice) -> Listing:
    """Return the members of the zip in ``archive`` from both of its indexes.

    Disagreements between the indexes are recorded as anomalies; the members themselves are
    judged by :func:`check_members`.
    """
    listing = Listing()
    with archive.path.open("rb") as handle:
        view = View(handle, archive.offset, archive.length)
        central = read_central(view, listing)
        for entry in central:
            read_local(view, entry, listing)
        hidden = walk_local(view, {e.header: e for e in central}, listing.start, listing)
    listing.entries = central + hidden
    return listing


def check_members(listing: Listing) -> None:
    """Record, as anomalies, every member that is dangerous to extract or to trust."""
    seen: dict[str, int] = {}
    spans: list[tuple[int, int, str]] = []
    for entry in listing.entries:
        seen[entry.name] = seen.get(entry.name, 0) + 1
        unsafe = unsafe_name(entry.name)
        if unsafe:
            listing.add("unsafe-name", Severity.HIGH, f"{entry.name!r}: {unsafe}", entry.name)
        if entry.is_symlink:
            listing.add(
                "symlink-entry",
                Severity.HIGH,
                f"{entry.name}: a symbolic link inside the archive (can point anywhere when "
                "extracted)",
                entry.name,
            )
        if entry.encrypted:
            listing.add(
                "encrypted-entry",
                Severity.HIGH,
                f"{entry.name}: the member is flagged as encrypted; its content cannot be "
                "inspected unless the flag lies",
                entry.name,
            )
        if entry.method not in METHODS and not entry.is_dir:
            listing.add(
                "unsupported-method",
                Severity.HIGH,
                f"{entry.name}: compression method {entry.method} cannot be read, so the member "
                "cannot be verified",
                entry.name,
                unverifiable=True,
            )
        if entry.size > BOMB_MIN_BYTES and entry.size > BOMB_RATIO * max(entry.compressed, 1):
            listing.add(
                "zip-bomb",
                Severity.HIGH,
                f"{entry.name}: {entry.compressed} bytes claim to expand to {entry.size} bytes "
                "(a decompression bomb)",
                entry.name,
            )
        if entry.data is not None and entry.compressed:
            spans.append((entry.data, entry.data + entry.compressed, entry.name))
    for name, times in sorted(seen.items()):
        if times > 1:
            listing.add(
                "duplicate-name",
                Severity.HIGH,
                f"{name}: {times} members share this name; which one a loader reads depends on "
                "the loader",
                name,
            )
    spans.sort()
    for (_, first_end, first), (second_start, _, second) in itertools.pairwise(spans):
        if second_start < first_end:
            listing.add(
                "overlapping-entries",
                Severity.HIGH,
                f"{first} and {second} share bytes (overlapping members are a zip-bomb and "
                "smuggling technique)",
                f"{first}|{second}",
            )


def unsafe_name(name: str) -> str | None:
    """Return why an archive member name is unsafe to extract, or None when it is fine."""
    if "\x00" in name:
        return "the name holds a NUL byte"
    if "\\" in name:
        return "the name uses backslashes (a path on Windows)"
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return "an absolute path: extracting it writes outside the target directory"
    if ".." in PurePosixPath(name).parts:
        return "a '..' path: extracting it writes outside the target directory"
    return None
