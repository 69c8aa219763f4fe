"""Records of a committed data file: a bounded sample of CSV/TSV/PSV, JSON, JSON Lines, Parquet.

At most ``max_rows`` records and ``max_bytes`` bytes are read from the start of the file, so a
multi-gigabyte dataset costs the same as a small one. Each record is a list of (nearest column
or JSON key, scalar text). Parquet needs ``pyarrow``; without it the reader raises an
:class:`AnalyzerError` (a dataset nobody looked at is not a pass).
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from pathlib import PurePosixPath

from mlsec_policy.analyzers.base import AnalyzerError, FileContext
from mlsec_policy.models import ArtifactKind
from mlsec_policy.textfile import decode, json_int, load_json

DELIMITERS = {".tsv": "\t", ".psv": "|"}
DATA_DIRS = frozenset({"data", "datasets", "dataset", "raw", "processed", "samples", "exports"})
"""Folders whose ``.json`` files hold data, not configuration."""
_WHITESPACE = re.compile(r"[ \t\r\n]*")

Row = tuple[int | None, list[tuple[str, str]]]
"""(1-based line when known, [(column name, value)])."""


def holds_records(context: FileContext) -> bool:
    """Return True for a data file, or a ``.json`` configuration file kept in a data folder."""
    path = PurePosixPath(context.artifact.path)
    if context.artifact.kind is not ArtifactKind.CONFIG:
        return True
    return path.suffix.lower() == ".json" and bool(DATA_DIRS & {p.lower() for p in path.parts[:-1]})


def rows(context: FileContext, suffix: str, max_rows: int, max_bytes: int) -> Iterator[Row] | None:
    """Return the sampled records of a data file by its suffix (None: not a record format)."""
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


def _csv_rows(context: FileContext, delimiter: str, max_rows: int, max_bytes: int) -> Iterator[Row]:
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


def _jsonl_rows(context: FileContext, max_rows: int, max_bytes: int) -> Iterator[Row]:
    """Yield the records of JSON Lines, or of JSON values that follow one another."""
    text = _sample(context, max_bytes)
    decoder = json.JSONDecoder(parse_int=json_int)
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
        yield line, list(flatten(record))


def _json_rows(context: FileContext, max_rows: int, max_bytes: int) -> Iterator[Row]:
    text = _sample(context, max_bytes) if context.artifact.size > max_bytes else context.read_text()
    decoder = json.JSONDecoder(parse_int=json_int)
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
            yield None, list(flatten(record))
        return
    try:
        document = load_json(text)
    except ValueError:
        return  # not JSON after all; other checks report invalid configuration
    records = document if isinstance(document, list) else [document]
    for record in records[:max_rows]:
        yield None, list(flatten(record))


def flatten(value: object, key: str = "", depth: int = 0) -> Iterator[tuple[str, str]]:
    """Yield (nearest key, text) for every scalar of a JSON record."""
    if depth > 20:
        return
    if isinstance(value, dict):
        for name, item in value.items():
            yield from flatten(item, str(name), depth + 1)
    elif isinstance(value, list):
        for item in value[:1000]:
            yield from flatten(item, key, depth + 1)
    elif value is not None and not isinstance(value, bool):
        yield key, str(value)


def _parquet_rows(context: FileContext, max_rows: int) -> Iterator[Row]:
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
        yield None, list(flatten(record))
