"""The BOM's ``vulnerabilities``: library components matched against the advisory snapshot.

A library whose manifests pin one version is matched exactly; one whose requirements admit
several versions is judged per advisory (:meth:`Advisory.judge`): affected whatever gets
installed, or "version unknown" — recorded on the component, never counted as safe.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from packaging.specifiers import InvalidSpecifier, SpecifierSet
from packaging.version import InvalidVersion, Version

from mlsec_policy.analyzers.read.advisories import Advisory, Snapshot, Verdict, load_snapshot
from mlsec_policy.bom.parts import Basis, Kind, Part, Source

__all__ = ["Match", "Snapshot", "load_snapshot", "match_parts", "snapshot_properties"]


@dataclass(frozen=True, slots=True, order=True)
class Match:
    """One advisory that affects one library component."""

    ref: str
    advisory_id: str
    version: str


def match_parts(parts: Sequence[Part], snapshot: Snapshot) -> list[tuple[Match, Advisory]]:
    """Return every (match, advisory) for the library parts; note unknown versions on parts."""
    found: list[tuple[Match, Advisory]] = []
    for part in parts:
        advisories = snapshot.of(part.name) if part.kind is Kind.LIBRARY else ()
        if not advisories:
            continue
        source = part.provenance.get("version") or Source(Basis.DECLARED, "")
        if part.version is not None:
            try:
                version = Version(part.version)
            except InvalidVersion:
                continue
            hits = [a for a in advisories if a.affects(version)]
            found += [(Match(part.ref, a.id, part.version), a) for a in hits]
            part.fill("advisories", str(len(hits)), source)
            continue
        unknown: list[str] = []
        for advisory in advisories:
            verdict = _judge(advisory, part)
            if verdict is Verdict.AFFECTED:
                found.append((Match(part.ref, advisory.id, "any admitted"), advisory))
            elif verdict is Verdict.UNKNOWN:
                unknown.append(advisory.id)
        if unknown:
            part.fill(
                "advisories-version-unknown",
                f"{len(unknown)} advisories may apply; the installed version is not known",
                source,
            )
    return sorted(found, key=lambda pair: pair[0])


def _judge(advisory: Advisory, part: Part) -> Verdict:
    """Judge the union of the part's declared specifiers (each place it is declared)."""
    verdicts: set[Verdict] = set()
    for declared in part.facts.get("declared-in", "").split("; "):
        text = declared.split(" ", 1)[1] if " " in declared else ""
        try:
            specifier = SpecifierSet("" if text == "(any)" else text)
        except InvalidSpecifier:
            return Verdict.UNKNOWN
        verdicts.add(advisory.judge(specifier))
    if verdicts == {Verdict.AFFECTED}:
        return Verdict.AFFECTED
    return Verdict.UNKNOWN if Verdict.UNKNOWN in verdicts or not verdicts else Verdict.NOT_AFFECTED


def vulnerabilities(
    matches: Sequence[tuple[Match, Advisory]], snapshot: Snapshot
) -> list[dict[str, Any]]:
    """Return the CycloneDX ``vulnerabilities``: one per advisory, listing what it affects."""
    by_id: dict[str, tuple[Advisory, list[Match]]] = {}
    for match, advisory in matches:
        by_id.setdefault(advisory.id, (advisory, []))[1].append(match)
    out: list[dict[str, Any]] = []
    for identifier, (advisory, hits) in sorted(by_id.items()):
        ranges = [f"vers:pypi/{r.vers()}" for r in advisory.ranges]
        entry: dict[str, Any] = {
            "bom-ref": f"vulnerability:{identifier}",
            "id": identifier,
            "source": {"name": snapshot.source.get("name", "advisory snapshot")},
            "affects": [
                {
                    "ref": hit.ref,
                    "versions": [{"range": r, "status": "affected"} for r in ranges]
                    or [{"version": hit.version, "status": "affected"}],
                }
                for hit in sorted(set(hits))
            ],
            "properties": [
                {"name": "mlsec-policy:advisory-snapshot", "value": snapshot.date},
                {"name": "mlsec-policy:origin", "value": advisory.origin},
                *(
                    {"name": "mlsec-policy:installed-version", "value": hit.version}
                    for hit in sorted(set(hits))
                ),
            ],
        }
        if advisory.url:
            entry["source"]["url"] = advisory.url
        if advisory.aliases:
            entry["references"] = [
                {"id": alias, "source": {"name": "alias"}} for alias in advisory.aliases
            ]
        fixed = advisory.fixed_for(hits[0].version)
        if fixed:
            entry["recommendation"] = f"Upgrade {advisory.package} to {fixed} or later."
            entry["properties"].append({"name": "mlsec-policy:fixed-version", "value": fixed})
        if advisory.published:
            entry["published"] = f"{advisory.published}T00:00:00Z"
        out.append(entry)
    return out


def snapshot_properties(snapshot: Snapshot) -> list[tuple[str, str]]:
    """Return the BOM-level properties naming the advisory snapshot used."""
    return [
        ("advisories:snapshot", snapshot.date),
        ("advisories:source", snapshot.source.get("url", "")),
        ("advisories:license", snapshot.source.get("license", "")),
    ]
