"""What a repository's data cards declare about the datasets it holds.

A data card is a Hugging Face dataset card (``README.md`` whose YAML front matter has dataset
keys: ``task_categories``, ``size_categories``, ``dataset_info``, ``configs``...) or a datasheet
(``DATASHEET.md``, ``DATA_CARD.md``, ``datacard.md``, ``dataset_card.md``; a ``README.md``
without front matter in a folder that holds data and is not the repository's root). It
describes the data files in its folder and below; the nearest card wins. Its front matter is
read with the safe YAML reader (positions kept, never a full loader) and its ``##`` sections by
heading words. Everything filled is ``declared`` with the card's file and line.

The personal-data sampling stays what was observed: a card that declares personal data adds a
declared line to ``sensitiveData`` and classifies the data only when the sample found none to
classify it; a card that contradicts the sample is recorded as ``personal-data-conflict``
naming both sources. A card whose front matter cannot be read says so
(``data-card-front-matter``) and its sections are still read.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from mlsec_policy.analyzers.read.datacard import DATASET_KEYS, SHEETS, folders
from mlsec_policy.bom.files import read_text
from mlsec_policy.bom.parts import Basis, Kind, Part, Source
from mlsec_policy.bom.sections import headed_sections
from mlsec_policy.yamlpos import YamlError, load_single

LISTED = (
    "language",
    "task_categories",
    "size_categories",
    "annotations_creators",
    "source_datasets",
)
"""Front matter keys kept as ``data-card:<key>`` properties (lists joined)."""
MAX_CHARS = 400
SECTIONS: Mapping[str, str] = {
    "personal and sensitive": "sensitive",
    "personal information": "sensitive",
    "sensitive": "sensitive",
    "privacy": "sensitive",
    "considerations for using": "considerations",
    "social impact": "considerations",
    "biases": "considerations",
    "known limitations": "considerations",
    "dataset summary": "description",
    "dataset description": "description",
    "description": "description",
    "motivation": "description",
    "curators": "stewards",
    "maintenance": "stewards",
    "maintainers": "stewards",
    "licensing": "license",
    "license": "license",
}
"""Words of a ``##`` heading and what its text declares; the earliest words in the heading win."""
PLACEHOLDER = re.compile(r"^\[?more information needed\]?\.?$", re.IGNORECASE)
NONE_DECLARED = re.compile(
    r"^(no|none|n/a)\b|\b(does not|doesn't|do not|don't|no)\b[^.]{0,60}"
    r"\b(personal|sensitive|pii|identif)",
    re.IGNORECASE,
)
"""A sensitive-data section that declares there is none."""


@dataclass
class Card:
    """What one data card declares, each value with its source."""

    path: str
    facts: dict[str, tuple[str, Source]] = field(default_factory=dict)
    sections: dict[str, tuple[str, Source]] = field(default_factory=dict)


def apply_data_cards(root: Path, parts: Sequence[Part]) -> None:
    """Fill the repository data components from the nearest data card above each."""
    cards: dict[str, Card | None] = {}
    holders = {str(PurePosixPath(p.name).parent) for p in parts if _local(p)}
    for part in parts:
        if not _local(part):
            continue
        for folder in folders(part.name):
            card = _card_in(root, folder, cards, folder in holders)
            if card is not None:
                _fill(part, card)
                break


def _local(part: Part) -> bool:
    return part.kind is Kind.DATA and not part.facts.keys() & {"hub-repository", "remote-url"}


def _card_in(root: Path, folder: str, seen: dict[str, Card | None], holds: bool) -> Card | None:
    """Return the data card of ``folder`` (read once), or None when it has none."""
    if folder in seen:
        return seen[folder]
    card = None
    try:
        names = sorted(p.name for p in (root / folder).iterdir() if p.is_file())
    except OSError:
        names = []
    lower = {n.lower(): n for n in names}
    for name in [*SHEETS, "readme.md"]:
        if name in lower:
            relative = str(PurePosixPath(folder) / lower[name]) if folder != "." else lower[name]
            card = read_card(root, relative, readme=name == "readme.md", holds_data=holds)
            if card is not None:
                break
    seen[folder] = card
    return card


def read_card(root: Path, path: str, *, readme: bool, holds_data: bool) -> Card | None:
    """Return the card at ``path``; a README counts only as the dataset card it shows it is."""
    text = read_text(root / path)
    if text is None:
        return None
    card = Card(path)
    body = 0
    keys: set[str] | None = None
    if text.startswith("---") and (end := text.find("\n---", 3)) > 0:
        body = end + 4
        keys = _front_matter(card, path, text[3:end])
    if readme:
        # readable front matter says what the README is (a dataset card, a model card);
        # without it, a README beside the data files of a folder other than the root is taken
        beside_data = holds_data and PurePosixPath(path).parent != PurePosixPath(".")
        if not (keys & DATASET_KEYS if keys is not None else beside_data):
            return None
    _sections(card, path, text, body)
    return card


