"""Labelled data that contradicts itself: the same item annotated twice with different labels.

A bounded sample of the file is read (:mod:`.records`: at most ``max-bytes`` bytes from the
start, and ``max-rows`` records, by default a bound the bytes reach first; a JSON document is
read whole only when it fits in ``max-bytes``). The whole sample is compared, since the two
records of a contradiction are as often thousands of lines apart as next to each other; the
records stream through, so only the items seen so far are held. The item and its label are
found by their field names (:data:`ITEM_FIELDS`, :data:`LABEL_FIELDS`, the first name present
wins); a file without both is not labelled data and is skipped. Items are compared normalised
(stripped, case-folded, runs of white space made one space); labels as sets (a multi-label
record holds several), numbers as numbers, words case-folded. One observation per file counts
the items that carry two or more different labels and names the first such pair of lines
(records, for a JSON document) — never an item's text, which may hold personal data.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath

from mlsec_policy.analyzers.base import AnalyzerError, AnalyzerSpec, FileContext, Observation
from mlsec_policy.analyzers.data_files import records
from mlsec_policy.analyzers.params import Params
from mlsec_policy.analyzers.read.datacard import CardFields, card_fields
from mlsec_policy.models import ArtifactKind, FlowStep, Location
from mlsec_policy.textfile import load_json

ITEM_FIELDS = (
    "text", "sentence", "content", "prompt", "question", "input", "query", "review", "document",
    "utterance", "image", "image_path", "file", "filename", "path", "url", "id", "uid", "guid",
)  # fmt: skip
"""Field names that hold the annotated item, most telling first (a text beats its id)."""
LABEL_FIELDS = (
    "label", "labels", "target", "targets", "class", "class_label", "category", "categories",
    "sentiment", "intent", "tag", "tags", "y", "gold_label", "answer",
)  # fmt: skip
"""Field names that hold the annotation."""
_SPACE = re.compile(r"\s+")
_HEAD = 50
PARQUET_ROWS = 100_000
"""Records of a Parquet file read at most (one batch, held in memory)."""
"""Records whose field names are read to find the item and label fields."""


@dataclass(frozen=True, slots=True)
class ConflictingLabels:
    """Parameters of ``conflicting-labels``."""

    max_rows: int = 1_000_000
    """Records read from the start of the file at most (``max_bytes`` usually stops first)."""
    max_bytes: int = 8 * 1024 * 1024
    """Bytes read from the start of the file at most."""


@dataclass(slots=True)
class _Sample:
    """The records read (streamed once), whether they are the whole file, how a place is named."""

    head: list[records.Row]
    """The first records, read ahead to find the field names."""
    rest: Iterator[records.Row]
    complete: bool
    unit: str  # "line" or "record"
    limit: int | None = None
    """The record bound of the reader: reaching it means the file may go on."""
    count: int = 0
    """Records read, known once :func:`_conflicts` has consumed the sample."""


def _sample(rows: Iterable[records.Row], complete: bool, unit: str | None = None) -> _Sample:
    """Read the first records ahead and keep the rest as a stream."""
    stream = iter(rows)
    head = list(itertools.islice(stream, _HEAD))
    if unit is None:
        unit = "line" if head and head[0][0] else "record"
    return _Sample(head, stream, complete, unit)


def conflicting_labels(context: FileContext, params: ConflictingLabels) -> Iterable[Observation]:
    """Yield one observation for a data file in which one item carries different labels."""
    path = PurePosixPath(context.artifact.path)
    suffix = path.suffix.lower()
    if not records.holds_records(context):
        return
    sample = _read(context, suffix, params)
    if sample is None or not sample.head:
        return
    card = card_fields(context.root, context.artifact.path)
    fields = _fields(sample.head, card)
    if fields is None:
        return
    conflicts = _conflicts(sample, *fields)
    if not conflicts:
        return
    first, second = conflicts[0]
    read = f"{sample.count} records read" + ("" if sample.complete else ", not the whole file")
    items = "1 item carries" if len(conflicts) == 1 else f"{len(conflicts)} items carry"
    yield Observation(
        Location(context.artifact.path, first if sample.unit == "line" else None),
        message=(
            f"{items} different labels in the {fields[1]!r} field for the same {fields[0]!r}, "
            f"e.g. {sample.unit} {first} and {sample.unit} {second} ({read})"
        ),
        key="conflicting-labels",
        related=(Location(context.artifact.path, second),) if sample.unit == "line" else (),
        flow=_declared(card, fields),
    )


def _read(context: FileContext, suffix: str, params: ConflictingLabels) -> _Sample | None:
    """Return the bounded sample of the file's records, or None for a format without records."""
    artifact = context.artifact
    if suffix == ".json" and artifact.format not in {"jsonl", "json-seq"}:
        if artifact.size > params.max_bytes:
            rows = records.rows(context, suffix, params.max_rows, params.max_bytes)
            return None if rows is None else _sample(rows, False, "record")
        return _json_document(context, params.max_rows)
    # a Parquet batch is not bounded by bytes: its records are bounded on their own
    limit = min(params.max_rows, PARQUET_ROWS) if suffix == ".parquet" else params.max_rows
    rows = records.rows(context, suffix, limit, params.max_bytes)
    if rows is None:
        return None
    sample = _sample(rows, artifact.size <= params.max_bytes)
    sample.limit = limit
    if not sample.head and artifact.size > 0 and suffix in {".jsonl", ".ndjson"}:
        raise AnalyzerError(
            "no record of the JSON Lines file could be read, so its labels were not compared",
            kind="parse-error",
        )
    return sample


