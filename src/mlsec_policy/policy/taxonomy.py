"""The taxonomy file: layers, lifecycle phases and risk codes, checked against each other."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

from mlsec_policy.errors import PolicyError, PolicyErrors
from mlsec_policy.models import LayerInfo, PhaseInfo, RiskInfo, Taxonomy
from mlsec_policy.policy.collect import Collector, read_yaml
from mlsec_policy.schema_check import check_document
from mlsec_policy.yamlpos import Document

TAXONOMY_FILE = "taxonomy.yaml"


def load_taxonomy(
    path: Path,
    check: Callable[[Document, str, str], list[PolicyError]] = check_document,
) -> Taxonomy:
    """Load and check the taxonomy file (phases, layers, risk codes).

    ``check`` validates the document against its schema (the loader's may remember a file
    found valid before: :func:`.loader.load_policy`).
    """
    collect = Collector()
    document = read_yaml(path, collect, path.parent)
    if document is None:
        raise PolicyErrors(collect.errors)
    collect.add(check(document, "taxonomy.schema.json", str(path)))
    if collect.errors:
        raise PolicyErrors(collect.errors)
    data = cast(dict[str, Any], document.data)
    layers = tuple(LayerInfo(item["id"], item["title"]) for item in data["layers"])
    layer_ids = {layer.id for layer in layers}
    phases = tuple(
        PhaseInfo(item["id"], item["title"], item["layer"], order, item["description"])
        for order, item in enumerate(data["phases"], start=1)
    )
    phase_ids = {phase.id for phase in phases}
    for index, phase in enumerate(phases):
        if phase.layer not in layer_ids:
            where = document.positions.of(("phases", index, "layer"))
            collect.error(f"phase {phase.id!r} names unknown layer {phase.layer!r}", path, where)
    risks = tuple(
        RiskInfo(item["id"], item["title"], item["phase"], item["description"])
        for item in data["risks"]
    )
    seen: set[str] = set()
    for index, risk in enumerate(risks):
        if risk.phase not in phase_ids:
            where = document.positions.of(("risks", index, "phase"))
            collect.error(f"risk {risk.id!r} names unknown phase {risk.phase!r}", path, where)
        if risk.id in seen:
            collect.error(
                f"duplicate risk code {risk.id!r}", path, document.positions.of(("risks", index))
            )
        seen.add(risk.id)
    if collect.errors:
        raise PolicyErrors(collect.errors)
    return Taxonomy(layers, phases, risks)
