"""The offline advisory snapshot of ML-critical packages, and which versions it affects.

The snapshot (``policies/advisories/ml-packages.json``, written by
``scripts/refresh_advisories.py`` from the PyPA advisory database, OSV format, CC-BY 4.0) lists
each advisory's affected ranges as OSV events: ``introduced``, then ``fixed`` or
``last_affected``, plus explicit affected versions. Versions are compared with ``packaging``:
pre-releases order before their release (``2.6.0rc1`` is before the fix ``2.6.0``), a local
version is its public version plus a label (``2.5.1+cpu`` is a 2.5.1 build). A requirement that
names no single version is judged by probing the releases it admits: when every probe it admits
is affected it is affected whatever gets installed, otherwise its version is unknown — never safe.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import Any

from packaging.specifiers import SpecifierSet
from packaging.version import InvalidVersion, Version

from mlsec_policy.analyzers.read.requirements import normalise
from mlsec_policy.resources import policies_dir

SNAPSHOT = "advisories/ml-packages.json"
"""Where the snapshot lives under the bundled ``policies/`` folder."""


class Verdict(StrEnum):
    """What an advisory says about one requirement."""

    AFFECTED = "affected"
    """Every version the requirement admits is affected (an exact pin inside a range)."""
    UNKNOWN = "version unknown"
    """The requirement admits affected and unaffected versions: which one is installed is not
    known from the repository."""
    NOT_AFFECTED = "not affected"


@dataclass(frozen=True, slots=True)
class Range:
    """One affected range: from ``introduced`` up to ``fixed`` (excluded) or ``last_affected``."""

    introduced: str = "0"
    fixed: str | None = None
    last_affected: str | None = None

    def contains(self, version: Version) -> bool:
        """Return True when ``version`` lies in this range."""
        if self.introduced != "0" and version < _version(self.introduced):
            return False
        if self.fixed is not None:
            return version < _version(self.fixed)
        if self.last_affected is not None:
            return version <= _version(self.last_affected)
        return True

    def vers(self) -> str:
        """Return the range in vers syntax constraints (``>=1.0|<2.6.0``)."""
        parts = [] if self.introduced == "0" else [f">={self.introduced}"]
        if self.fixed is not None:
            parts.append(f"<{self.fixed}")
        elif self.last_affected is not None:
            parts.append(f"<={self.last_affected}")
        return "|".join(parts) or "*"


@dataclass(frozen=True, slots=True)
class Advisory:
    """One advisory about one package."""

    id: str
    package: str
    aliases: tuple[str, ...] = ()
    ranges: tuple[Range, ...] = ()
    versions: tuple[str, ...] = ()
    """Affected versions listed one by one (used when no range covers a version)."""
    url: str = ""
    published: str = ""
    origin: str = "pypa/advisory-database"
    """Where the entry comes from: the database, or ``curated`` for an entry added by hand."""
    note: str = ""
    """What the flaw lets an attacker do, for a curated entry (our words)."""

    def affects(self, version: Version) -> bool:
        """Return True when ``version`` (local label ignored for the list) is affected."""
        if any(r.contains(version) for r in self.ranges):
            return True
        return version.public in self.versions or str(version) in self.versions

    def open_ended(self) -> bool:
        """Return True when the record names no fixed or last affected release at all.

        The database then counts every release from the first affected one as affected,
        often because the fix was never recorded: a weaker claim than a bounded range.
        """
        bounded = any(r.fixed or r.last_affected for r in self.ranges)
        return not bounded and not self.versions

    def fixed(self) -> list[str]:
        """Return the releases that fix it, oldest first."""
        return sorted({r.fixed for r in self.ranges if r.fixed}, key=_version)

    def fixed_for(self, version: str) -> str | None:
        """Return the release that fixes ``version`` (the newest fix when it is not one)."""
        try:
            parsed: Version | None = Version(version)
        except InvalidVersion:
            parsed = None
        for item in self.ranges:
            if parsed is not None and item.contains(parsed) and item.fixed:
                return item.fixed
        fixed = self.fixed()
        return fixed[-1] if fixed else None

    def label(self) -> str:
        """Return ``ID (ALIAS, ...)`` for a message."""
        return f"{self.id} ({', '.join(self.aliases)})" if self.aliases else self.id

    def judge(self, specifier: SpecifierSet) -> Verdict:
        """Return whether the releases ``specifier`` admits are affected."""
        if not list(specifier):
            return Verdict.UNKNOWN
        admitted = [p for p in self._probes(specifier) if specifier.contains(p, prereleases=True)]
        if not admitted:
            return Verdict.NOT_AFFECTED
        hits = [self.affects(p) for p in admitted]
        if all(hits):
            return Verdict.AFFECTED
        return Verdict.UNKNOWN if any(hits) else Verdict.NOT_AFFECTED

    def _probes(self, specifier: SpecifierSet) -> set[Version]:
        named = [s.version.removesuffix(".*") for s in specifier]
        bounds = [b for r in self.ranges for b in (r.introduced, r.fixed, r.last_affected) if b]
        probes: set[Version] = {Version("0.0.1"), Version("99999")}
        for text in [*named, *bounds, *self.versions]:
            try:
                version = Version(text)
            except InvalidVersion:
                continue
            release = list(version.release)
            probes |= {version, Version(".".join(map(str, [*release[:-1], release[-1] + 1])))}
            if release[-1] > 0:
                below = [*release[:-1], release[-1] - 1, 99999]
                probes.add(Version(".".join(map(str, below))))
            elif len(release) > 1 and release[-2] > 0:
                probes.add(Version(".".join(map(str, [*release[:-2], release[-2] - 1, 99999]))))
        return probes


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The advisories of the snapshot by package, and where and when it was taken."""

    date: str
    source: Mapping[str, str]
    advisories: Mapping[str, tuple[Advisory, ...]]

    def of(self, package: str) -> tuple[Advisory, ...]:
        """Return the advisories of ``package`` (any spelling of its name)."""
        return self.advisories.get(normalise(package), ())

    def find(self, identifier: str) -> Advisory | None:
        """Return the advisory with id or alias ``identifier``, if the snapshot has it."""
        for advisory in self.all():
            if identifier == advisory.id or identifier in advisory.aliases:
                return advisory
        return None

    def all(self) -> Iterator[Advisory]:
        """Yield every advisory, by package then id."""
        for package in sorted(self.advisories):
            yield from self.advisories[package]

    def label(self) -> str:
        """Return ``<source name> snapshot <date>`` for messages and reports."""
        return f"{self.source.get('name', 'advisory')} snapshot {self.date}"


