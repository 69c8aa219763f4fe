"""The pack digest names the files that decide results, and nothing a pack keeps for its tests.

Fixture folders (``tests/`` anywhere in a pack) change no result: editing or adding a fixture
leaves the digest alone, so CI caches keyed by it (``mlsec-policy digest``) stay warm. Any
change to a control, the pack file or another pack file changes it. The walk never enters a
fixture folder, and the control files it yields are the ones outside fixture folders, sorted.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from mlsec_policy.policy.packs import control_files, pack_digest
from tests.conftest import EXAMPLES

CONTROL = "controls/model-deployment/ACME-REG-01/control.yaml"
FIXTURES = "controls/model-deployment/ACME-REG-01/tests"


@pytest.fixture
def pack(tmp_path: Path) -> Path:
    root = tmp_path / "pack"
    shutil.copytree(EXAMPLES / "custom-pack", root)
    return root


def test_fixtures_do_not_enter_the_digest(pack: Path) -> None:
    before = pack_digest(pack)
    (pack / FIXTURES / "fail" / "Dockerfile").write_text("FROM scratch\n", encoding="utf-8")
    (pack / FIXTURES / "new-case").mkdir()
    (pack / FIXTURES / "new-case" / "app.py").write_text("x = 1\n", encoding="utf-8")
    (pack / "controls" / "__pycache__").mkdir()
    (pack / "controls" / "__pycache__" / "stale.pyc").write_bytes(b"\0")
    assert pack_digest(pack) == before


@pytest.mark.parametrize(
    "changed", [CONTROL, "pack.yaml", "README.md", "controls/model-deployment/notes.txt"]
)
def test_every_policy_file_enters_the_digest(pack: Path, changed: str) -> None:
    before = pack_digest(pack)
    path = pack / changed
    path.write_text(
        (path.read_text(encoding="utf-8") if path.exists() else "") + "\n# edited\n",
        encoding="utf-8",
    )
    assert pack_digest(pack) != before


def test_a_renamed_policy_file_changes_the_digest(pack: Path) -> None:
    before = pack_digest(pack)
    (pack / "README.md").rename(pack / "READ-ME.md")
    assert pack_digest(pack) != before


def test_control_files_are_sorted_and_leave_fixture_folders_out(pack: Path) -> None:
    second = pack / "controls" / "model-deployment" / "ACME-REG-00" / "control.yaml"
    second.parent.mkdir()
    second.write_text((pack / CONTROL).read_text(encoding="utf-8"), encoding="utf-8")
    (pack / FIXTURES / "decoy.yaml").write_text("id: NOT-A-CONTROL\n", encoding="utf-8")
    assert list(control_files(pack)) == [second, pack / CONTROL]
