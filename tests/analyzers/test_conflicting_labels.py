"""Conflicting labels: the same item annotated twice with different labels in a data file."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlsec_policy.analyzers.base import AnalyzerError, FileContext
from mlsec_policy.analyzers.data_files.labels import SPEC, conflicting_labels
from mlsec_policy.models import Artifact, ArtifactKind
from mlsec_policy.options import ScanOptions
from mlsec_policy.scan import scan
from tests.conftest import write_tree


def _scan(
    root: Path, path: str, kind: ArtifactKind = ArtifactKind.DATA_FILE, /, **params: int
) -> list[tuple[int | None, tuple[int | None, ...], str]]:
    artifact = Artifact(path, kind, (root / path).stat().st_size)
    return [
        (o.location.start_line, tuple(r.start_line for r in o.related), o.message or "")
        for o in conflicting_labels(FileContext(root, artifact), SPEC.parse_params(dict(params)))
    ]


def test_csv_counts_items_and_names_the_first_pair(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {"d.csv": "text,label\na b,x\nc,y\nA  b ,z\nc,w\nd,x\nc,y\n"},
    )
    [(line, related, message)] = _scan(tmp_path, "d.csv")
    assert (line, related) == (2, (4,))
    assert message.startswith("2 items carry different labels in the 'label' field")
    assert "e.g. line 2 and line 4 (6 records read)" in message


def test_item_text_never_appears_in_the_message(tmp_path: Path) -> None:
    rows = "email,label\njane.doe@example-mail.com,spam\njane.doe@example-mail.com,ham\n"
    write_tree(tmp_path, {"d.csv": rows})
    assert _scan(tmp_path, "d.csv") == []  # "email" names no item field
    write_tree(tmp_path, {"e.csv": rows.replace("email,", "text,")})
    [(_, _, message)] = _scan(tmp_path, "e.csv")
    assert "jane" not in message and "example-mail" not in message


def test_labels_compare_as_sets_and_numbers(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "same.jsonl": '{"text": "a", "labels": ["x", "y"]}\n'
            '{"text": "A", "labels": ["Y", "x"]}\n'
            '{"text": "b", "label": 1}\n{"text": "b", "label": "1.0"}\n',
            "diff.jsonl": '{"text": "a", "labels": ["x", "y"]}\n{"text": "a", "labels": ["x"]}\n',
        },
    )
    assert _scan(tmp_path, "same.jsonl") == []
    [(line, related, _)] = _scan(tmp_path, "diff.jsonl")
    assert (line, related) == (1, (2,))


def test_json_documents_name_records(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "data/columns.json": '{"sentence": ["p", "q", "P"], "category": [1, 2, 3]}',
            "data/wrapped.json": '{"v": 1, "data": [{"id": 7, "y": 0}, {"id": 7, "y": 1}]}',
            "conf/settings.json": '[{"text": "a", "label": 1}, {"text": "a", "label": 2}]',
        },
    )
    [(line, related, message)] = _scan(tmp_path, "data/columns.json", ArtifactKind.CONFIG)
    assert (line, related) == (None, ())
    assert "e.g. record 1 and record 3 (3 records read)" in message
    [(_, _, message)] = _scan(tmp_path, "data/wrapped.json", ArtifactKind.CONFIG)
    assert "'y' field for the same 'id'" in message
    # a JSON file outside a data folder is configuration, not data
    assert _scan(tmp_path, "conf/settings.json", ArtifactKind.CONFIG) == []


def test_sample_is_bounded(tmp_path: Path) -> None:
    rows = "".join(f"item {i},a\n" for i in range(300)) + "item 1,b\n"
    write_tree(tmp_path, {"d.csv": "text,label\n" + rows})
    assert _scan(tmp_path, "d.csv", ArtifactKind.DATA_FILE, **{"max-rows": 100}) == []
    [(_, _, message)] = _scan(tmp_path, "d.csv")
    assert "(301 records read)" in message
    filler = "".join(f"filler {i},a\n" for i in range(2000))
    write_tree(tmp_path, {"big.csv": "text,label\nitem,a\nitem,b\n" + filler})
    [(_, _, message)] = _scan(tmp_path, "big.csv", ArtifactKind.DATA_FILE, **{"max-bytes": 1024})
    assert message.endswith("records read, not the whole file)")


def test_malformed_files_are_errors(tmp_path: Path) -> None:
    write_tree(tmp_path, {"data/t.json": '[{"text": "a", "label": 1}', "t.jsonl": "{oops\n{no\n"})
    with pytest.raises(AnalyzerError, match="cannot be parsed"):
        _scan(tmp_path, "data/t.json", ArtifactKind.CONFIG)
    with pytest.raises(AnalyzerError, match="no record"):
        _scan(tmp_path, "t.jsonl")


def test_unlabelled_and_headerless_files_are_skipped(tmp_path: Path) -> None:
    write_tree(tmp_path, {"a.csv": "text\nx\nx\n", "b.csv": "1,x\n1,y\n", "c.tsv": "id\tclass\n"})
    assert _scan(tmp_path, "a.csv") == []
    assert _scan(tmp_path, "b.csv") == []
    assert _scan(tmp_path, "c.tsv") == []


def test_a_malformed_file_loses_nothing_in_a_scan(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "train.py": "import sklearn\nimport pandas as pd\nframe = pd.read_csv('d.csv')\n",
            "data/broken.json": '[{"text": "a", "label": 1}',
            "data/train.csv": "text,label\na,1\nb,2\na,2\n",
        },
    )
    report = scan(ScanOptions(target=tmp_path, source_date_epoch=0))
    errors = [(e.path, e.message[:30]) for e in report.errors if "labels" in e.message]
    assert errors == [("data/broken.json", "the JSON data file cannot be p")]
    [result] = [r for r in report.results if r.control.id == "MLSEC-DATA-01"]
    found = [(f.check_id, f.location.path, f.location.start_line) for f in result.findings]
    assert ("conflicting-labels", "data/train.csv", 2) in found


@pytest.mark.parametrize(
    ("name", "row"),
    [
        ("far.csv", "{item},{label}\n"),
        ("far.tsv", "{item}\t{label}\n"),
        ("far.jsonl", '{{"text": "{item}", "label": "{label}"}}\n'),
    ],
)
def test_a_contradiction_thousands_of_records_apart_is_found(
    tmp_path: Path, name: str, row: str
) -> None:
    # a real emotion corpus holds the same tweet at lines 366 and 6565: the whole byte-bounded
    # sample is compared, not only its first few thousand records
    header = {"far.csv": "text,label\n", "far.tsv": "text\tlabel\n", "far.jsonl": ""}[name]
    body = [row.format(item=f"tweet number {i}", label="joy") for i in range(7000)]
    body[6500] = row.format(item="Tweet number 12", label="anger")
    write_tree(tmp_path, {name: header + "".join(body)})
    [(line, related, message)] = _scan(tmp_path, name)
    offset = 1 if header else 0
    assert (line, related) == (13 + offset, (6501 + offset,))
    assert "(7000 records read)" in message
    # the record bound still holds when a pack sets one
    assert _scan(tmp_path, name, ArtifactKind.DATA_FILE, **{"max-rows": 5000}) == []
