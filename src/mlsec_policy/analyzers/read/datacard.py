"""The item and label field names a dataset card declares for the data files it describes.

A dataset card is a ``README.md`` whose YAML front matter has dataset keys (``task_categories``,
``dataset_info``, ``train-eval-index``...) or a datasheet (``DATASHEET.md``, ``DATA_CARD.md``,
``datacard.md``, ``dataset_card.md``) with front matter; it describes the data files of its folder
and below, and the nearest card wins (as in the ML-BOM's data cards). Its front matter is read
with the safe YAML reader (positions kept, never a full loader); a card over 1 MiB, a symbolic
link or a card that cannot be read declares nothing.

Two declarations name fields: a ``train-eval-index`` entry's ``col_mapping`` (the dataset's column
mapped to the task's ``text``/``target`` names), and ``dataset_info.features``, where the
feature typed ``class_label`` (or a sequence of them) is the label and the first feature of
dtype ``string`` is the item. The mapping wins over the features. This module reads; what the
names mean for a check is the analyzer's to decide.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from mlsec_policy.yamlpos import Document, YamlError, load_single

SHEETS = ("datasheet.md", "data_card.md", "datacard.md", "dataset_card.md")
"""Datasheet file names (compared lower-case)."""
DATASET_KEYS = frozenset(
    {
        "task_categories",
        "task_ids",
        "size_categories",
        "annotations_creators",
        "language_creators",
        "source_datasets",
        "multilinguality",
        "pretty_name",
        "dataset_info",
        "configs",
        "train-eval-index",
    }
)
"""Front matter keys that make a ``README.md`` a dataset card rather than a model card (the
ML-BOM's data cards use the same table)."""
MAX_CARD = 1024 * 1024
ITEM_ROLES = frozenset({"text", "sentence", "sentence1", "question", "context", "tokens", "image"})
"""Task column names of a ``col_mapping`` that hold the annotated item."""
LABEL_ROLES = frozenset({"target", "label", "labels", "tags", "ner_tags"})
"""Task column names of a ``col_mapping`` that hold the annotation."""


@dataclass(frozen=True, slots=True)
class CardFields:
    """The field names one card declares, and where."""

    card: str
    """The card's path, relative to the scanned root."""
    line: int
    """The line of the declaration the names come from."""
    item: str | None
    label: str | None


def card_fields(root: Path, path: str) -> CardFields | None:
    """Return what the nearest dataset card above ``path`` declares, or None without a card.

    A card that names no label field still wins over cards further up: it is the one that
    describes the file, and it declares nothing a check could use.
    """
    for folder in folders(path):
        for name in _card_names(root / folder):
            relative = name if folder == "." else f"{folder}/{name}"
            fields = _read(root, relative, readme=name.lower() == "readme.md")
            if fields is not None:
                return fields if fields.label is not None else None
    return None


def folders(path: str) -> Iterator[str]:
    """Yield the folders holding ``path``, nearest first, the root (``.``) last."""
    folder = PurePosixPath(path).parent
    while True:
        yield str(folder)
        if str(folder) == ".":
            return
        folder = folder.parent


def _card_names(folder: Path) -> list[str]:
    """Return the card file names of a folder, datasheets before the README."""
    try:
        names = {p.name.lower(): p.name for p in folder.iterdir()}
    except OSError:
        return []
    return [names[n] for n in (*SHEETS, "readme.md") if n in names]


def _read(root: Path, relative: str, *, readme: bool) -> CardFields | None:
    """Return the card's declared fields (label None: a card that names none), or None."""
    path = root / relative
    try:
        if path.is_symlink() or not path.is_file() or path.stat().st_size > MAX_CARD:
            return None
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    if not text.startswith("---") or (end := text.find("\n---", 3)) < 0:
        return None
    try:
        document = load_single(text[3:end])
    except YamlError:
        return None
    data = document.data if isinstance(document.data, dict) else {}
    if readme and not data.keys() & DATASET_KEYS:
        return None
    found = _mapping(data.get("train-eval-index")) or _features(data.get("dataset_info"))
    if found is None:
        return CardFields(relative, 1, None, None)
    key, item, label = found
    return CardFields(relative, _line(document, key), item, label)


def _line(document: Document, key: str) -> int:
    position = document.positions.of_key((key,))
    # the front matter text starts on the card's first line, just after its "---"
    return position[0] if position else 1


def _mapping(index: object) -> tuple[str, str | None, str] | None:
    """Return the item and label columns of the first ``col_mapping`` that maps a label."""
    for entry in index if isinstance(index, list) else []:
        mapping = entry.get("col_mapping") if isinstance(entry, dict) else None
        if not isinstance(mapping, Mapping):
            continue
        roles = {str(role): str(column) for column, role in mapping.items()}
        label = next((roles[r] for r in sorted(LABEL_ROLES) if r in roles), None)
        if label is not None:
            item = next((roles[r] for r in sorted(ITEM_ROLES) if r in roles), None)
            return "train-eval-index", item, label
    return None


def _features(info: object) -> tuple[str, str | None, str] | None:
    """Return the first string feature and the class-label feature of the first config."""
    if isinstance(info, list):
        info = info[0] if info else None
    features = info.get("features") if isinstance(info, dict) else None
    item = label = None
    for feature in features if isinstance(features, list) else []:
        if not isinstance(feature, dict) or not isinstance(feature.get("name"), str):
            continue
        if label is None and _holds_class_label(feature):
            label = feature["name"]
        elif item is None and feature.get("dtype") == "string":
            item = feature["name"]
    return ("dataset_info", item, label) if label is not None else None


def _holds_class_label(value: object, depth: int = 0) -> bool:
    """Return True when a feature is typed ``class_label``, itself or in a sequence of them.

    Cards write it as ``dtype: {class_label: ...}``, as a ``class_label`` key of the feature,
    or under ``sequence`` (several labels per record).
    """
    if not isinstance(value, dict) or depth > 3:
        return False
    if "class_label" in value:
        return True
    return any(_holds_class_label(value.get(k), depth + 1) for k in ("dtype", "sequence"))
