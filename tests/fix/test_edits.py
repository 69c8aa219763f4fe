"""The edit path every fix goes through: positions, overlaps, safe files, the parse guard."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from mlsec_policy.fix.apply import apply_fixes
from mlsec_policy.fix.edits import EditConflict, apply, text_edit
from mlsec_policy.fix.files import FixRefused, parses, read_text, write_text
from mlsec_policy.fix.native_fixes import (
    dockerfile_user,
    line_edits,
    notebook_strip_outputs,
    workflow_read_permissions,
)
from mlsec_policy.models import FileChange, Finding, FixProposal, Location, Severity, TextEdit


def finding(path: str, line: int, edits: tuple[TextEdit, ...], print_: str = "0" * 32) -> Finding:
    """Return an active finding at ``path:line`` whose fix makes ``edits``."""
    return Finding(
        "MLSEC-TEST-01",
        "test-check",
        Severity.HIGH,
        "m",
        Location(path, line),
        print_,
        fix=FixProposal("d", (FileChange(path, edits),)),
    )


def test_edits_apply_by_line_and_column_across_lines() -> None:
    text = "a = f(x)\nb = g(\n  y,\n)\n"
    start = text.index("g(")
    end = text.index(")\n", start) + 1
    edit = text_edit(text, start, end, "g(y, z=1)")
    assert (edit.start_line, edit.start_column, edit.end_line, edit.end_column) == (2, 5, 4, 2)
    assert apply(text, [edit]) == "a = f(x)\nb = g(y, z=1)\n"


def test_overlapping_edits_are_refused_and_identical_ones_merge() -> None:
    text = "abcdef\n"
    one = TextEdit(1, 2, 1, 5, "X")
    assert apply(text, [one, one]) == "aXef\n"
    with pytest.raises(EditConflict):
        apply(text, [one, TextEdit(1, 4, 1, 6, "Y")])
    with pytest.raises(EditConflict):  # two insertions at one place: their order is a guess
        apply(text, [TextEdit(1, 1, 1, 1, "X"), TextEdit(1, 1, 1, 1, "Y")])
    with pytest.raises(EditConflict):
        apply(text, [TextEdit(3, 1, 3, 1, "X")])


def test_an_overlapping_fix_is_set_aside_and_the_other_applied(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("x = f(1)\n", encoding="utf-8")
    first = finding("a.py", 1, (TextEdit(1, 5, 1, 9, "g(1)"),), "1" * 32)
    second = finding("a.py", 1, (TextEdit(1, 7, 1, 8, "2"),), "2" * 32)
    outcome = apply_fixes([first, second], tmp_path, write=True)
    assert (tmp_path / "a.py").read_text(encoding="utf-8") == "x = g(1)\n"
    assert outcome.fixed == 1
    assert [r.finding.fingerprint for r in outcome.refused] == ["2" * 32]


def test_a_fix_that_breaks_parsing_is_refused_and_the_file_kept(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("x = f(1)\n", encoding="utf-8")
    broken = finding("a.py", 1, (TextEdit(1, 9, 1, 9, ", y=)"),))
    outcome = apply_fixes([broken], tmp_path, write=True)
    assert (tmp_path / "a.py").read_text(encoding="utf-8") == "x = f(1)\n"
    assert outcome.files == ()
    assert "no longer parse" in outcome.refused[0].reason


def test_dry_run_writes_nothing(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("x = f(1)\n", encoding="utf-8")
    outcome = apply_fixes(
        [finding("a.py", 1, (TextEdit(1, 5, 1, 9, "g(1)"),))], tmp_path, write=False
    )
    assert (tmp_path / "a.py").read_text(encoding="utf-8") == "x = f(1)\n"
    assert outcome.files[0].after == "x = g(1)\n"
    assert "+x = g(1)" in outcome.files[0].diff()


@pytest.mark.skipif(os.name != "posix", reason="symlinks")
def test_symlinks_are_never_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "a.py").write_text("x = f(1)\n", encoding="utf-8")
    target = tmp_path / "target"
    target.mkdir()
    (target / "link.py").symlink_to(outside / "a.py")
    (target / "dir").symlink_to(outside)
    for path in ("link.py", "dir/a.py", "../outside/a.py"):
        with pytest.raises(FixRefused):
            read_text(target, path)
        outcome = apply_fixes(
            [finding(path, 1, (TextEdit(1, 5, 1, 9, "g(1)"),))], target, write=True
        )
        assert outcome.files == () and outcome.refused
    assert (outside / "a.py").read_text(encoding="utf-8") == "x = f(1)\n"


def test_rewrite_keeps_permissions_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    script = tmp_path / "run.py"
    script.write_text("print(1)\n", encoding="utf-8")
    script.chmod(0o751)
    write_text(tmp_path, "run.py", "print(2)\n")
    assert script.read_text(encoding="utf-8") == "print(2)\n"
    assert script.stat().st_mode & 0o777 == 0o751
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run.py"]


def test_parse_guard_knows_each_kind() -> None:
    assert parses("a.py", "x = 1\n") is True
    assert parses("a.py", "x = (\n") is False
    assert parses("a.py", "f(filter=1, filter=2)\n") is False  # the parser alone accepts it
    assert parses("c.yml", "a: [1, 2]\n") is True
    assert parses("c.yml", "a: [1, 2\n") is False
    assert parses("n.ipynb", "{}") is True
    assert parses("n.ipynb", "{") is False
    assert parses("Dockerfile", "FROM x\nUSER 1\n") is True
    assert parses("notes.txt", "anything") is None


def test_dockerfile_user_goes_before_the_final_command() -> None:
    text = 'FROM a AS build\nCMD x\nFROM b\nRUN y\nENTRYPOINT ["z"]\n'
    assert dockerfile_user(text, finding("Dockerfile", 3, ())) == (
        'FROM a AS build\nCMD x\nFROM b\nRUN y\nUSER 10001:10001\nENTRYPOINT ["z"]\n'
    )
    assert dockerfile_user("FROM b\nRUN y", finding("Dockerfile", 1, ())) == (
        "FROM b\nRUN y\nUSER 10001:10001\n"
    )


def test_notebook_outputs_are_cleared_as_json_cells() -> None:
    notebook: dict[str, Any] = {
        "cells": [
            {"cell_type": "markdown", "metadata": {}, "source": ["# é"]},
            {
                "cell_type": "code",
                "execution_count": 3,
                "metadata": {},
                "outputs": [{"output_type": "stream", "name": "stdout", "text": ["/home/ann"]}],
                "source": ["print(1)"],
            },
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    text = json.dumps(notebook, indent=1, ensure_ascii=False) + "\n"
    new = notebook_strip_outputs(text, finding("n.ipynb", 1, ()))
    assert new is not None and new.endswith("}\n") and "# é" in new
    cleared = json.loads(new)
    assert cleared["cells"][1]["outputs"] == []
    assert cleared["cells"][1]["execution_count"] is None
    assert cleared["cells"][0] == notebook["cells"][0]
    assert notebook_strip_outputs("{not json", finding("n.ipynb", 1, ())) is None


def test_workflow_write_all_becomes_contents_read() -> None:
    text = "on: push\njobs:\n  a:\n    permissions: 'write-all'  # too much\n    runs-on: x\n"
    new = workflow_read_permissions(text, finding("ci.yml", 4, ()))
    assert new == (
        "on: push\njobs:\n  a:\n    permissions:  # too much\n"
        "      contents: read\n    runs-on: x\n"
    )
    assert workflow_read_permissions(text, finding("ci.yml", 3, ())) is None


def test_line_edits_hold_only_the_changed_lines() -> None:
    before = "a\nsecret = 1\nold\nkeep\nold2\n"
    after = "a\nsecret = 1\nnew\nkeep\n"
    edits = line_edits(before, after)
    assert apply(before, edits) == after
    assert [e.text for e in edits] == ["new\n", ""]
    assert all("secret" not in e.text for e in edits)
