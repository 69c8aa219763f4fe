"""The advisory matcher against the ranges of real OSV records in the bundled snapshot."""

from __future__ import annotations

import pytest
from packaging.specifiers import SpecifierSet
from packaging.version import Version

from mlsec_policy.analyzers.read.advisories import Advisory, Verdict, load_snapshot

SNAPSHOT = load_snapshot()


def _advisory(identifier: str, package: str) -> Advisory:
    found = next((a for a in SNAPSHOT.of(package) if a.id == identifier), None)
    assert found is not None, f"{identifier} is no longer in the snapshot"
    return found


TENSORFLOW = _advisory("PYSEC-2021-150", "tensorflow")
"""Four ranges: [0, 2.2.0rc0) [2.2.0, 2.3.0rc0) [2.3.0, 2.3.4) [2.4.0, 2.4.3)."""
TORCH = _advisory("GHSA-53q9-r3pm-6pq6", "torch")
NBCONVERT = _advisory("PYSEC-2022-249", "nbconvert")
PILLOW = _advisory("PYSEC-2014-10", "pillow")


def test_the_real_records_have_the_ranges_the_cases_rely_on() -> None:
    assert [(r.introduced, r.fixed) for r in TENSORFLOW.ranges] == [
        ("0", "2.2.0rc0"),
        ("2.2.0", "2.3.0rc0"),
        ("2.3.0", "2.3.4"),
        ("2.4.0", "2.4.3"),
    ]
    assert [(r.introduced, r.fixed) for r in TORCH.ranges] == [("0", "2.6.0")]
    assert TORCH.aliases == ("CVE-2025-32434",)
    assert SNAPSHOT.find("CVE-2025-32434") is TORCH


@pytest.mark.parametrize(
    ("advisory", "version", "affected"),
    [
        (TENSORFLOW, "2.1.0", True),
        (TENSORFLOW, "2.2.0rc0", False),  # the fix of the first range is a pre-release
        (TENSORFLOW, "2.2.0rc1", False),  # after that fix, before the second range opens
        (TENSORFLOW, "2.2.1", True),
        (TENSORFLOW, "2.3.3", True),
        (TENSORFLOW, "2.3.4", False),
        (TENSORFLOW, "2.4.2+cpu", True),  # a local build of an affected release
        (TENSORFLOW, "2.5.0", False),
        (TORCH, "2.5.1+cpu", True),
        (TORCH, "2.6.0rc1", True),  # a pre-release of the fix comes before the fix
        (TORCH, "2.6.0+cu124", False),
        (NBCONVERT, "6.3.0.dev1", True),  # dev releases come before the a0 fix
        (NBCONVERT, "6.3.0a0", False),
        (PILLOW, "2.4.0", False),
        (PILLOW, "2.5.1", True),
    ],
)
def test_one_version_against_real_ranges(advisory: Advisory, version: str, affected: bool) -> None:
    assert advisory.affects(Version(version)) is affected


@pytest.mark.parametrize(
    ("advisory", "specifier", "verdict"),
    [
        (TORCH, "<2.6", Verdict.AFFECTED),
        (TORCH, "<2.6,!=2.5.1", Verdict.AFFECTED),
        (TORCH, ">=2.6", Verdict.NOT_AFFECTED),
        (TORCH, ">=2.0", Verdict.UNKNOWN),
        (TORCH, "", Verdict.UNKNOWN),
        (TORCH, "==2.5.1+cpu", Verdict.AFFECTED),
        (TENSORFLOW, ">=2.3.0,<2.3.4", Verdict.AFFECTED),
        (TENSORFLOW, "~=2.4.0,!=2.4.3", Verdict.UNKNOWN),  # 2.4.0-2.4.2 affected, 2.4.4 not
        (TENSORFLOW, ">=2.4.3,!=2.4.5", Verdict.NOT_AFFECTED),
        (TENSORFLOW, "==2.3.*", Verdict.UNKNOWN),  # 2.3.0-2.3.3 affected, 2.3.4 fixed
    ],
)
def test_a_requirement_is_affected_only_when_every_admitted_release_is(
    advisory: Advisory, specifier: str, verdict: Verdict
) -> None:
    assert advisory.judge(SpecifierSet(specifier)) is verdict


def test_the_fix_offered_is_the_one_of_the_installed_series() -> None:
    assert PILLOW.fixed_for("2.5.1") == "2.5.2"
    assert PILLOW.fixed_for("2.3.0") == "2.3.2"
    assert TENSORFLOW.fixed_for("2.4.1") == "2.4.3"
    assert [r.vers() for r in PILLOW.ranges] == ["<2.3.2", ">=2.5|<2.5.2"]


def test_the_snapshot_says_where_and_when_it_comes_from() -> None:
    assert SNAPSHOT.date == "2024-10-10"
    assert SNAPSHOT.source["license"] == "CC-BY-4.0"
    assert SNAPSHOT.source["url"] == "https://github.com/pypa/advisory-database"
    assert TORCH.origin == "curated"
