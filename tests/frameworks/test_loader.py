"""Framework files: the bundled ones load, and every mistake is reported at its line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from mlsec_policy.analyzers import ANALYZERS
from mlsec_policy.errors import PolicyErrors, UsageError
from mlsec_policy.frameworks import load_frameworks
from mlsec_policy.models import Coverage, EvidenceKind
from mlsec_policy.policy import BUILTIN, load_policy
from tests.conftest import CliResult, write_tree

Cli = Callable[..., CliResult]

PACK = "name: acme\nversion: 1.0.0\nextends: [builtin]\n"
GOOD = """\
id: acme-rules
aliases: [acme]
title: ACME model rules
version: "3"
publisher: ACME security office
source: https://acme.example/rules
sections:
  - id: S1
    title: Models
  - id: S1.1
    title: Model files
    parent: S1
requirements:
  - id: R-1
    title: Model files are safe to load
    section: S1.1
    coverage: full
    mappings:
      - control: MLSEC-ART-01
        evidence: automated
  - id: R-2
    title: Suppliers are vetted
    section: S1
    coverage: not-covered
    reason: a person reviews each supplier
"""


def pack(tmp_path: Path, files: dict[str, str]) -> Path:
    return write_tree(tmp_path / "pack", {"pack.yaml": PACK, **files})


def problems(root: Path) -> list[str]:
    policy = load_policy((str(root),), ANALYZERS)
    with pytest.raises(PolicyErrors) as caught:
        load_frameworks(policy)
    return [f"{Path(e.path).name}:{e.line}: {e.message}" for e in caught.value.errors]


def test_the_bundled_frameworks_load_and_answer_to_their_aliases() -> None:
    frameworks = load_frameworks(load_policy((BUILTIN,), ANALYZERS))
    assert "owasp-ml-2023" in frameworks.ids()
    owasp = frameworks.get("owasp-ml")
    assert owasp.id == "owasp-ml-2023"
    assert owasp.qualified("ML06") == "ML06@2023"
    with pytest.raises(UsageError, match="unknown framework 'owasp-mll'") as caught:
        frameworks.get("owasp-mll")
    assert caught.value.hint == "did you mean 'owasp-ml'?"


def test_a_custom_pack_adds_a_framework(tmp_path: Path) -> None:
    root = pack(tmp_path, {"frameworks/acme-rules.yaml": GOOD})
    frameworks = load_frameworks(load_policy((str(root),), ANALYZERS))
    acme = frameworks.get("acme")
    assert [s.id for s in acme.sections] == ["S1", "S1.1"]
    assert acme.sections[1].parent == "S1"
    first, second = acme.requirements
    assert (first.id, first.coverage, first.mappings[0].evidence) == (
        "R-1",
        Coverage.FULL,
        EvidenceKind.AUTOMATED,
    )
    assert (second.coverage, second.reason) == (
        Coverage.NOT_COVERED,
        "a person reviews each supplier",
    )
    assert acme.files == ("frameworks/acme-rules.yaml",)
    assert frameworks.select(("acme", "acme-rules", "owasp-ml")) == (
        acme,
        frameworks.get("owasp-ml-2023"),
    )


def test_an_extension_adds_sections_requirements_and_mappings(tmp_path: Path) -> None:
    extension = """\
extends: acme-rules
sections:
  - id: S2
    title: Serving
requirements:
  - id: R-2
    coverage: partial
    mappings:
      - control: MLSEC-ATT-05
        evidence: attestation
  - id: R-3
    title: Endpoints need a login
    section: S2
    coverage: full
    mappings:
      - control: MLSEC-SERVE-01
        evidence: automated
