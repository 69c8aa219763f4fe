"""How complete the BOM is, by the element clusters of the G7 "SBOM for AI — minimum elements".

The G7 Cybersecurity Working Group's guidance (published by BSI, 12 May 2026) groups the
minimum elements into seven clusters: metadata, system-level properties, models, dataset
properties, key performance indicators, infrastructure and security properties. The elements
checked here are the ones a repository can show; ``docs/ml-bom.md`` lists them and says which
ones no repository can (a signature, the producer's identity). Each component is scored on the
clusters that apply to its kind; the BOM on every cluster. A score is present / expected, and
every missing element is named.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from mlsec_policy.analyzers.read.advisories import Snapshot
from mlsec_policy.bom.parts import Kind, Part

CLUSTERS = ("metadata", "system", "models", "datasets", "kpis", "infrastructure", "security")


@dataclass
class Score:
    """Present and missing elements, per cluster."""

    present: dict[str, int] = field(default_factory=dict)
    expected: dict[str, int] = field(default_factory=dict)
    missing: dict[str, list[str]] = field(default_factory=dict)

    def add(self, cluster: str, element: str, ok: bool) -> None:
        """Count one element of ``cluster``."""
        self.expected[cluster] = self.expected.get(cluster, 0) + 1
        self.present[cluster] = self.present.get(cluster, 0) + int(ok)
        if not ok:
            self.missing.setdefault(cluster, []).append(element)

    def ratio(self, cluster: str | None = None) -> float:
        """Return the share of present elements (of one cluster, or the mean over clusters)."""
        if cluster is not None:
            expected = self.expected.get(cluster, 0)
            return self.present.get(cluster, 0) / expected if expected else 0.0
        clusters = [c for c in CLUSTERS if self.expected.get(c)]
        return sum(self.ratio(c) for c in clusters) / len(clusters) if clusters else 0.0


def _elements(part: Part) -> Iterator[tuple[str, str, bool]]:
    """Yield (cluster, element, present) for the elements that apply to ``part``'s kind."""
    facts = part.facts
    if part.kind is Kind.MODEL:
        hub = "hub-repository" in facts
        card = part.model_card
        yield "models", "identifier", bool(part.hashes or part.files or hub)
        yield "models", "version", facts.get("revision-pinned") == "pinned" or not hub
        yield "models", "producer", part.group is not None or bool(part.ancestors)
        yield "models", "model-card", "model-card" in facts
        yield "models", "architecture", "modelArchitecture" in card.get("modelParameters", {})
        yield "models", "license", "license" in facts
        yield "models", "hash", bool(part.hashes or part.files)
        yield (
            "datasets",
            "training-data",
            bool(card.get("modelParameters", {}).get("datasets") or "training-data" in facts),
        )
        yield (
            "kpis",
            "performance-metrics",
            bool(card.get("quantitativeAnalysis")) or ("evaluation" in facts),
        )
        yield "security", "artifact-verdict", "artifact-verdict" in facts or hub
        yield "security", "remote-code", facts.get("trust-remote-code") != "true"
    elif part.kind is Kind.DATA:
        hub = "hub-repository" in facts
        # what a URL serves can change, unless the code checks it against a digest
        remote = "remote-url" in facts and not part.hashes
        yield "datasets", "identity", True
        yield (
            "datasets",
            "version",
            facts.get("revision-pinned") == "pinned" or not (hub or remote),
        )
        yield "datasets", "hash", bool(part.hashes) or hub
        yield (
            "datasets",
            "sensitivity",
            hub or not facts.get("personal-data", "not").startswith("not"),
        )
        if not (hub or "remote-url" in facts):  # their cards are not in the repository
            yield "datasets", "data-card", "data-card" in facts or "description" in part.data
            yield "datasets", "license", "license" in facts
    elif part.kind is Kind.LIBRARY:
        yield "system", "version", part.version is not None
        yield "system", "purl", part.purl is not None
        yield "security", "locked", "locked" in facts.get("dependency", "")
    elif part.kind is Kind.CONTAINER:
        yield "infrastructure", "digest", facts.get("digest-pinned") == "true"


def score(parts: Sequence[Part], has_git: bool, snapshot: Snapshot) -> dict[str, Score]:
    """Return the score of each component by ref, and of the BOM under the key ``""``."""
    scores: dict[str, Score] = {}
    whole = Score()
    for part in parts:
        mine = Score()
        for cluster, element, ok in _elements(part):
            mine.add(cluster, element, ok)
            whole.add(cluster, f"{element} ({part.name})", ok)
        scores[part.ref] = mine
    kinds = {p.kind for p in parts}
    for element, ok in (
        ("timestamp", True),
        ("tool", True),
        ("dependency-relationships", True),
        ("author", False),
        ("signature", False),
    ):
        whole.add("metadata", element, ok)
    whole.add("system", "source-revision", has_git)
    whole.add("system", "dependencies", Kind.LIBRARY in kinds)
    whole.add("models", "models-listed", Kind.MODEL in kinds)
    whole.add("datasets", "datasets-listed", Kind.DATA in kinds)
    whole.add("infrastructure", "runtime-images", Kind.CONTAINER in kinds)
    whole.add("security", f"advisories ({snapshot.date})", bool(snapshot.advisories))
    whole.add(
        "kpis", "metrics-declared", any(p.model_card.get("quantitativeAnalysis") for p in parts)
    )
    scores[""] = whole
    return scores


def annotate(parts: Sequence[Part], scores: dict[str, Score]) -> list[Part]:
    """Add each component's score and missing elements to its facts; return the parts."""
    for part in parts:
        mine = scores.get(part.ref)
        if mine is None or not mine.expected:
            continue
        part.facts["completeness"] = f"{mine.ratio():.2f}"
        missing = [f"{c}:{e}" for c in CLUSTERS for e in mine.missing.get(c, [])]
        if missing:
            part.facts["completeness:missing"] = ", ".join(missing)
    return list(parts)


def bom_properties(scores: dict[str, Score]) -> list[tuple[str, str]]:
    """Return the BOM-level completeness properties: overall, per cluster, missing."""
    whole = scores[""]
    out = [("completeness", f"{whole.ratio():.2f}")]
    for cluster in CLUSTERS:
        if whole.expected.get(cluster):
            out.append((f"completeness:{cluster}", f"{whole.ratio(cluster):.2f}"))
        missing = whole.missing.get(cluster, [])
        if missing:
            shown = ", ".join(missing[:20]) + (
                f" (+{len(missing) - 20} more)" if len(missing) > 20 else ""
            )
            out.append((f"completeness:missing:{cluster}", shown))
    return out
