"""The bundled NIST AI RMF, ISO/IEC 42001 and MITRE ATLAS frameworks: every official id is there.

Each test lists the ids the publisher defines and compares them with the file, so a dropped,
misspelt or invented id fails here; the mappings are checked against the controls they name.
"""

from __future__ import annotations

import re
from functools import cache

import pytest

from mlsec_policy.analyzers import ANALYZERS
from mlsec_policy.frameworks import load_frameworks
from mlsec_policy.models import Coverage, EvidenceKind, Framework
from mlsec_policy.policy import BUILTIN, Control, Policy, load_policy

NIST_SUBCATEGORIES = {
    "GOVERN": {1: 7, 2: 3, 3: 2, 4: 3, 5: 2, 6: 2},
    "MAP": {1: 6, 2: 3, 3: 5, 4: 2, 5: 2},
    "MEASURE": {1: 3, 2: 13, 3: 3, 4: 3},
    "MANAGE": {1: 4, 2: 4, 3: 2, 4: 3},
}
"""Subcategories per category of NIST AI 100-1 (AI RMF 1.0), Tables 1 to 4."""

NIST_IDS = [
    f"{function}-{category}.{n}"
    for function, categories in NIST_SUBCATEGORIES.items()
    for category, count in categories.items()
    for n in range(1, count + 1)
]

ISO_IDS = [
    "A.2.2", "A.2.3", "A.2.4",
    "A.3.2", "A.3.3",
    "A.4.2", "A.4.3", "A.4.4", "A.4.5", "A.4.6",
    "A.5.2", "A.5.3", "A.5.4", "A.5.5",
    "A.6.1.2", "A.6.1.3", "A.6.2.2", "A.6.2.3", "A.6.2.4", "A.6.2.5", "A.6.2.6", "A.6.2.7",
    "A.6.2.8",
    "A.7.2", "A.7.3", "A.7.4", "A.7.5", "A.7.6",
    "A.8.2", "A.8.3", "A.8.4", "A.8.5",
    "A.9.2", "A.9.3", "A.9.4",
    "A.10.2", "A.10.3", "A.10.4",
]  # fmt: skip
"""The reference controls of ISO/IEC 42001:2023 Annex A (Table A.1)."""

ATLAS_VERSION = "5.6.0"
ATLAS_TACTICS = [
    "AML.TA0002", "AML.TA0003", "AML.TA0004", "AML.TA0000", "AML.TA0005", "AML.TA0006",
    "AML.TA0012", "AML.TA0007", "AML.TA0013", "AML.TA0008", "AML.TA0015", "AML.TA0009",
    "AML.TA0001", "AML.TA0014", "AML.TA0010", "AML.TA0011",
]  # fmt: skip
"""The tactics of the ATLAS 5.6.0 matrix, in its order."""

