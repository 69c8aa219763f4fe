"""A missing-evidence finding is shown where the evidence belongs: the project's own code."""

from __future__ import annotations

from pathlib import Path

from mlsec_policy.options import ScanOptions
from mlsec_policy.scan import scan
from tests.conftest import write_tree

TRAINING = "def step(loss, optimizer):\n    loss.backward()\n    optimizer.step()\n"


def test_the_anchor_prefers_product_code_to_examples_tests_and_benchmarks(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "bench.py": TRAINING,
            "examples/demo.py": TRAINING,
            "a_tests/test_step.py": TRAINING,
            "trainer/loop.py": "import os\n\n" + TRAINING,
        },
    )
    report = scan(
        ScanOptions(target=tmp_path, only_controls=("MLSEC-TRAIN-01",), source_date_epoch=0)
    )
    (result,) = report.results
    assert [(f.location.path, f.location.start_line) for f in result.findings] == [
        ("trainer/loop.py", 4)
    ]


def test_without_product_code_the_first_match_is_the_anchor(tmp_path: Path) -> None:
    write_tree(tmp_path, {"examples/b.py": TRAINING, "examples/a.py": TRAINING})
    report = scan(
        ScanOptions(target=tmp_path, only_controls=("MLSEC-TRAIN-01",), source_date_epoch=0)
    )
    (result,) = report.results
    assert [(f.location.path, f.location.start_line) for f in result.findings] == [
        ("examples/a.py", 2)
    ]