def _front_matter(card: Card, path: str, text: str) -> set[str] | None:
    """Read the front matter into ``card``; return its keys, or None when it is unreadable."""
    try:
        document = load_single(text)
    except YamlError as exc:
        line = exc.line or 1  # the front matter text starts on the card's first line
        card.facts["data-card-front-matter"] = (
            f"unreadable: {exc.message} (line {line}); the sections were read",
            Source(Basis.DECLARED, path, line),
        )
        return None
    data: dict[str, Any] = document.data if isinstance(document.data, dict) else {}

    def where(key: str) -> Source:
        position = document.positions.of_key((key,))
        return Source(Basis.DECLARED, path, position[0] if position else 1)

    for key in ("license", *LISTED):
        value = _joined(data.get(key))
        if value:
            card.facts["license" if key == "license" else f"data-card:{key}"] = (value, where(key))
    if isinstance(data.get("pretty_name"), str):
        card.facts["pretty-name"] = (data["pretty_name"], where("pretty_name"))
    features = _features(data.get("dataset_info"))
    if features:
        card.facts["data-card:features"] = (features, where("dataset_info"))
    configs = data.get("configs")
    names = [
        c["config_name"]
        for c in (configs if isinstance(configs, list) else [])
        if isinstance(c, dict) and "config_name" in c
    ]
    if names:
        card.facts["data-card:configs"] = (", ".join(map(str, names)), where("configs"))
    return set(data)


def _joined(value: object) -> str:
    if isinstance(value, str | int | float):
        return str(value)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value if isinstance(v, str | int | float))
    return ""


def _features(info: object) -> str:
    """Return ``name (dtype)`` of the first config's features (``dataset_info.features``)."""
    if isinstance(info, list):
        info = info[0] if info else None
    features = info.get("features") if isinstance(info, dict) else None
    shown = []
    for feature in features if isinstance(features, list) else []:
        if isinstance(feature, dict) and isinstance(feature.get("name"), str):
            dtype = feature.get("dtype")
            kind = dtype if isinstance(dtype, str) else next(iter(feature.keys() - {"name"}), "")
            shown.append(f"{feature['name']} ({kind})" if kind else feature["name"])
    return ", ".join(shown)


def _sections(card: Card, path: str, text: str, start: int) -> None:
    for section in headed_sections(text, start, SECTIONS, 4, MAX_CHARS):
        if PLACEHOLDER.match(section.body):
            continue
        source = Source(Basis.DECLARED, path, section.line)
        known = card.sections.get(section.field)
        if known is None:
            card.sections[section.field] = (section.body, source)
        elif section.field == "considerations" and len(known[0]) < MAX_CHARS:
            joined = (known[0] + " " + section.body)[:MAX_CHARS]
            card.sections["considerations"] = (joined, known[1])


def _fill(part: Part, card: Card) -> None:
    """Fill one data component from its card; what the sample observed is kept."""
    part.fill("data-card", card.path, Source(Basis.DECLARED, card.path, 1))
    for name, (value, source) in sorted(card.facts.items()):
        if name == "pretty-name":
            continue
        part.fill(name, value, source)
    sections = card.sections
    if "license" in sections and "license" not in part.facts:
        text, source = sections["license"]
        part.fill("license", text.split()[0].rstrip(".,;"), source)
    described = [card.facts["pretty-name"]] if "pretty-name" in card.facts else []
    if "description" in sections:
        described.append(sections["description"])
    if described and "description" not in part.data:
        part.data["description"] = " — ".join(text for text, _ in described)[:MAX_CHARS]
        part.note("data.description", described[0][1])
    if "considerations" in sections:
        part.fill("data-card:considerations", *sections["considerations"])
    if "stewards" in sections and "governance" not in part.data:
        text, source = sections["stewards"]
        part.data["governance"] = {"stewards": [{"organization": {"name": text[:200]}}]}
        part.note("data.governance", source)
    if "sensitive" in sections:
        _sensitive(part, *sections["sensitive"])


def _sensitive(part: Part, text: str, source: Source) -> None:
    """Add the card's sensitive-data declaration beside what the sample observed."""
    part.fill("data-card:personal-data", text, source)
    none = bool(NONE_DECLARED.search(text))
    sampled = part.facts.get("personal-data", "")
    observed = part.provenance.get("personal-data")
    where = f"{source.path}:{source.line}"
    seen = observed.text().split(" ", 1)[1] if observed else part.name
    if "sensitiveData" in part.data:  # the sample found personal data: it stays the classification
        if none:
            part.fill(
                "personal-data-conflict",
                f"the data card ({where}) declares none; the sample ({seen}) found "
                f"{len(part.data['sensitiveData'])} kind(s)",
                source,
            )
        part.data["sensitiveData"].append(f"declared by the data card ({where}): {text[:200]}")
        return
    if none:
        return
    part.data["sensitiveData"] = [f"declared by the data card ({where}): {text[:200]}"]
    part.data.setdefault("classification", "personal-data")
    part.note("data.sensitiveData", source)
    part.note("data.classification", source)
    if sampled.startswith("none found"):
        part.fill(
            "personal-data-conflict",
            f"the data card ({where}) declares personal data; the sample ({seen}) found none "
            "(a sample is not the whole file)",
            source,
        )