ATLAS_IDS = [
    "AML.T0000", "AML.T0000.000", "AML.T0000.001", "AML.T0000.002", "AML.T0001", "AML.T0002",
    "AML.T0002.000", "AML.T0002.001", "AML.T0002.002", "AML.T0003", "AML.T0004", "AML.T0005",
    "AML.T0005.000", "AML.T0005.001", "AML.T0005.002", "AML.T0006", "AML.T0007", "AML.T0008",
    "AML.T0008.000", "AML.T0008.001", "AML.T0008.002", "AML.T0008.003", "AML.T0008.004",
    "AML.T0008.005", "AML.T0010", "AML.T0010.000", "AML.T0010.001", "AML.T0010.002",
    "AML.T0010.003", "AML.T0010.004", "AML.T0010.005", "AML.T0011", "AML.T0011.000",
    "AML.T0011.001", "AML.T0011.002", "AML.T0011.003", "AML.T0012", "AML.T0013", "AML.T0014",
    "AML.T0015", "AML.T0016", "AML.T0016.000", "AML.T0016.001", "AML.T0016.002", "AML.T0017",
    "AML.T0017.000", "AML.T0018", "AML.T0018.000", "AML.T0018.001", "AML.T0018.002", "AML.T0019",
    "AML.T0020", "AML.T0021", "AML.T0024", "AML.T0024.000", "AML.T0024.001", "AML.T0024.002",
    "AML.T0025", "AML.T0029", "AML.T0031", "AML.T0034", "AML.T0034.000", "AML.T0034.001",
    "AML.T0034.002", "AML.T0035", "AML.T0036", "AML.T0037", "AML.T0040", "AML.T0041", "AML.T0042",
    "AML.T0043", "AML.T0043.000", "AML.T0043.001", "AML.T0043.002", "AML.T0043.003",
    "AML.T0043.004", "AML.T0044", "AML.T0046", "AML.T0047", "AML.T0048", "AML.T0048.000",
    "AML.T0048.001", "AML.T0048.002", "AML.T0048.003", "AML.T0048.004", "AML.T0049", "AML.T0050",
    "AML.T0051", "AML.T0051.000", "AML.T0051.001", "AML.T0051.002", "AML.T0052", "AML.T0052.000",
    "AML.T0052.001", "AML.T0053", "AML.T0054", "AML.T0055", "AML.T0056", "AML.T0057", "AML.T0058",
    "AML.T0059", "AML.T0060", "AML.T0061", "AML.T0062", "AML.T0063", "AML.T0064", "AML.T0065",
    "AML.T0066", "AML.T0067", "AML.T0067.000", "AML.T0068", "AML.T0069", "AML.T0069.000",
    "AML.T0069.001", "AML.T0069.002", "AML.T0070", "AML.T0071", "AML.T0072", "AML.T0073",
    "AML.T0074", "AML.T0075", "AML.T0076", "AML.T0077", "AML.T0078", "AML.T0079", "AML.T0080",
    "AML.T0080.000", "AML.T0080.001", "AML.T0081", "AML.T0082", "AML.T0083", "AML.T0084",
    "AML.T0084.000", "AML.T0084.001", "AML.T0084.002", "AML.T0084.003", "AML.T0085",
    "AML.T0085.000", "AML.T0085.001", "AML.T0086", "AML.T0087", "AML.T0088", "AML.T0089",
    "AML.T0090", "AML.T0091", "AML.T0091.000", "AML.T0092", "AML.T0093", "AML.T0094", "AML.T0095",
    "AML.T0095.000", "AML.T0096", "AML.T0097", "AML.T0098", "AML.T0099", "AML.T0100", "AML.T0101",
    "AML.T0102", "AML.T0103", "AML.T0104", "AML.T0105", "AML.T0106", "AML.T0107", "AML.T0108",
    "AML.T0109", "AML.T0110", "AML.T0111", "AML.T0112", "AML.T0112.000", "AML.T0112.001",
]  # fmt: skip
"""Techniques and sub-techniques of ATLAS 5.6.0 (dist/ATLAS.yaml of mitre-atlas/atlas-data)."""

ATLAS_TAGS_LEFT_OUT = {
    ("MLSEC-OPT-02", "AML.T0024"),
    ("MLSEC-SERVE-07", "AML.T0012"),
    ("MLSEC-SERVE-06", "AML.T0010"),
}
"""Control tags the ATLAS file deliberately does not map (its notes say why)."""
ATLAS_MAPPINGS_ADDED = {
    ("MLSEC-LLM-02", "AML.T0077"),
    ("MLSEC-SECRET-02", "AML.T0055"),
    ("MLSEC-INTEG-01", "AML.T0059"),
    ("MLSEC-HUMAN-01", "AML.T0052"),
    ("MLSEC-ART-04", "AML.T0074"),
    ("MLSEC-ART-03", "AML.T0076"),
    ("MLSEC-SECRET-01", "AML.T0083"),
    ("MLSEC-LLM-01", "AML.T0086"),
    ("MLSEC-RATE-01", "AML.T0034.000"),
    ("MLSEC-HUB-02", "AML.T0109"),
    ("MLSEC-CI-01", "AML.T0109"),
}
"""Mappings the ATLAS file adds that the controls' tags lack (each with a note)."""


@cache
def policy() -> Policy:
    return load_policy((BUILTIN,), ANALYZERS)


@cache
def framework(name: str) -> Framework:
    return load_frameworks(policy()).get(name)


def ids_of(name: str) -> list[str]:
    return [r.id for r in framework(name).requirements]


def controls() -> dict[str, Control]:
    return {c.id: c for c in policy().controls}


def test_nist_ai_rmf_lists_exactly_the_72_subcategories_in_order() -> None:
    assert len(NIST_IDS) == 72
    assert ids_of("nist-ai-rmf") == NIST_IDS
    nist = framework("nist-ai-rmf-1.0")
    assert nist.version == "1.0"
    assert nist.qualified("GOVERN-1.1") == "GOVERN-1.1@1.0"


