"""Which data files are datasets: examples, HTTP requests and run timings are not."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest

from mlsec_policy.analyzers.base import FileContext
from mlsec_policy.analyzers.data_files.datasets import SAMPLE_BYTES, is_dataset
from mlsec_policy.models import Artifact, ArtifactKind
from tests.conftest import write_tree


def _dataset(root: Path, path: str, text: str, fmt: str | None = None) -> bool:
    write_tree(root, {path: text})
    size = (root / path).stat().st_size
    return is_dataset(FileContext(root, Artifact(path, ArtifactKind.DATA_FILE, size, fmt)), 10)


def _lines(records: Sequence[Mapping[str, object]]) -> str:
    return "".join(json.dumps(r) + "\n" for r in records)


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        ({"version": "2", "data": [{"question": f"q{i}", "answer": "a"} for i in range(12)]}, True),
        ({f"id-{i}": {"text": f"t{i}", "label": i % 2} for i in range(12)}, True),
        ({"name": "settings", "threshold": 0.5}, False),
        ([{"text": "one"}, {"text": "two"}], False),
    ],
)
def test_a_json_document_counts_its_records(
    tmp_path: Path, document: object, expected: bool
) -> None:
    assert _dataset(tmp_path, "data/d.json", json.dumps(document)) is expected


def test_a_file_larger_than_the_sample_is_not_ruled_out_by_its_count(tmp_path: Path) -> None:
    padding = "x" * (SAMPLE_BYTES + 10)
    assert _dataset(tmp_path, "data/big.json", json.dumps({"blob": padding}))


def test_unreadable_records_keep_the_file_a_dataset(tmp_path: Path) -> None:
    assert _dataset(tmp_path, "data/table.xlsx", "PK\x03\x04 not really a workbook")
    assert _dataset(tmp_path, "data/broken.json", "{not json at all")


def test_a_few_odd_records_do_not_unmake_a_dataset(tmp_path: Path) -> None:
    calls = [{"method": "GET", "url": f"/items/{i}", "note": "recorded"} for i in range(2)]
    texts = [{"text": f"sentence {i}", "label": i % 3} for i in range(20)]
    assert _dataset(tmp_path, "data/mixed.jsonl", _lines(calls) + _lines(texts))
    assert not _dataset(tmp_path, "data/calls.jsonl", _lines(calls * 10))


def test_a_method_that_is_not_http_is_data(tmp_path: Path) -> None:
    rows = [{"method": "gradient boosting", "url": f"https://x.example/{i}"} for i in range(12)]
    assert _dataset(tmp_path, "data/methods.jsonl", _lines(rows))


def test_runs_that_failed_stay_in_a_results_file(tmp_path: Path) -> None:
    run = {"hostname": "node-1", "git_sha": "ab12cd3", "gpus": "1 x L4"}
    timed = [{**run, "batch": b, "generate_time": 0.1 * b} for b in range(1, 13)]
    failed = [{**run, "batch": b, "exception": "out of memory"} for b in range(13, 16)]
    assert not _dataset(tmp_path, "bench/perf.jsonl", _lines(timed) + _lines(failed))