def _json_document(context: FileContext, max_rows: int) -> _Sample:
    """Return the records of a JSON document (a list, a wrapper's list, or equal columns).

    A wrapper object holds its records in a list (``{"data": [...]}``, the longest is taken); a
    column-wise export holds one list per field, all of one length.
    """
    try:
        document = load_json(context.read_text())
    except ValueError as exc:
        raise AnalyzerError(
            f"the JSON data file cannot be parsed, so its labels were not compared: {exc}",
            kind="parse-error",
        ) from None
    items: Sequence[object] = []
    if isinstance(document, list):
        items = document
    elif isinstance(document, dict):
        columns = {k: v for k, v in document.items() if isinstance(v, list)}
        lengths = {len(v) for v in columns.values()}
        if len(columns) > 1 and len(columns) == len(document) and len(lengths) == 1:
            keys = list(columns)
            columnwise = zip(*columns.values(), strict=True)
            items = [dict(zip(keys, values, strict=True)) for values in columnwise]
        elif columns:
            items = max(columns.values(), key=len)
    rows: list[records.Row] = [
        (index, list(records.flatten(item)))
        for index, item in enumerate(items[:max_rows], start=1)
        if isinstance(item, dict)
    ]
    return _sample(rows, len(items) <= max_rows, "record")


def _fields(rows: Sequence[records.Row], card: CardFields | None) -> tuple[str, str] | None:
    """Return the (item, label) field names of the records, or None when either is absent.

    A field the dataset card declares wins when the records have it; the common names stand in
    for what the card leaves out.
    """
    names = {column.lower(): column for _, cells in rows[:_HEAD] for column, _ in cells if column}
    declared_item = card.item.lower() if card is not None and card.item else None
    declared_label = card.label.lower() if card is not None and card.label else None
    item = names.get(declared_item or "") or next(
        (names[n] for n in ITEM_FIELDS if n in names), None
    )
    label = names.get(declared_label or "") or next(
        (names[n] for n in LABEL_FIELDS if n in names), None
    )
    if item is None or label is None or item == label:
        return None
    return item, label


def _declared(card: CardFields | None, fields: tuple[str, str]) -> tuple[FlowStep, ...]:
    """Return the card's declaration as the source of the field names it named, if any."""
    if card is None or {card.item, card.label}.isdisjoint(fields):
        return ()
    return (FlowStep(Location(card.card, card.line), "the dataset card names the fields here"),)


def _conflicts(sample: _Sample, item_field: str, label_field: str) -> list[tuple[int, int]]:
    """Return, per item with two different labels, its first place and the first that differs."""
    seen: dict[str, tuple[int, frozenset[object]]] = {}
    found: dict[str, tuple[int, int]] = {}
    number = 0
    for number, (line, cells) in enumerate(itertools.chain(sample.head, sample.rest), start=1):
        item = " ".join(_normal(v) for k, v in cells if k == item_field)
        label = frozenset(_label(v) for k, v in cells if k == label_field and v.strip())
        if not item or not label:
            continue
        place = line if line is not None else number
        if item not in seen:
            seen[item] = (place, label)
        elif seen[item][1] != label and item not in found:
            found[item] = (seen[item][0], place)
    sample.count = number
    if sample.limit is not None and number >= sample.limit:
        sample.complete = False
    return sorted(found.values())


def _normal(value: str) -> str:
    return _SPACE.sub(" ", value.strip().casefold())


def _label(value: str) -> object:
    """Return a label comparable to another: a number as a number, a word case-folded."""
    text = value.strip()
    try:
        return float(text)
    except ValueError:
        return _normal(text)


SPEC = AnalyzerSpec(
    name="conflicting-labels",
    description="Labelled data files in which the same item carries different labels.",
    kinds=frozenset({ArtifactKind.DATA_FILE, ArtifactKind.CONFIG}),
    params=Params.beside(ConflictingLabels, __name__, "conflicting-labels"),
    file=conflicting_labels,
    # the field names may come from a dataset card above the file: another file of the target
    cached=False,
)
