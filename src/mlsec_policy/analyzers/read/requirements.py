"""One requirement specifier, judged: which package, how tightly pinned, from where.

Shared by the dependency-manifest analyzers and the notebook ``!pip install`` check. Parsing
uses ``packaging`` (PEP 508); nothing is resolved or downloaded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import InvalidSpecifier, Specifier, SpecifierSet
from packaging.version import InvalidVersion, Version

_VCS = re.compile(r"^(git|hg|svn|bzr)\+", re.IGNORECASE)
_COMMIT = re.compile(r"@(?P<ref>[0-9a-fA-F]{7,40})(?:#.*)?$")
"""A ref that is a commit hash, full or abbreviated (``@5f0c7a7``); branches and tags are not."""
_NAME = re.compile(r"[-_.]+")


class SpecKind(StrEnum):
    """Where a requirement comes from."""

    INDEX = "index"
    VCS = "vcs"
    URL = "url"
    PATH = "path"


class Pin(StrEnum):
    """How tightly a requirement from an index is pinned."""

    EXACT = "exact"
    """``==1.2.3`` or ``===``: one version."""
    RANGE = "range"
    """Bounded on both sides but wider than one release series (``~=2.1``, ``>=1,<2``,
    ``==1.*``): new minor releases, with new defaults and features, still arrive."""
    PATCH = "patch"
    """Held to one release series (``~=1.26.2``, ``==1.26.*``, conda ``numpy=1.26``,
    ``>=1.26.2,<1.27``): only bug-fix releases of a fixed major.minor can arrive."""
    OPEN = "open"
    """Only a lower bound or exclusions: any future release can arrive."""
    NONE = "none"
    """No version constraint at all."""


@dataclass(frozen=True, slots=True)
class Spec:
    """A parsed requirement."""

    text: str
    name: str | None
    """Normalised project name (PEP 503), when one is given."""
    kind: SpecKind
    specifier: SpecifierSet
    url: str | None = None

    @property
    def pin(self) -> Pin:
        """Return how tightly the version is pinned (only meaningful for index requirements)."""
        return pin_of(self.specifier)

    @property
    def vcs_pinned(self) -> bool:
        """Return True when a VCS requirement names a commit hash (full or abbreviated)."""
        return self.url is not None and commit_ref(self.url)

    @property
    def plain_http(self) -> bool:
        """Return True when the requirement is fetched over unencrypted HTTP."""
        return self.url is not None and re.search(r"(^|\+)http://", self.url) is not None


def normalise(name: str) -> str:
    """Return the PEP 503 normal form of a project name."""
    return _NAME.sub("-", name).lower()


def commit_ref(url: str) -> bool:
    """Return True when a VCS URL ends in ``@<commit>``: 7 to 40 hex digits.

    A ref of digits only is a commit only at full length: ``@20240101`` reads as a date tag.
    """
    match = _COMMIT.search(url)
    if match is None:
        return False
    ref = match.group("ref")
    return len(ref) == 40 or not ref.isdigit()


def parse_spec(text: str) -> Spec | None:
    """Parse one requirement (``name[extras] spec ; marker``, a VCS URL, a URL or a path)."""
    text = text.strip()
    if not text:
        return None
    if _VCS.match(text) or text.startswith(("http://", "https://", "file:")):
        egg = re.search(r"#egg=([A-Za-z0-9_.\-]+)", text)
        kind = SpecKind.VCS if _VCS.match(text) else SpecKind.URL
        return Spec(text, normalise(egg.group(1)) if egg else None, kind, SpecifierSet(), text)
    archive = text.endswith((".whl", ".tar.gz", ".zip")) and "://" not in text
    if text.startswith((".", "/", "~")) or archive:
        return Spec(text, None, SpecKind.PATH, SpecifierSet(), text)
    try:
        requirement = Requirement(text)
    except InvalidRequirement:
        return None
    name = normalise(requirement.name)
    if requirement.url:
        url = requirement.url
        kind = SpecKind.VCS if _VCS.match(url) else SpecKind.URL
        return Spec(text, name, kind, SpecifierSet(), url)
    return Spec(text, name, SpecKind.INDEX, requirement.specifier)


def specifier(text: str) -> SpecifierSet | None:
    """Parse a bare version specifier (Poetry/Pipfile/conda style already translated)."""
    try:
        return SpecifierSet(text)
    except InvalidSpecifier:
        return None


def pin_of(specifiers: SpecifierSet) -> Pin:
    """Return how tightly a specifier set pins a version."""
    items = list(specifiers)
    if not items:
        return Pin.NONE
    if any(s.operator in {"==", "==="} and "*" not in s.version for s in items):
        return Pin.EXACT
    if _one_series(items):
        return Pin.PATCH
    upper = any(
        s.operator in {"<", "<=", "~="} or (s.operator == "==" and "*" in s.version) for s in items
    )
    return Pin.RANGE if upper else Pin.OPEN


def _one_series(items: list[Specifier]) -> bool:
    """Return True when every version the specifiers admit shares one major.minor.

    The series is fixed by ``~=X.Y.Z`` (three or more parts), ``==X.Y.*``, or a lower bound
    ``>=X.Y[.Z]`` with an upper bound that stays below ``X.(Y+1)``.
    """
    lower = next(
        (h for i in items if i.operator in {">=", ">"} and (h := _series(i.version)) is not None),
        None,
    )
    series: set[tuple[int, int]] = set()
    for item in items:
        head = _series(item.version.removesuffix(".*"))
        release = _release(item.version.removesuffix(".*")) or ()
        if head is None:
            continue
        if (item.operator == "~=" and len(release) >= 3) or (
            item.operator == "==" and item.version.endswith(".*")
        ):
            series.add(head)
        elif item.operator in {"<", "<="} and lower is not None:
            next_series = (lower[0], lower[1] + 1)
            if head == lower or (
                item.operator == "<" and head == next_series and not any(release[2:])
            ):
                series.add(lower)
    return len(series) == 1


def _series(version: str) -> tuple[int, int] | None:
    """Return (major, minor) of a version that names both, else None."""
    release = _release(version)
    return (release[0], release[1]) if release is not None and len(release) >= 2 else None


def _release(text: str) -> tuple[int, ...] | None:
    try:
        return Version(text).release
    except InvalidVersion:
        return None
