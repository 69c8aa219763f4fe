"""The cyclic collector's thresholds while a command runs (``cli.collector``)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

import mlsec_policy.cli as cli_package
from mlsec_policy.cli import run
from mlsec_policy.cli.collector import THRESHOLDS, fewer_collections
from mlsec_policy.pyparse import syntax_tree

SOURCE_FILES = sorted((Path(cli_package.__file__).parent.parent / "analyzers").rglob("*.py"))


@pytest.fixture
def default_thresholds() -> Iterator[None]:
    """Run the test with CPython's default thresholds, whatever the process had."""
    before = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    yield
    gc.set_threshold(*before)


def _collections_while_parsing() -> int:
    """Parse this package's analyzers, keeping each tree a while; count the collections."""
    counted = [0]

    def count(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            counted[0] += 1

    gc.collect()
    gc.callbacks.append(count)
    try:
        kept = []
        for path in SOURCE_FILES:
            kept.append(syntax_tree(path.read_bytes()))
            if len(kept) > 4:
                kept.pop(0)  # a file's tree lives while its analyzers run, then dies
    finally:
        gc.callbacks.remove(count)
    return counted[0]


def test_a_command_runs_with_the_thresholds_and_puts_them_back(
    default_thresholds: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[tuple[int, int, int]] = []

    def command(**_: object) -> int:
        seen.append(gc.get_threshold())
        return 0

    monkeypatch.setattr(cli_package.cli, "main", command)
    assert run(["scan", "."]) == 0
    assert seen == [THRESHOLDS]
    assert gc.get_threshold() == (700, 10, 10)


def test_the_thresholds_are_put_back_when_the_block_fails(default_thresholds: None) -> None:
    with pytest.raises(RuntimeError), fewer_collections():
        assert gc.get_threshold() == THRESHOLDS
        raise RuntimeError("a command failed")
    assert gc.get_threshold() == (700, 10, 10)


def test_parsing_real_sources_collects_far_less_often(default_thresholds: None) -> None:
    assert len(SOURCE_FILES) > 50
    by_default = _collections_while_parsing()
    with fewer_collections():
        fewer = _collections_while_parsing()
    assert by_default > 100
    assert fewer * 5 < by_default
