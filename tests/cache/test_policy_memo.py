"""The policy loader's memo: a control file seen valid is not validated again, and no other.

The taxonomy and each pack's ``pack.yaml`` are remembered the same way (two more entries for a
scan of one pack), so that a warm scan validates nothing.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from mlsec_policy.analyzers import ANALYZERS
from mlsec_policy.errors import PolicyErrors
from mlsec_policy.policy import load_policy
from tests.test_policy_loader import GOOD_CONTROL, make_pack

SCHEMA_FILES = 2
"""The taxonomy and the pack file, remembered valid besides the control files."""


class Memo:
    """An in-memory memo that counts what the loader asks."""

    def __init__(self) -> None:
        self.valid: set[str] = set()
        self.asked = 0

    def known_valid(self, key: str) -> bool:
        self.asked += 1
        return key in self.valid

    def remember_valid(self, key: str) -> None:
        self.valid.add(key)


def test_a_remembered_control_loads_the_same(tmp_path: Path) -> None:
    pack = str(make_pack(tmp_path, GOOD_CONTROL))
    memo = Memo()
    first = load_policy((pack,), ANALYZERS, memo)
    assert len(memo.valid) == 1 + SCHEMA_FILES
    again = load_policy((pack,), ANALYZERS, memo)
    assert again == first
    assert load_policy((pack,), ANALYZERS) == first


def test_a_changed_control_is_validated_again_and_never_remembered_broken(
    tmp_path: Path,
) -> None:
    root = make_pack(tmp_path, GOOD_CONTROL)
    memo = Memo()
    load_policy((str(root),), ANALYZERS, memo)
    broken = GOOD_CONTROL.replace("phase: model-storage", "phase: model-storing")
    (root / "controls" / "c" / "control.yaml").write_text(broken, encoding="utf-8")
    for _attempt in range(2):
        with pytest.raises(PolicyErrors) as caught:
            load_policy((str(root),), ANALYZERS, memo)
        assert "unknown phase" in caught.value.diagnostics()
    assert len(memo.valid) == 1 + SCHEMA_FILES


def test_a_changed_pack_file_is_validated_again(tmp_path: Path) -> None:
    root = make_pack(tmp_path, GOOD_CONTROL)
    memo = Memo()
    load_policy((str(root),), ANALYZERS, memo)
    pack_file = root / "pack.yaml"
    pack_file.write_text(pack_file.read_text(encoding="utf-8") + "colour: blue\n", "utf-8")
    for _attempt in range(2):
        with pytest.raises(PolicyErrors) as caught:
            load_policy((str(root),), ANALYZERS, memo)
        assert "colour" in caught.value.diagnostics()
    assert len(memo.valid) == 1 + SCHEMA_FILES


def test_the_bundled_pack_is_remembered_control_by_control() -> None:
    memo = Memo()
    first = load_policy(("builtin",), ANALYZERS, memo)
    assert len(memo.valid) == len(first.controls) + SCHEMA_FILES
    assert load_policy(("builtin",), ANALYZERS, memo) == first
