"""Which committed data files are datasets that need a data card (``dataset-files``).

A file of data kind counts as a dataset unless what it holds shows it is something else:

- **a handful of records**, read in full: fewer than ``min-records`` (an example request, a
  fixture, a few prompt templates are not a collection anyone needs provenance for);
- **HTTP requests**: records that carry an HTTP method and a URL or endpoint (a batch-API input
  file, recorded calls to a service);
- **measurements of runs**: records that carry a timing or throughput figure together with the
  machine or build it was taken on (host name, GPU, CUDA, git commit): benchmark results.

Requests and measurements rule a file out when they make up at least three records in four of
the sample (a results file keeps the runs that failed, with an error in place of the timing).

A file whose records cannot be read (a binary format, a sample that does not parse, Parquet
without ``pyarrow``) or that is larger than the part read stays a dataset: only what was seen
can rule a file out. Repository-level: yields the first ``limit`` datasets in inventory order,
so the data card finding keeps the anchor it had when every data file counted.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath

from mlsec_policy.analyzers.base import (
    AnalyzerError,
    AnalyzerSpec,
    FileContext,
    Observation,
    RepoContext,
)
from mlsec_policy.analyzers.data_files import records
from mlsec_policy.analyzers.params import Params
from mlsec_policy.models import ArtifactKind, Location
from mlsec_policy.textfile import load_json

SAMPLE_ROWS = 200
SAMPLE_BYTES = 1024 * 1024
HTTP_METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"})
ADDRESS_KEYS = frozenset({"url", "uri", "endpoint"})
TIMING = re.compile(
    r"(?:^|_)(?:time|latency|duration|elapsed|runtime|throughput|seconds|secs|ms|tps|qps|rps)"
    r"(?:$|_)|per_?s(?:ec(?:ond)?)?$|tokens?_per_",
    re.IGNORECASE,
)
RUN_ENVIRONMENT = re.compile(
    r"^(?:host_?name|git_?(?:sha|commit|hash|rev)|commit(?:_sha)?|n_?gpus?|num_?gpus|gpus?"
    r"|gpu_(?:name|type|model)|cuda(?:_version)?|device_name|torch_version|python_version)$",
    re.IGNORECASE,
)
"""Keys naming the machine or build a figure was measured on (not the data's own columns)."""


@dataclass(frozen=True, slots=True)
class DatasetFiles:
    """Parameters of ``dataset-files``."""

    min_records: int = 10
    """A file read in full with fewer records is an example, not a dataset."""
    limit: int | None = 1
    """Report at most this many datasets."""


_Record = list[tuple[str, str]]


def dataset_files(context: RepoContext, params: DatasetFiles) -> Iterable[Observation]:
    """Yield one observation per data file that holds a dataset, in inventory order."""
    found = 0
    for artifact in context.artifacts:
        if params.limit is not None and found >= params.limit:
            return
        if artifact.size < 1 or not is_dataset(context.file(artifact), params.min_records):
            continue
        found += 1
        yield Observation(Location(artifact.path), key=artifact.path)


def is_dataset(context: FileContext, min_records: int) -> bool:
    """Return False only when the file's records show it is not a dataset (see the module)."""
    sample = _sample(context)
    if sample is None:
        return True
    rows, complete = sample
    if complete and len(rows) < min_records:
        return False
    shaped = [row for row in rows if row]
    if not shaped:
        return True
    other = sum(1 for row in shaped if is_request(row) or is_measurement(row))
    return other * 4 < len(shaped) * 3


def is_request(row: _Record) -> bool:
    """Return True for a record of an HTTP call: an HTTP method beside a URL or endpoint."""
    keys = {key.lower() for key, _ in row}
    method = any(key.lower() == "method" and value.upper() in HTTP_METHODS for key, value in row)
    return method and bool(keys & ADDRESS_KEYS)


def is_measurement(row: _Record) -> bool:
    """Return True for a record of a timed run: a timing figure and the machine or build."""
    keys = [key for key, _ in row]
    return any(TIMING.search(k) for k in keys) and any(RUN_ENVIRONMENT.match(k) for k in keys)


def _sample(context: FileContext) -> tuple[list[_Record], bool] | None:
    """Return (sampled records, whether they are the whole file), or None when unreadable."""
    artifact = context.artifact
    suffix = PurePosixPath(artifact.path).suffix.lower()
    fits = artifact.size <= SAMPLE_BYTES
    if suffix == ".json" and artifact.format not in {"jsonl", "json-seq"}:
        return _json_document(context) if fits else None
    try:
        rows = records.rows(context, suffix, SAMPLE_ROWS, SAMPLE_BYTES)
        sampled = None if rows is None else [cells for _, cells in rows]
    except AnalyzerError:
        return None
    if sampled is None:
        return None
    return sampled, fits and len(sampled) < SAMPLE_ROWS


def _json_document(context: FileContext) -> tuple[list[_Record], bool] | None:
    """Return the records of one JSON document: a list, or the longest list of an object."""
    try:
        document = load_json(context.read_text())
    except (ValueError, OSError):
        return None
    items: Sequence[object]
    if isinstance(document, list):
        items = document
    elif isinstance(document, dict):
        lists = [value for value in document.values() if isinstance(value, list)]
        keyed = len(document) > 1 and all(isinstance(v, dict) for v in document.values())
        if lists:
            items = max(lists, key=len)
        elif keyed:
            items = list(document.values())  # records keyed by their ids
        else:
            items = [document]
    else:
        return None
    return [list(records.flatten(item)) for item in items[:SAMPLE_ROWS]], True


SPEC = AnalyzerSpec(
    name="dataset-files",
    description="Data files that hold datasets (not examples, HTTP requests or run timings).",
    kinds=frozenset({ArtifactKind.DATA_FILE}),
    params=Params.beside(DatasetFiles, __name__, "dataset-files"),
    repo=dataset_files,
)
