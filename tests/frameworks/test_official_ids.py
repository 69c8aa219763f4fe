"""The shipped framework files: every official id present, tags mapped, the seed in sync."""

from __future__ import annotations

import subprocess
import sys

import pytest

from mlsec_policy.analyzers import ANALYZERS
from mlsec_policy.frameworks import Frameworks, load_frameworks
from mlsec_policy.policy import BUILTIN, Policy, load_policy
from tests.conftest import REPO

ARTICLE_PARAGRAPHS = {9: 10, 10: 6, 11: 3, 12: 3, 13: 3, 14: 5, 15: 5}
"""Paragraphs of Articles 9 to 15 of Regulation (EU) 2024/1689."""

OFFICIAL_IDS: dict[str, list[str]] = {
    "owasp-ml-2023": [f"ML{n:02}" for n in range(1, 11)],
    "owasp-llm-2025": [f"LLM{n:02}" for n in range(1, 11)],
    "eu-ai-act": [
        f"Art.{article}({paragraph})"
        for article, count in ARTICLE_PARAGRAPHS.items()
        for paragraph in range(1, count + 1)
    ],
    "mlsec-seed": [
        f"{family}{n}"
        for family, count in (("DS", 6), ("MS", 6), ("PS", 7), ("SC", 6), ("HS", 4))
        for n in range(1, count + 1)
    ],
}
"""The ids each framework publishes, in its own order (the files written here; the NIST AI
RMF, ISO/IEC 42001 and MITRE ATLAS files carry their own id lists in their tests)."""


@pytest.fixture(scope="module")
def policy() -> Policy:
    return load_policy((BUILTIN,), ANALYZERS)


@pytest.fixture(scope="module")
def frameworks(policy: Policy) -> Frameworks:
    return load_frameworks(policy)


@pytest.mark.parametrize("framework_id", sorted(OFFICIAL_IDS))
def test_every_official_id_is_listed_once_in_order(
    frameworks: Frameworks, framework_id: str
) -> None:
    framework = frameworks.get(framework_id)
    assert [r.id for r in framework.requirements] == OFFICIAL_IDS[framework_id]


def test_every_section_holds_a_requirement(frameworks: Frameworks) -> None:
    for framework in frameworks.by_id.values():
        used = {r.section for r in framework.requirements}
        parents = {s.parent for s in framework.sections if s.parent}
        assert {s.id for s in framework.sections} <= used | parents, framework.id


@pytest.mark.parametrize(
    ("framework_id", "tag"), [("owasp-ml-2023", "owasp_ml"), ("owasp-llm-2025", "owasp_llm")]
)
def test_every_reference_tag_of_a_control_is_a_mapping(
    policy: Policy, frameworks: Frameworks, framework_id: str, tag: str
) -> None:
    framework = frameworks.get(framework_id)
    mapped = {(m.control, r.id) for r in framework.requirements for m in r.mappings}
    tagged = {(c.id, ref) for c in policy.controls for ref in getattr(c.meta.references, tag)}
    assert sorted(tagged - mapped) == []


def test_eu_ai_act_dates_follow_the_2026_amendment(frameworks: Frameworks) -> None:
    act = frameworks.get("eu-ai-act")
    dates = {r.id: r.applies_from for r in act.requirements}
    addressed_to_the_commission = {"Art.11(3)", "Art.15(2)"}
    assert {d for k, d in dates.items() if k not in addressed_to_the_commission} == {
        "2027-12-02",
        "2028-08-02",
    }
    assert dates["Art.11(2)"] == "2028-08-02"  # products under Annex I
    assert all(dates[k] is None for k in addressed_to_the_commission)


def test_the_seed_framework_is_in_sync_with_the_controls(policy: Policy) -> None:
    script = REPO / "scripts" / "seed_framework.py"
    check = subprocess.run(
        [sys.executable, str(script), "--check"], capture_output=True, text=True, check=False
    )
    assert check.returncode == 0, check.stderr
    seed = load_frameworks(policy).get("seed")
    mapped = {(m.control, r.id) for r in seed.requirements for m in r.mappings}
    named = {(c.id, rid) for c in policy.controls for rid in c.meta.requirements}
    assert mapped == named
