"""Build the ML-BOM of a repository from its inventory: collect, link, score, serialise.

The inventory is the scan's (``scan --bom-output`` passes the one it made); every collector
reads files as bytes or text and nothing from the repository runs.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mlsec_policy import __version__
from mlsec_policy.bom import advisories, completeness
from mlsec_policy.bom.cyclonedx import component, document
from mlsec_policy.bom.datasets import data_parts
from mlsec_policy.bom.hub import hub_refs
from mlsec_policy.bom.models import Sha256, model_parts
from mlsec_policy.bom.packages import container_parts, declarations, library_parts
from mlsec_policy.bom.parts import Kind, Part
from mlsec_policy.bom.references import reference_parts
from mlsec_policy.bom.remote import remote_parts
from mlsec_policy.models import Inventory


@dataclass(frozen=True, slots=True)
class Built:
    """The BOM document and the parts it was made from (for the CLI's summary)."""

    bom: dict[str, Any]
    parts: tuple[Part, ...]
    vulnerable: int
    """How many (package, advisory) matches the BOM carries."""


def collect(root: Path, inventory: Inventory, sha256: Sha256 | None = None) -> list[Part]:
    """Return every component of the repository: models, datasets, libraries, containers.

    ``sha256`` gives the files' SHA-256 (the result cache's read-once digests); None reads them.
    """
    refs = hub_refs(root, inventory)
    parts = [
        *model_parts(root, inventory, sha256),
        *data_parts(root, inventory, sha256),
        *reference_parts(refs),
        *remote_parts(root, inventory),
        *library_parts(declarations(root, inventory)),
        *container_parts(root, inventory),
    ]
    _link_datasets(parts)
    return parts


def _link_datasets(parts: Sequence[Part]) -> None:
    """Point a model card's declared datasets at the data components of the same name."""
    data = {p.name: p.ref for p in parts if p.kind is Kind.DATA}
    for part in parts:
        if part.kind is not Kind.MODEL:
            continue
        named = part.facts.get("declared-datasets", "").split(",")
        named += re.findall(r"`([^`\s]+)`", part.facts.get("training-data", ""))
        refs = sorted({data[name] for name in named if name in data})
        if refs:
            parameters = part.model_card.setdefault("modelParameters", {})
            parameters["datasets"] = [{"ref": ref} for ref in refs]
            part.depends_on.update(refs)


def build(
    root: Path,
    inventory: Inventory,
    *,
    timestamp: str,
    snapshot: advisories.Snapshot | None = None,
    sha256: Sha256 | None = None,
) -> Built:
    """Return the CycloneDX 1.6 BOM of the repository at ``root`` (``sha256``: see collect)."""
    parts = collect(root, inventory, sha256)
    snapshot = snapshot if snapshot is not None else advisories.load_snapshot()
    matches = advisories.match_parts(parts, snapshot)
    scores = completeness.score(parts, bool(inventory.git), snapshot)
    name = Path(inventory.root).name or "repository"
    root_ref = f"application:{name}"
    root_component: dict[str, Any] = {"type": "application", "bom-ref": root_ref, "name": name}
    if inventory.git and inventory.git.commit:
        root_component["version"] = inventory.git.commit
    dependencies: dict[str, list[str]] = {root_ref: [p.ref for p in parts]}
    for part in parts:
        dependencies[part.ref] = sorted(part.depends_on)
    components = [component(p) for p in completeness.annotate(parts, scores)]
    bom = document(
        root=root_component,
        components=components,
        dependencies=dependencies,
        vulnerabilities=advisories.vulnerabilities(matches, snapshot),
        bom_properties=[
            *completeness.bom_properties(scores),
            *advisories.snapshot_properties(snapshot),
        ],
        tool_version=__version__,
        timestamp=timestamp,
    )
    return Built(bom, tuple(parts), len(matches))
