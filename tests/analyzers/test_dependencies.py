"""Dependency manifests: parsing, pin judgement, includes, torch < 2.6."""

from __future__ import annotations

from pathlib import Path

import pytest
from packaging.specifiers import SpecifierSet

from mlsec_policy.analyzers.dependencies.manifests import Pins
from mlsec_policy.analyzers.read.advisories import Verdict, load_snapshot
from mlsec_policy.analyzers.read.manifests import Role, read_manifest
from mlsec_policy.analyzers.read.requirements import (
    Pin,
    SpecKind,
    parse_spec,
    pin_of,
)
from tests.conftest import write_tree


@pytest.mark.parametrize(
    ("spec", "pin"),
    [("==2.6.0", Pin.EXACT), ("==2.*", Pin.RANGE), ("~=2.6", Pin.RANGE), (">=2.1,<3", Pin.RANGE),
     (">=2.1", Pin.OPEN), ("!=2.5.0", Pin.OPEN), ("", Pin.NONE),
     ("~=1.26.2", Pin.PATCH), ("==1.26.*", Pin.PATCH), ("==0.18.*", Pin.PATCH),
     (">=1.26.2,<1.27", Pin.PATCH), ("<1.27,>=1.26.2", Pin.PATCH), (">=1.26,<=1.26.9", Pin.PATCH),
     ("~=1.26.2,!=1.26.3", Pin.PATCH), (">=1.26,<1.27.1", Pin.RANGE), ("~=1.26", Pin.RANGE),
     ("<1.27", Pin.RANGE), (">1.26.0,<1.28", Pin.RANGE)],
)  # fmt: skip
def test_pin_of(spec: str, pin: Pin) -> None:
    assert pin_of(SpecifierSet(spec)) is pin


@pytest.mark.parametrize(
    ("spec", "below"),
    [("==2.5.1", True), ("<2.6", True), ("<=2.5.1,>=2.0", True), ("~=2.4.0", True),
     (">=2.1", False), ("==2.6.0", False), ("<3", False), ("", False),
     ("==2.13.0", False), ("==2.13.0+cpu", False), ("==2.13.*", False), ("==2.4.*", True)],
)  # fmt: skip
def test_torch_below_safe(spec: str, below: bool) -> None:
    """The torch < 2.6 rule is the snapshot's GHSA-53q9-r3pm-6pq6 entry, judged per specifier."""
    torch = next(a for a in load_snapshot().of("torch") if a.id == "GHSA-53q9-r3pm-6pq6")
    assert (torch.judge(SpecifierSet(spec)) is Verdict.AFFECTED) is below


def test_spec_kinds() -> None:
    vcs = parse_spec("lib @ git+https://github.com/o/lib.git@" + "a" * 40)
    assert vcs is not None and vcs.kind is SpecKind.VCS and vcs.vcs_pinned
    url = parse_spec("f @ https://x.org/f-1.0-py3-none-any.whl")
    assert url is not None and url.kind is SpecKind.URL
    assert parse_spec("./wheels/f-1.0-py3-none-any.whl") is not None
    marker = parse_spec('torch==2.6.0; sys_platform == "linux"')
    assert marker is not None and marker.pin is Pin.EXACT
    assert Pins(("Torch",)).critical(marker) and not Pins(("numpy",)).critical(marker)
    assert Pins((), prefixes=("torch-",)).critical(parse_spec("torch_geometric") or marker)


@pytest.mark.parametrize(
    ("ref", "pinned"),
    [("a" * 40, True), ("5f0c7a7", True), ("5F0C7A7e", True), ("5f0c7a7#egg=lib", True),
     ("1234567890" * 4, True), ("main", False), ("v1.2.0", False), ("20240101", False),
     ("5f0c7a", False), ("release-5f0c7a7", False)],
)  # fmt: skip
def test_a_commit_full_or_abbreviated_is_a_pin_a_branch_or_tag_is_not(
    ref: str, pinned: bool
) -> None:
    spec = parse_spec(f"git+https://github.com/o/lib.git@{ref}")
    assert spec is not None and spec.vcs_pinned is pinned


def test_includes_are_followed_inside_the_target_only(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "reqs/requirements.txt": "-r base.txt\n-c ../../outside.txt\n"
            "torch==2.6.0 \\\n    --hash=sha256:" + "0" * 64 + "\n",
            "reqs/base.txt": "numpy>=2\n",
        },
    )
    text = (tmp_path / "reqs/requirements.txt").read_text()
    manifest = read_manifest(tmp_path, "reqs/requirements.txt", text)
    assert manifest is not None
    assert [(e.path, e.line, e.spec.name) for e in manifest.entries] == [
        ("reqs/base.txt", 1, "numpy"),
        ("reqs/requirements.txt", 3, "torch"),
    ]
    assert manifest.entries[1].hashed
    assert manifest.problems == [(2, "the included file ../../outside.txt is not in the target")]


def test_poetry_and_pipfile_translation(tmp_path: Path) -> None:
    pyproject = (
        '[tool.poetry]\npackage-mode = false\n[tool.poetry.dependencies]\npython = "^3.11"\n'
        'torch = "^2.6"\nlib = {git = "https://github.com/o/lib.git", branch = "main"}\n'
        '[[tool.poetry.source]]\nname = "internal"\nurl = "http://pypi.internal/simple"\n'
    )
    manifest = read_manifest(tmp_path, "pyproject.toml", pyproject)
    assert manifest is not None and manifest.role is Role.ENVIRONMENT
    kinds = {e.spec.name: (e.spec.kind, e.spec.pin, e.line) for e in manifest.entries}
    assert kinds["torch"] == (SpecKind.INDEX, Pin.RANGE, 5)
    assert kinds["lib"][0] is SpecKind.VCS
    assert [o.value for o in manifest.options] == ["http://pypi.internal/simple"]


def test_conda_pins(tmp_path: Path) -> None:
    text = "dependencies:\n  - numpy=2.1.3\n  - pandas=2.2\n  - conda-forge::scipy\n"
    manifest = read_manifest(tmp_path, "environment.yml", text)
    assert manifest is not None
    assert [(e.spec.name, e.spec.pin, e.line) for e in manifest.entries] == [
        ("numpy", Pin.EXACT, 2),
        ("pandas", Pin.PATCH, 3),
        ("scipy", Pin.NONE, 4),
    ]


def test_unreadable_lines_are_reported_not_skipped(tmp_path: Path) -> None:
    from mlsec_policy.analyzers.base import FileContext
    from mlsec_policy.analyzers.dependencies.manifests import dependency_pins
    from mlsec_policy.models import Artifact, ArtifactKind

    write_tree(tmp_path, {"requirements.txt": "torch==2.6.0\nthis is not (a requirement\n"})
    artifact = Artifact("requirements.txt", ArtifactKind.DEPENDENCY_MANIFEST, 40)
    found = list(dependency_pins(FileContext(tmp_path, artifact), Pins(("torch",))))
    assert [(o.key, o.location.start_line) for o in found] == [("unreadable:2", 2)]


def test_hash_cache_can_be_turned_off(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from mlsec_policy.cli.common import hash_cache_file

    monkeypatch.setenv("MLSEC_POLICY_CACHE_DIR", str(tmp_path))
    assert hash_cache_file(True) == tmp_path / "hashes-v1.json"
    assert hash_cache_file(False) is None
    monkeypatch.setenv("MLSEC_POLICY_HASH_CACHE", "off")
    assert hash_cache_file(True) is None
