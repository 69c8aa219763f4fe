"""Native analyzer ``known-vulnerable-packages``: pinned versions inside a known advisory's range.

Every requirement of a dependency manifest (requirements files, Pipfile, conda environments,
application pyprojects, and the lock files poetry, uv, pdm and pylock write) is matched against
the offline advisory snapshot (:mod:`mlsec_policy.analyzers.read.advisories`): a version pinned
exactly, or a requirement every release of which is affected, is reported with the advisory ids
and the release that fixes them. A requirement that admits affected and unaffected releases is
reported as "version unknown" (low) — never as safe — unless the manifest is an input to a lock
compiler, library metadata, or a Pipfile/pyproject whose lock file is beside it (the lock is
judged instead); the requirements on the same package in the files it includes (``-r``,
``-c``: installed with it) narrow what it admits. Each message names the snapshot's date: an
empty result means "no advisory in the snapshot of that date", not "no vulnerability".
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from packaging.specifiers import SpecifierSet
from packaging.version import InvalidVersion, Version

from mlsec_policy.analyzers.base import AnalyzerSpec, FileContext, Observation
from mlsec_policy.analyzers.dependencies.manifests import locked_beside, manifest_of
from mlsec_policy.analyzers.params import Params
from mlsec_policy.analyzers.read.advisories import Advisory, Snapshot, Verdict, load_snapshot
from mlsec_policy.analyzers.read.manifests import Entry, Role
from mlsec_policy.analyzers.read.requirements import Pin, SpecKind
from mlsec_policy.models import ArtifactKind, Location, Severity

SHOWN = 5
"""Advisory ids named in one message; the rest are counted."""


@dataclass(frozen=True, slots=True)
class KnownVulnerable:
    """Parameters of ``known-vulnerable-packages``."""

    report_unknown: bool = True
    """Report requirements that admit affected releases as "version unknown" (low)."""


def known_vulnerable_packages(
    context: FileContext, params: KnownVulnerable
) -> Iterable[Observation]:
    """Yield the requirements of one manifest that known advisories affect."""
    manifest = manifest_of(context)
    if manifest is None:
        return
    snapshot = load_snapshot()
    judge_unknown = (
        params.report_unknown
        and manifest.role in {Role.ENVIRONMENT, Role.LOCK}
        and not locked_beside(context, manifest)
    )
    for entry in manifest.entries:
        spec = entry.spec
        if entry.path != context.artifact.path or spec.kind is not SpecKind.INDEX or not spec.name:
            continue
        advisories = snapshot.of(spec.name)
        if not advisories:
            continue
        affected, unknown = _judged(advisories, entry)
        if affected:
            yield _affected(entry, affected, snapshot)
        elif unknown and judge_unknown:
            held = _held(entry, manifest.entries)
            if held:
                narrowed = _narrowed(entry, held)
                unknown = [a for a in unknown if a.judge(narrowed) is not Verdict.NOT_AFFECTED]
            if unknown:
                yield _unknown(entry, unknown, snapshot, held)


def _held(entry: Entry, entries: Iterable[Entry]) -> list[Entry]:
    """Return the requirements on the same package from the files this one includes.

    ``-r`` and ``-c`` files are installed with the file that names them, so their specifiers
    bound what this requirement can install; one under an environment marker may not apply and
    is left out.
    """
    return [
        other
        for other in entries
        if other.path != entry.path
        and other.spec.name == entry.spec.name
        and other.spec.kind is SpecKind.INDEX
        and ";" not in other.spec.text
    ]


def _narrowed(entry: Entry, held: list[Entry]) -> SpecifierSet:
    """Return the requirement's specifier intersected with those of ``held``."""
    narrowed = SpecifierSet(str(entry.spec.specifier))
    for other in held:
        narrowed &= other.spec.specifier
    return narrowed