def test_nist_sections_are_the_functions_and_their_categories() -> None:
    nist = framework("nist-ai-rmf")
    parents = {s.id: s.parent for s in nist.sections}
    categories = [f"{f}-{c}" for f, cs in NIST_SUBCATEGORIES.items() for c in cs]
    assert parents == {
        **dict.fromkeys(NIST_SUBCATEGORIES),
        **{c: c.split("-")[0] for c in categories},
    }
    for requirement in nist.requirements:
        assert requirement.section == requirement.id.split(".")[0]


def test_iso42001_lists_the_38_annex_a_controls_in_nine_sections() -> None:
    assert len(ISO_IDS) == 38
    assert ids_of("iso42001") == ISO_IDS
    iso = framework("iso42001-2023")
    assert [s.id for s in iso.sections] == [f"A.{n}" for n in range(2, 11)]
    for requirement in iso.requirements:
        assert requirement.section == ".".join(requirement.id.split(".")[:2])
    assert iso.qualified("A.6.2.4") == "A.6.2.4@2023"


def test_atlas_lists_every_technique_of_the_pinned_release() -> None:
    atlas = framework("atlas")
    assert atlas.version == ATLAS_VERSION
    assert len(ATLAS_IDS) == 170
    assert sorted(ids_of("atlas")) == sorted(ATLAS_IDS)
    assert [s.id for s in atlas.sections] == ATLAS_TACTICS
    assert atlas.qualified("AML.T0010.003") == "AML.T0010.003@5.6.0"
    assert f"release {ATLAS_VERSION}" in atlas.notes
    assert re.search(r"commit [0-9a-f]{40}", atlas.notes)


def test_atlas_techniques_sit_under_their_first_tactic_and_subtechniques_under_the_parent() -> None:
    section = {r.id: r.section for r in framework("atlas").requirements}
    # Poison Training Data lists Resource Development before Persistence; Evade AI Model lists
    # Initial Access first.
    assert section["AML.T0020"] == "AML.TA0003"
    assert section["AML.T0015"] == "AML.TA0004"
    assert section["AML.T0054"] == "AML.TA0012"
    for ident, tactic in section.items():
        if ident.count(".") == 2:
            assert tactic == section[ident.rsplit(".", 1)[0]], ident


@pytest.mark.parametrize("name", ["nist-ai-rmf", "iso42001", "atlas"])
def test_every_mapping_names_an_existing_control_with_the_right_kind_of_evidence(
    name: str,
) -> None:
    known = controls()
    assert len(known) > 100
    for requirement in framework(name).requirements:
        for mapping in requirement.mappings:
            assert mapping.control in known, (requirement.id, mapping.control)
            attested = known[mapping.control].is_attestation
            assert (mapping.evidence is EvidenceKind.ATTESTATION) == attested, requirement.id


@pytest.mark.parametrize("name", ["nist-ai-rmf", "iso42001", "atlas"])
def test_uncovered_requirements_say_why_and_none_claims_full_coverage(name: str) -> None:
    requirements = framework(name).requirements
    for requirement in requirements:
        assert requirement.coverage is not Coverage.FULL, requirement.id
        if requirement.coverage is Coverage.NOT_COVERED:
            assert not requirement.mappings
            assert len(requirement.reason) > 20, requirement.id
        else:
            assert requirement.mappings, requirement.id
    covered = sum(r.coverage is Coverage.PARTIAL for r in requirements)
    assert 0 < covered < len(requirements)


def test_atlas_mappings_follow_the_controls_atlas_tags() -> None:
    tagged = {
        (control.id, tag) for control in policy().controls for tag in control.meta.references.atlas
    }
    mapped = {(m.control, r.id) for r in framework("atlas").requirements for m in r.mappings}
    assert tagged >= ATLAS_TAGS_LEFT_OUT
    assert mapped == (tagged - ATLAS_TAGS_LEFT_OUT) | ATLAS_MAPPINGS_ADDED
    notes = {(m.control, r.id): m.note for r in framework("atlas").requirements for m in r.mappings}
    for added in ATLAS_MAPPINGS_ADDED:
        assert "Not in the control's ATLAS tags" in notes[added]
