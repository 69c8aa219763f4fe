"""The policy loader's memo: a control file seen valid is not validated again, and no other."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlsec_policy.analyzers import ANALYZERS
from mlsec_policy.errors import PolicyErrors
from mlsec_policy.policy import load_policy
from tests.test_policy_loader import GOOD_CONTROL, make_pack


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
    assert len(memo.valid) == 1
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
    assert len(memo.valid) == 1


def test_the_bundled_pack_is_remembered_control_by_control() -> None:
    memo = Memo()
    first = load_policy(("builtin",), ANALYZERS, memo)
    assert len(memo.valid) == len(first.controls)
    assert load_policy(("builtin",), ANALYZERS, memo) == first