def _judged(advisories: Iterable[Advisory], entry: Entry) -> tuple[list[Advisory], list[Advisory]]:
    """Return (advisories every admitted release is in, advisories some release is in)."""
    affected: list[Advisory] = []
    unknown: list[Advisory] = []
    spec = entry.spec
    version = _exact(entry)
    for advisory in advisories:
        if version is not None:
            if advisory.affects(version):
                affected.append(advisory)
            continue
        verdict = advisory.judge(spec.specifier)
        if verdict is Verdict.AFFECTED:
            affected.append(advisory)
        elif verdict is Verdict.UNKNOWN:
            unknown.append(advisory)
    return affected, unknown


def _exact(entry: Entry) -> Version | None:
    if entry.spec.pin is not Pin.EXACT:
        return None
    for item in entry.spec.specifier:
        if item.operator in {"==", "==="} and "*" not in item.version:
            try:
                return Version(item.version)
            except InvalidVersion:
                return None
    return None


def _ids(advisories: list[Advisory]) -> str:
    shown = ", ".join(a.label() for a in advisories[:SHOWN])
    more = len(advisories) - SHOWN
    return shown + (f" and {more} more" if more > 0 else "")


def _source(advisories: list[Advisory], snapshot: Snapshot) -> str:
    """Name where the advisories come from: the snapshot, and any entry added by hand."""
    curated = [a for a in advisories if a.origin == "curated"]
    if not curated:
        return snapshot.label()
    added = ", ".join(f"{a.id} published {a.published}" for a in curated)
    if len(curated) == len(advisories):
        return f"added by hand to the advisory snapshot: {added}"
    return f"{snapshot.label()}; added by hand: {added}"


def _affected(entry: Entry, advisories: list[Advisory], snapshot: Snapshot) -> Observation:
    spec = entry.spec
    pinned = str(spec.specifier).lstrip("=")
    fixes = [f for a in advisories if (f := a.fixed_for(pinned))]
    newest = max(fixes, key=_version) if fixes else None
    upgrade = f"; upgrade to {newest} or later" if newest else "; no fixed release is listed"
    # only open-ended records (no fixed or last affected release): the claim rests on a fix
    # never having been recorded, so it is graded lower and says so
    unbounded = all(a.open_ended() for a in advisories)
    if unbounded:
        upgrade = (
            "; the advisory records no fixed or last affected release, so every later release "
            "counts as affected: check the project's own advisory for a fix"
        )
    return Observation(
        Location(entry.path, entry.line),
        message=f"{spec.name} {spec.specifier} is affected by {len(advisories)} known "
        f"advisor{'y' if len(advisories) == 1 else 'ies'} ({_source(advisories, snapshot)}): "
        f"{_ids(advisories)}{upgrade}",
        severity=Severity.MEDIUM if unbounded else Severity.HIGH,
        key=f"vulnerable:{spec.name}",
        group=f"vulnerable:{spec.name}{spec.specifier}",
    )


def _unknown(
    entry: Entry, advisories: list[Advisory], snapshot: Snapshot, held: list[Entry]
) -> Observation:
    spec = entry.spec
    admits = str(spec.specifier) or "any version"
    if held:
        admits += "; with " + ", ".join(
            f"{o.path}:{o.line} {o.spec.specifier or '(any)'}" for o in held
        )
    return Observation(
        Location(entry.path, entry.line),
        message=f"version unknown: {spec.name} ({admits}) admits releases affected by "
        f"{len(advisories)} known advisor{'y' if len(advisories) == 1 else 'ies'} "
        f"({_source(advisories, snapshot)}): {_ids(advisories)}; pin or lock it so the "
        "installed version can be checked",
        severity=Severity.LOW,
        key=f"version-unknown:{spec.name}",
        group=f"version-unknown:{spec.name}",
    )


def _version(text: str) -> Version:
    try:
        return Version(text)
    except InvalidVersion:
        return Version("0")


SPEC = AnalyzerSpec(
    name="known-vulnerable-packages",
    description="Pinned or locked package versions inside a known advisory's affected range "
    "(offline snapshot of the PyPA advisory database); open requirements as version unknown.",
    kinds=frozenset({ArtifactKind.DEPENDENCY_MANIFEST}),
    params=Params.beside(KnownVulnerable, __name__, "known-vulnerable-packages"),
    file=known_vulnerable_packages,
)
