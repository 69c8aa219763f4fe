"""Semgrep's installed version, read from folder names: what importlib.metadata says, cheaper.

The version is part of the identity the semgrep results are remembered by: another installed
semgrep behind the same ``semgrep`` script (pip writes the same bytes for every version) must
never reuse the results of this one.
"""

from __future__ import annotations

import sys
from importlib import metadata
from pathlib import Path

import pytest

from mlsec_policy.cache import FileResults, ResultStore
from mlsec_policy.engines.semgrep.cached import SemgrepCache
from mlsec_policy.engines.semgrep.installed import semgrep_version
from mlsec_policy.engines.semgrep.target import Target
from mlsec_policy.models import Artifact, ArtifactKind
from mlsec_policy.options import SemgrepSettings
from tests.conftest import write_tree
from tests.test_diff_cache import _check, _hit


def _first_on_path(monkeypatch: pytest.MonkeyPatch, *entries: Path) -> None:
    monkeypatch.setattr(sys, "path", [*map(str, entries), *sys.path])
    monkeypatch.setattr(metadata, "version", lambda name: f"asked for {name}")


def test_the_version_is_the_one_importlib_metadata_gives() -> None:
    assert semgrep_version() == metadata.version("semgrep")


def test_the_first_semgrep_folder_on_the_path_gives_the_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "site" / "Semgrep-9.9.9.dist-info").mkdir(parents=True)
    (tmp_path / "site" / "semgrep_extra-1.0.dist-info").mkdir()
    _first_on_path(monkeypatch, tmp_path / "missing", tmp_path / "site")
    assert semgrep_version() == "9.9.9"


@pytest.mark.parametrize(
    "names",
    [
        ("semgrep.egg-info",),  # a development install: no version in the name
        ("semgrep-1.0.dist-info", "semgrep-2.0.dist-info"),  # which one is not settled
    ],
)
def test_what_the_folder_names_do_not_settle_is_asked_of_importlib_metadata(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, names: tuple[str, ...]
) -> None:
    for name in names:
        (tmp_path / name).mkdir()
    _first_on_path(monkeypatch, tmp_path)
    assert semgrep_version() == "asked for semgrep"


def test_a_zip_on_the_path_is_asked_of_importlib_metadata(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "packages.zip").write_bytes(b"PK\x05\x06" + bytes(18))
    _first_on_path(monkeypatch, tmp_path / "packages.zip")
    assert semgrep_version() == "asked for semgrep"


def test_results_are_not_reused_under_another_installed_semgrep_behind_the_same_script(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = write_tree(tmp_path / "t", {"a.py": "x = 1\n"})
    binary = write_tree(tmp_path / "bin", {"semgrep": "#!/bin/sh\n"}) / "semgrep"
    site = tmp_path / "site"
    (site / "semgrep-1.0.dist-info").mkdir(parents=True)
    monkeypatch.setattr(sys, "path", [str(site), *sys.path])
    store = ResultStore(tmp_path / "cache", 1 << 20)
    checks = [_check("a1", "A")]
    artifact = Artifact("a.py", ArtifactKind.PYTHON, 6)
    first = SemgrepCache(store, checks, {}, SemgrepSettings(), binary)
    first.split([artifact], root)
    first.learned("1.0")
    first.keep([Target(artifact, "a.py", None)], [_hit("a1", "A")], [], [], "1.0")

    def reused() -> list[FileResults]:
        return SemgrepCache(store, checks, {}, SemgrepSettings(), binary).split([artifact], root)[1]

    assert reused() == [FileResults((_hit("a1", "A"),))]  # the same installation
    script = binary.stat()
    (site / "semgrep-1.0.dist-info").rename(site / "semgrep-2.0.dist-info")  # upgraded
    assert (binary.stat().st_size, binary.stat().st_mtime_ns) == (
        script.st_size,
        script.st_mtime_ns,
    )
    assert reused() == []
