"""Per-file bounds of the readers we own: refused with our own error types, never a crash."""

from __future__ import annotations

from pathlib import Path
from typing import cast

import pytest
import yaml

from mlsec_policy import yamlpos
from mlsec_policy.analyzers.base import FileContext
from mlsec_policy.analyzers.tool_evidence import SecurityToolUse, security_tool_use
from mlsec_policy.models import Artifact, ArtifactKind
from mlsec_policy.textfile import JsonShape, json_shape
from mlsec_policy.views import ViewError
from mlsec_policy.views.notebook import read_cells
from mlsec_policy.yamlpos import MAX_DEPTH, MAX_NODES, YamlLimitError, load_documents
from tests.hostile.corpus import alias_bomb


def test_an_alias_bomb_is_refused_before_it_is_expanded(monkeypatch: pytest.MonkeyPatch) -> None:
    def expand(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("the bomb was being expanded")

    monkeypatch.setattr(yamlpos._Builder, "build", expand)
    with pytest.raises(YamlLimitError, match="expands to more than"):
        load_documents(alias_bomb())


def test_aliases_under_the_bound_expand_at_every_use() -> None:
    text = "base: &b {x: 1}\nuses: [*b, *b]\n"
    (document,) = load_documents(text)
    assert document.data == {"base": {"x": 1}, "uses": [{"x": 1}, {"x": 1}]}


def test_the_expansion_bound_counts_every_use_of_an_alias() -> None:
    wide = ", ".join(["0"] * 1000)
    uses = ", ".join(["*w"] * (MAX_NODES // 1000 + 1))
    with pytest.raises(YamlLimitError):
        load_documents(f"w: &w [{wide}]\nall: [{uses}]\n")


def test_nesting_past_the_depth_bound_is_refused() -> None:
    depth = MAX_DEPTH + 5
    with pytest.raises(YamlLimitError, match=r"levels deep|too deeply"):
        load_documents("a: " + "[" * depth + "]" * depth + "\n")


def test_json_nested_past_the_decoder_is_one_document_for_discovery() -> None:
    nested = "[" * 100_000 + "]" * 100_000
    assert json_shape(nested, complete=True) is JsonShape.DOCUMENT


def test_a_notebook_nested_past_the_decoder_is_a_view_error() -> None:
    nested = "[" * 100_000 + "]" * 100_000
    with pytest.raises(ViewError, match="nests too deeply"):
        read_cells('{"cells": [], "x": ' + nested + "}")


class _Unhashable:
    """An inventory entry that fails when hashed: a cache keyed by the inventory trips it."""

    def __hash__(self) -> int:
        raise AssertionError("the whole inventory was hashed for one file")


def test_work_per_file_does_not_hash_the_inventory(tmp_path: Path) -> None:
    """Each file's analyzers share what they read through the engine's memo, not a cache.

    A cache keyed by the file's context hashed every artifact of the scan for each file and
    check: quadratic in the number of files (20,000 files ran for hours).
    """
    (tmp_path / "attack.py").write_text("import foolbox\n", encoding="utf-8")
    artifact = Artifact("attack.py", ArtifactKind.PYTHON, 15)
    inventory = cast(tuple[Artifact, ...], (artifact, _Unhashable()))
    context = FileContext(tmp_path, artifact, listing=inventory, memo={})
    params = SecurityToolUse(("adversarial-testing",))
    for _check in range(2):  # a second check of the same file reads the shared memo
        (found,) = security_tool_use(context, params)
        assert (found.message or "").startswith("Foolbox")


def test_flow_nesting_is_refused_while_scanning(monkeypatch: pytest.MonkeyPatch) -> None:
    """The pure-Python scanner (the fallback when libyaml refuses a file) stops at the bound.

    It looks at every open flow level at each token: 3,000 levels took seconds per read.
    """
    widest = 0
    stale = yaml.scanner.Scanner.stale_possible_simple_keys

    def counting(scanner: yaml.scanner.Scanner) -> None:
        nonlocal widest
        widest = max(widest, len(scanner.possible_simple_keys))
        stale(scanner)

    monkeypatch.setattr(yaml.scanner.Scanner, "stale_possible_simple_keys", counting)
    with pytest.raises(YamlLimitError, match="levels deep"):
        load_documents("[" * 3000 + "]" * 3000 + "\nk:\n  - x\n")
    assert widest <= MAX_DEPTH + 2
