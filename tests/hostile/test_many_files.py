"""20,000 files (issue 13, filesystem): the scan ends, counts every file, keeps the violation.

Too slow for CI on a shared two-core machine (building and scanning the tree takes minutes),
so it runs in the long profile only (``MLSEC_FUZZ=long``, as the long fuzzing run); its time
and memory are measured by ``benchmarks/hostile.py`` (case ``many-files-20k``). The bound on
time is the scan's subprocess time-out, which fails the test instead of hanging.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fuzz.budget import LONG
from tests.hostile import corpus
from tests.hostile.shapes import MANY_FILES, many_files
from tests.hostile.test_hostile_corpus import CHECK, assert_sound, scan


@pytest.mark.slow
@pytest.mark.skipif(not LONG, reason="long profile only (MLSEC_FUZZ=long): minutes of work")
def test_twenty_thousand_files_are_all_inventoried_and_the_violation_kept(tmp_path: Path) -> None:
    root = tmp_path / "root"
    many_files(root, tmp_path / "outside")
    run = scan(root, tmp_path / "out")
    assert_sound(run)
    assert run.code == 1
    assert ("app.py", corpus.PLAIN_LINE) in run.places(*CHECK)
    assert run.report["inventory_counts"]["python"] == MANY_FILES + 1
