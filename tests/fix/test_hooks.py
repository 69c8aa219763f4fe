"""The nbstripout set-up a notebook fix adds: text edits that keep every line of the file."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from mlsec_policy.fix.hooks import FILTER_LINE, LOCAL_HOOK, ConfigEdit, stripping_setup
from tests.conftest import write_tree

INDENTED = """\
# hooks for everyone
repos:
  - repo: https://github.com/psf/black
    rev: 24.8.0   # pinned by renovate
    hooks:
      - id: black
  # isort after black
  - repo: https://github.com/PyCQA/isort
    rev: 5.13.2
    hooks:
      - id: isort
ci:
  autofix_prs: false
"""
FLUSH = "repos:\n- repo: https://github.com/psf/black\n  rev: 24.8.0\n  hooks:\n  - id: black"
"""A list at the key's own column, and no newline at the end of the file."""


def edited(tmp_path: Path, files: dict[str, str]) -> ConfigEdit:
    """Return the set-up edit for a tree of ``files``."""
    setup = stripping_setup(write_tree(tmp_path, files))
    assert isinstance(setup, ConfigEdit), setup
    return setup


@pytest.mark.parametrize("text", [INDENTED, FLUSH, INDENTED.replace("\n", "\r\n")])
def test_the_hook_is_appended_and_nothing_is_lost(tmp_path: Path, text: str) -> None:
    edit = edited(tmp_path, {".pre-commit-config.yaml": text, ".gitattributes": "* text=auto\n"})
    assert edit.path == ".pre-commit-config.yaml"
    assert edit.todo == "pip install nbstripout, then pre-commit install"
    before, after = yaml.safe_load(text), yaml.safe_load(edit.after)
    assert after["repos"] == [*before["repos"], LOCAL_HOOK]
    assert {k: v for k, v in after.items() if k != "repos"} == {
        k: v for k, v in before.items() if k != "repos"
    }
    new = edit.after.splitlines()
    at = next(i for i, line in enumerate(new) if line.strip() == "- repo: local")
    added = new[at : at + 7]
    assert new[:at] + new[at + 7 :] == text.splitlines()  # every old line kept, in order
    assert ("\r\n" in edit.after) == ("\r\n" in text)
    assert "rev:" not in "".join(added)  # a local hook: no version to guess


def test_the_hook_goes_inside_repos_before_the_next_key(tmp_path: Path) -> None:
    after = edited(tmp_path, {".pre-commit-config.yaml": INDENTED}).after
    assert after.index("- repo: local") < after.index("\nci:")
    assert "  - repo: local\n    hooks:\n      - id: nbstripout\n" in after


@pytest.mark.parametrize(
    ("files", "says"),
    [
        (
            {".pre-commit-config.yaml": "repos:\n  - repo: https://github.com/kynan/nbstripout\n"},
            ".pre-commit-config.yaml already names nbstripout",
        ),
        ({".pre-commit-config.yaml": "repos: []\n"}, "a shape this fix does not edit"),
        ({".pre-commit-config.yaml": "repos: [\n"}, "a shape this fix does not edit"),
        ({}, "run: pip install nbstripout && nbstripout --install --attributes .gitattributes"),
    ],
)
def test_no_edit_where_the_shape_is_unknown_or_the_tool_is_there(
    tmp_path: Path, files: dict[str, str], says: str
) -> None:
    setup = stripping_setup(write_tree(tmp_path, files))
    assert isinstance(setup, str) and says in setup


def test_without_pre_commit_the_filter_line_is_added(tmp_path: Path) -> None:
    text = "# LFS\n*.safetensors filter=lfs diff=lfs merge=lfs -text"
    edit = edited(tmp_path, {".gitattributes": text})
    assert edit.after == f"{text}\n{FILTER_LINE}\n"
    assert "nbstripout --install --attributes .gitattributes" in edit.todo