"""
    root = pack(
        tmp_path,
        {"frameworks/acme-rules.yaml": GOOD, "frameworks/zz-more.yaml": extension},
    )
    acme = load_frameworks(load_policy((str(root),), ANALYZERS)).get("acme-rules")
    assert [s.id for s in acme.sections] == ["S1", "S1.1", "S2"]
    by_id = {r.id: r for r in acme.requirements}
    assert list(by_id) == ["R-1", "R-2", "R-3"]
    assert by_id["R-2"].coverage is Coverage.PARTIAL
    assert [m.control for m in by_id["R-2"].mappings] == ["MLSEC-ATT-05"]
    assert by_id["R-2"].reason == "a person reviews each supplier"
    assert acme.files == ("frameworks/acme-rules.yaml", "frameworks/zz-more.yaml")


def test_every_mistake_is_reported_at_its_line(tmp_path: Path) -> None:
    broken = (
        GOOD.replace("parent: S1\n", "parent: S9\n")
        .replace("control: MLSEC-ART-01\n", "control: MLSEC-ART-99\n")
        .replace("section: S1\n    coverage: not-covered", "section: S3\n    coverage: partial")
    )
    broken += """\
  - id: R-3
    title: People are trained
    section: S1
    coverage: full
    mappings:
      - control: MLSEC-HUMAN-01
        evidence: automated
  - id: R-4
    title: Files are safe
    section: S1
    coverage: not-covered
    mappings:
      - control: MLSEC-ART-01
        evidence: automated
"""
    root = pack(tmp_path, {"frameworks/acme-rules.yaml": broken})
    assert problems(root) == [
        "acme-rules.yaml:12: parent 'S9' is not a section named before this one",
        "acme-rules.yaml:19: unknown control 'MLSEC-ART-99'",
        "acme-rules.yaml:23: section 'S3' is not a section of this framework",
        "acme-rules.yaml:24: requirement 'R-2' is partial but maps to no control",
        "acme-rules.yaml:32: MLSEC-HUMAN-01 is decided by attestation: its evidence is "
        "'attestation'",
        "acme-rules.yaml:33: requirement 'R-4' is not-covered: say why in 'reason'",
        "acme-rules.yaml:36: requirement 'R-4' is not-covered but has mappings",
    ]


def test_schema_problems_name_the_line_and_a_close_spelling(tmp_path: Path) -> None:
    root = pack(
        tmp_path,
        {"frameworks/acme-rules.yaml": GOOD.replace("    coverage: full", "    coverrage: full")},
    )
    policy = load_policy((str(root),), ANALYZERS)
    with pytest.raises(PolicyErrors) as caught:
        load_frameworks(policy)
    assert [(e.line, e.column, e.message, e.hint) for e in caught.value.errors] == [
        (14, 5, "missing required key 'coverage'", "add it; see the schema for what it must hold"),
        (17, 5, "unknown key 'coverrage'", "did you mean 'coverage'?"),
    ]


def test_file_names_ids_and_extends_are_checked(tmp_path: Path) -> None:
    root = pack(
        tmp_path,
        {
            "frameworks/acme-rules.yaml": GOOD,
            "frameworks/zz-copy.yaml": GOOD.replace("aliases: [acme]", "aliases: [owasp-ml]"),
            "frameworks/more.yaml": "extends: acme-rule\nrequirements: []\n",
        },
    )
    assert problems(root) == [
        "more.yaml:1: 'extends' names unknown framework 'acme-rule'",
        "zz-copy.yaml:1: framework 'acme-rules' is defined twice",
        "zz-copy.yaml:1: the file of framework 'acme-rules' must be named acme-rules.yaml",
        "zz-copy.yaml:2: 'owasp-ml' already names framework 'owasp-ml-2023'",
    ]


def test_validate_checks_the_framework_files(tmp_path: Path, cli: Cli) -> None:
    root = pack(tmp_path, {"frameworks/acme-rules.yaml": GOOD})
    result = cli("validate", "--no-semgrep", str(root))
    assert result.code == 0, result.err
    bundled = load_frameworks(load_policy((BUILTIN,), ANALYZERS)).by_id.values()
    requirements = sum(len(f.requirements) for f in bundled) + 2  # acme-rules has two
    assert f"{len(bundled) + 1} frameworks, {requirements} requirements: valid" in result.out
    (root / "frameworks/acme-rules.yaml").write_text(GOOD.replace("MLSEC-ART-01", "MLSEC-ART-1"))
    result = cli("validate", "--no-semgrep", str(root))
    assert result.code == 2
    assert "acme-rules.yaml:19:18: unknown control 'MLSEC-ART-1'" in result.err