def _version(text: str) -> Version:
    try:
        return Version(text)
    except InvalidVersion:
        return Version("0")


def parse_snapshot(document: Mapping[str, Any]) -> Snapshot:
    """Return the snapshot held by a parsed JSON document (see the module docstring)."""
    by_package: dict[str, list[Advisory]] = {}
    for entry in document.get("advisories", []):
        advisory = Advisory(
            id=str(entry["id"]),
            package=normalise(str(entry["package"])),
            aliases=tuple(entry.get("aliases", ())),
            ranges=tuple(_ranges(entry.get("ranges", ()))),
            versions=tuple(entry.get("versions", ())),
            url=str(entry.get("url", "")),
            published=str(entry.get("published", "")),
            origin=str(entry.get("origin", "pypa/advisory-database")),
            note=str(entry.get("note", "")),
        )
        by_package.setdefault(advisory.package, []).append(advisory)
    return Snapshot(
        str(document.get("snapshot", "unknown")),
        {str(k): str(v) for k, v in dict(document.get("source", {})).items()},
        {name: tuple(sorted(items, key=lambda a: a.id)) for name, items in by_package.items()},
    )


def _ranges(items: Iterable[Mapping[str, Any]]) -> Iterator[Range]:
    for item in items:
        yield Range(
            str(item.get("introduced", "0")),
            item.get("fixed"),
            item.get("last_affected"),
        )


@cache
def load_snapshot(path: Path | None = None) -> Snapshot:
    """Return the bundled snapshot (or the one at ``path``); read once per process."""
    file = path or policies_dir() / SNAPSHOT
    with file.open(encoding="utf-8") as handle:
        return parse_snapshot(json.load(handle))
