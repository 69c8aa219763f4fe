"""Personal data in committed datasets: CSV/TSV/PSV, JSON, JSON Lines and Parquet.

Only a bounded sample is read — at most ``max-rows`` records and ``max-bytes`` bytes — so a
multi-gigabyte dataset costs the same as a small one. Each value is matched by the recognisers
of :mod:`..patterns.pii`, with its column (or JSON key) name as a hint; a column whose name
announces personal data and holds values counts too. Each match is graded (low, medium, high
confidence); matches below ``min-confidence`` (medium by default) are set aside, so
placeholders, role mailboxes and numbers in sums do not make findings (see
:mod:`..patterns.pii_tally`). One observation per kind of personal data and file carries the
count, the confidence and two redacted examples — never a value.

Parquet needs ``pyarrow``; without it the file is not inspected and the check reports an
error (a dataset nobody looked at is not a pass).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any, Literal

from mlsec_policy.analyzers.base import AnalyzerError, AnalyzerSpec, FileContext, Observation
from mlsec_policy.analyzers.params import Params
from mlsec_policy.analyzers.patterns.pii import Confidence, column_kind, find_pii
from mlsec_policy.analyzers.patterns.pii_tally import PiiLedger, describe, severity
from mlsec_policy.analyzers.read.organisation import SOURCES as ORGANISATION_SOURCES
from mlsec_policy.analyzers.read.organisation import organisation
from mlsec_policy.models import ArtifactKind, Location
from mlsec_policy.textfile import decode

DEFAULT_ROWS = 2000
DEFAULT_BYTES = 8 * 1024 * 1024
DATA_DIRS = frozenset({"data", "datasets", "dataset", "raw", "processed", "samples", "exports"})
DELIMITERS = {".tsv": "\t", ".psv": "|"}
_WHITESPACE = re.compile(r"[ \t\r\n]*")


@dataclass(frozen=True, slots=True)
class PersonalData:
    """Parameters of ``personal-data``."""

    max_rows: int = DEFAULT_ROWS
    """Rows (or JSON records) sampled from the start of the file."""
    max_bytes: int = DEFAULT_BYTES
    """Bytes read from the start of the file at most."""
    min_confidence: Literal["low", "medium", "high"] = "medium"
    """The lowest confidence a match needs to be reported; lower matches are only counted."""


_Row = tuple[int | None, list[tuple[str, str]]]
"""(1-based line when known, [(column name, value)])."""


def personal_data(context: FileContext, params: PersonalData) -> Iterable[Observation]:
    """Yield one observation per kind of personal data found in the sample of a data file."""
    path = PurePosixPath(context.artifact.path)
    suffix = path.suffix.lower()
    if context.artifact.kind is ArtifactKind.CONFIG and not (
        suffix == ".json" and DATA_DIRS & {p.lower() for p in path.parts[:-1]}
    ):
        return
    threshold = Confidence.parse(params.min_confidence)
    rows = _rows(context, suffix, params.max_rows, params.max_bytes)
    if rows is None:
        return
    owner = organisation(context.root)
    ledger = PiiLedger(threshold)
    for line, cells in rows:
        for column, value in cells:
            hint = column_kind(column) if column else None
            found = find_pii(
                value, hint, label=column, own_domains=owner.domains, own_names=owner.names
            )
            for match in found:
                ledger.add(match, line, column)
    for kind, tally in ledger.findings():
        yield Observation(
            Location(context.artifact.path, tally.line),
            message=f"the dataset sample holds personal data: {describe(kind, tally)}",
            severity=severity(kind, tally),
            key=f"pii:{kind.name}",
        )


def _rows(
    context: FileContext, suffix: str, max_rows: int, max_bytes: int
) -> Iterator[_Row] | None:
    if suffix in {".csv", ".tsv", ".psv"}:
        return _csv_rows(context, DELIMITERS.get(suffix, ","), max_rows, max_bytes)
    if suffix in {".jsonl", ".ndjson"} or context.artifact.format in {"jsonl", "json-seq"}:
        # a .json file of several values (classified by content) holds one record per value
        return _jsonl_rows(context, max_rows, max_bytes)
    if suffix == ".json":
        return _json_rows(context, max_rows, max_bytes)
    if suffix == ".parquet":
        return _parquet_rows(context, max_rows)
    return None


def _sample(context: FileContext, max_bytes: int) -> str:
    data = context.read_bytes(max_bytes)
    if len(data) == max_bytes:
        data = data[: data.rfind(b"\n") + 1] or data  # drop the partial last record
    return decode(data)


def _csv_rows(
    context: FileContext, delimiter: str, max_rows: int, max_bytes: int
) -> Iterator[_Row]:
    reader = csv.reader(io.StringIO(_sample(context, max_bytes)), delimiter=delimiter)
    header: list[str] = []
    try:
        for index, row in enumerate(reader):
            if index == 0 and not any(_numeric(cell) for cell in row):
                header = row
                continue
            if index > max_rows:
                return
            named = [(header[i] if i < len(header) else "", cell) for i, cell in enumerate(row)]
            yield reader.line_num, named
    except csv.Error as exc:
        raise AnalyzerError(f"the CSV sample cannot be read: {exc}", kind="parse-error") from None


def _numeric(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def _jsonl_rows(context: FileContext, max_rows: int, max_bytes: int) -> Iterator[_Row]:
    """Yield the records of JSON Lines, or of JSON values that follow one another."""
    text = _sample(context, max_bytes)
    decoder = json.JSONDecoder()
    position, count, line, counted = 0, 0, 1, 0
    while count < max_rows:
        start = _WHITESPACE.match(text, position).end()  # type: ignore[union-attr]
        if start >= len(text):
            return
        line, counted = line + text.count("\n", counted, start), start
        try:
            record, position = decoder.raw_decode(text, start)
        except ValueError:
            # a bad line in a sample is not a reason to stop looking: go on at the next line
            newline = text.find("\n", start)
            if newline < 0:
                return
            position = newline + 1
            continue
        count += 1
        yield line, list(_flatten(record))


def _json_rows(context: FileContext, max_rows: int, max_bytes: int) -> Iterator[_Row]:
    text = _sample(context, max_bytes) if context.artifact.size > max_bytes else context.read_text()
    decoder = json.JSONDecoder()
    stripped = text.lstrip()
    if stripped.startswith("[") and context.artifact.size > max_bytes:
        position, count = text.index("[") + 1, 0
        while count < max_rows:  # a large array: decode records one by one from the sample
            while position < len(text) and text[position] in " \t\r\n,":
                position += 1
            try:
                record, position = decoder.raw_decode(text, position)
            except ValueError:
                return
            count += 1
            yield None, list(_flatten(record))
        return
    try:
        document = json.loads(text)
    except ValueError:
        return  # not JSON after all; other checks report invalid configuration
    records = document if isinstance(document, list) else [document]
    for record in records[:max_rows]:
        yield None, list(_flatten(record))


def _flatten(value: object, key: str = "", depth: int = 0) -> Iterator[tuple[str, str]]:
    """Yield (nearest key, text) for every scalar of a JSON record."""
    if depth > 20:
        return
    if isinstance(value, dict):
        for name, item in value.items():
            yield from _flatten(item, str(name), depth + 1)
    elif isinstance(value, list):
        for item in value[:1000]:
            yield from _flatten(item, key, depth + 1)
    elif value is not None and not isinstance(value, bool):
        yield key, str(value)


def _parquet_rows(context: FileContext, max_rows: int) -> Iterator[_Row]:
    try:
        import pyarrow.parquet as pq  # type: ignore[import-not-found, import-untyped, unused-ignore]
    except ImportError:
        raise AnalyzerError(
            "the Parquet file was not inspected for personal data: pyarrow is not installed",
            kind="dependency-missing",
            hint="pip install 'mlsec-policy[parquet]' (adds pyarrow), or exclude the file",
        ) from None
    try:
        parquet = pq.ParquetFile(str(context.path))
        batch = next(parquet.iter_batches(batch_size=max_rows), None)
    except (OSError, ValueError) as exc:
        raise AnalyzerError(f"the Parquet file cannot be read: {exc}", kind="parse-error") from None
    if batch is None:
        return
    for record in batch.to_pylist():
        yield None, list(_flatten(record))


SPEC = AnalyzerSpec(
    name="personal-data",
    description="Personal data (e-mail, phone, SSN, cards, IBAN, IP, birth dates) in datasets.",
    kinds=frozenset({ArtifactKind.DATA_FILE, ArtifactKind.CONFIG}),
    params=Params.beside(PersonalData, __name__, "personal-data"),
    file=personal_data,
    self_contained=True,
    also_reads=ORGANISATION_SOURCES,
)

SPECS: tuple[AnalyzerSpec[Any], ...] = (SPEC,)
"""The analyzers of this domain, for the registry."""
