"""The findings' GitHub line hashes, remembered by text and lines, are the hashes computed."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

import pytest

from mlsec_policy.cache import ResultStore, digest
from mlsec_policy.cache.linememo import LineHashMemo
from mlsec_policy.fingerprint import line_hashes
from mlsec_policy.models import JsonValue
from mlsec_policy.options import CacheSettings, ScanOptions
from mlsec_policy.report.sarif import render
from mlsec_policy.scan import scan
from tests.conftest import write_tree

TEXTS = [
    ("a = 1\nb = 2\n", [1, 2, 3, 4]),
    ("x\r\ny\rz", [3, 1, 1]),
    ("", [1, 2]),
    ("import torch\n" * 300 + "torch.load('m.pt')\n", [301, 5, 299]),
]


class Counting:
    """The real hasher, counting its calls."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, text: str, wanted: Iterable[int]) -> dict[int, str]:
        self.calls += 1
        return line_hashes(text, wanted)


@pytest.mark.parametrize(("text", "wanted"), TEXTS)
def test_remembered_hashes_are_the_computed_ones(
    tmp_path: Path, text: str, wanted: list[int]
) -> None:
    counting = Counting()
    first = LineHashMemo(ResultStore(tmp_path / "cache", 1 << 30), counting)
    assert first(text, wanted) == line_hashes(text, wanted)
    again = LineHashMemo(ResultStore(tmp_path / "cache", 1 << 30), counting)
    assert again(text, wanted) == line_hashes(text, wanted)
    assert counting.calls == 1  # the second store found them


@pytest.mark.parametrize(
    "entry",
    [
        {"1": "81b8d8db678b2bbe:1"},  # a line the text has is missing
        {"1": "81b8d8db678b2bbe:1", "2": "ade70578248be16f:1", "3": "x"},  # not a hash
        {"1": "a:1", "2": "b:1", "3": "c:1", "4": "d:1"},  # a line past the end
        ["81b8d8db678b2bbe:1"],
        "81b8d8db678b2bbe:1",
    ],
)
def test_an_entry_of_another_shape_is_computed_again(tmp_path: Path, entry: JsonValue) -> None:
    text, wanted = TEXTS[0]
    store = ResultStore(tmp_path / "cache", 1 << 30)
    content = hashlib.sha256(text.encode()).hexdigest()
    store.put(digest("line-hashes", content, sorted(set(wanted))), entry)
    counting = Counting()
    assert LineHashMemo(store, counting)(text, wanted) == line_hashes(text, wanted)
    assert counting.calls == 1


def test_sarif_is_the_same_cold_warm_and_without_a_cache(tmp_path: Path) -> None:
    target = write_tree(
        tmp_path / "repo",
        {"train.py": "import torch\n\n\nmodel = torch.load('model.pt')\n", "b.py": "eval(x)\n"},
    )
    cache = CacheSettings(tmp_path / "cache")
    plain = ScanOptions(target=target, source_date_epoch=1700000000)
    cached = ScanOptions(target=target, source_date_epoch=1700000000, cache=cache)
    without = render(scan(plain))
    assert "primaryLocationLineHash" in without
    assert render(scan(cached)) == without
    assert render(scan(cached)) == without
