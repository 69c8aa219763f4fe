"""What the organisation's repositories ship and pull in, from their ML-BOMs.

``report merge`` also takes the CycloneDX BOMs that ``bom`` and ``scan --bom-output`` write.
From each it keeps only what an organisation view asks about: the model files (by SHA-256,
with the artifact scan's verdict), the hub models referenced (pinned to a commit or following
a mutable branch) and the known-vulnerable packages. Across BOMs it reports the model files
found in more than one repository, the hub models with their pinned and unpinned counts, and
each advisory with the repositories it affects.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

PREFIX = "mlsec-policy:"


@dataclass(frozen=True, slots=True)
class BomRead:
    """One BOM reduced to what the roll-up keeps."""

    source: str
    repository: str
    models: tuple[tuple[str, str, str], ...]
    """(sha256, path, verdict) of each model file."""
    hub: tuple[tuple[str, bool], ...]
    """(hub model id, pinned to a commit) of each hub reference."""
    advisories: tuple[tuple[str, str], ...]
    """(advisory id, affected package@version) of each known-vulnerable match."""


def is_bom(document: Any) -> bool:
    """Return whether a parsed JSON input is a CycloneDX BOM rather than a scan report."""
    return isinstance(document, Mapping) and document.get("bomFormat") == "CycloneDX"


def read_bom(source: str, document: Mapping[str, Any]) -> BomRead:
    """Reduce a CycloneDX BOM to the models, hub references and advisories it records."""
    component = document.get("metadata", {}).get("component", {})
    repository = str(component.get("name") or source)
    models: list[tuple[str, str, str]] = []
    hub: list[tuple[str, bool]] = []
    packages: dict[str, str] = {}
    for item in document.get("components", []):
        props = {p.get("name"): p.get("value") for p in item.get("properties", [])}
        name = str(item.get("name", "?"))
        if item.get("type") == "library":
            packages[str(item.get("bom-ref"))] = f"{name}@{item.get('version') or '?'}"
        if item.get("type") != "machine-learning-model":
            continue
        hashes = [h["content"] for h in item.get("hashes", []) if h.get("alg") == "SHA-256"]
        if hashes:
            verdict = str(props.get(f"{PREFIX}artifact-verdict") or "unknown")
            models += [(digest, name, verdict) for digest in hashes]
        elif f"{PREFIX}revision-pinned" in props:
            hub.append((name, props[f"{PREFIX}revision-pinned"] == "pinned"))
    advisories = [
        (str(v.get("id")), packages.get(str(a.get("ref")), str(a.get("ref"))))
        for v in document.get("vulnerabilities", [])
        for a in v.get("affects", [])
    ]
    return BomRead(source, repository, tuple(models), tuple(hub), tuple(advisories))


@dataclass(slots=True)
class Inventory:
    """Counters over every BOM merged (bounded by distinct models, hub ids and advisories)."""

    boms: int = 0
    models: dict[str, dict[str, Any]] = field(default_factory=dict)
    hub: dict[str, dict[str, set[str]]] = field(default_factory=dict)
    advisories: dict[str, dict[str, set[str]]] = field(default_factory=dict)

    def add(self, bom: BomRead) -> None:
        """Count one BOM."""
        self.boms += 1
        for digest, path, verdict in bom.models:
            entry = self.models.setdefault(
                digest, {"paths": set(), "verdicts": set(), "repositories": set()}
            )
            entry["paths"].add(path)
            entry["verdicts"].add(verdict)
            entry["repositories"].add(bom.repository)
        for model, pinned in bom.hub:
            counts = self.hub.setdefault(model, {"pinned": set(), "unpinned": set()})
            counts["pinned" if pinned else "unpinned"].add(bom.repository)
        for advisory, package in bom.advisories:
            entry_sets = self.advisories.setdefault(
                advisory, {"packages": set(), "repositories": set()}
            )
            entry_sets["packages"].add(package)
            entry_sets["repositories"].add(bom.repository)

    def to_json(self) -> dict[str, Any]:
        """Return the inventory section of the merged document."""
        shared = [
            {
                "sha256": digest,
                "paths": sorted(entry["paths"]),
                "verdicts": sorted(entry["verdicts"]),
                "repositories": sorted(entry["repositories"]),
            }
            for digest, entry in sorted(self.models.items())
            if len(entry["repositories"]) > 1
        ]
        return {
            "boms": self.boms,
            "model_files": len(self.models),
            "shared_model_files": sorted(
                shared, key=lambda m: (-len(m["repositories"]), m["sha256"])
            ),
            "hub_models": [
                {
                    "id": model,
                    "pinned_in": len(counts["pinned"]),
                    "unpinned_in": len(counts["unpinned"]),
                }
                for model, counts in sorted(self.hub.items())
            ],
            "vulnerable_packages": [
                {
                    "advisory": advisory,
                    "packages": sorted(entry["packages"]),
                    "repositories": sorted(entry["repositories"]),
                }
                for advisory, entry in sorted(self.advisories.items())
            ],
        }
