"""Data cards fill the ``data`` components: declared, with file and line; the sample still wins.

Real files in a temporary repository; every BOM is checked against the official CycloneDX 1.6
schema by ``bom_of``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tests.bom.support import bom_of, by_ref, props
from tests.conftest import write_tree

REVIEWS = "\n".join(
    ["review_id,stars,text", *(f"{i},{1 + i % 5},the product works {i}" for i in range(30))]
)
CARDS = ("4111 1111 1111 1111", "5500 0000 0000 0004", "3400 0000 0000 009")
PEOPLE = "\n".join(
    ["customer_id,date_of_birth,card_number"]
    + [f"{i},19{50 + i}-0{1 + i % 9}-1{i % 9},{CARDS[i % 3]}" for i in range(30)]
)
HF_CARD = """---
license: cc-by-4.0
language:
- en
- de
task_categories:
- text-classification
size_categories:
- 1K<n<10K
annotations_creators:
- crowdsourced
source_datasets:
- original
pretty_name: Product reviews
dataset_info:
  features:
  - name: text
    dtype: string
  - name: stars
    dtype: int32
configs:
- config_name: default
  data_files: train.csv
---

# Product reviews

## Dataset Summary

Short English and German reviews of household products with a star rating.

### Personal and Sensitive Information

Reviewer names were removed; free text may still name people.

## Considerations for Using the Data

### Discussion of Biases

Reviews skew towards satisfied buyers.

### Dataset Curators

Example Org data team.
"""


def _data(component: dict[str, Any]) -> dict[str, Any]:
    [data] = component["data"]
    return data  # type: ignore[no-any-return]


def test_a_dataset_card_with_front_matter_fills_the_data_component(tmp_path: Path) -> None:
    write_tree(tmp_path, {"data/reviews/train.csv": REVIEWS, "data/reviews/README.md": HF_CARD})
    component = by_ref(bom_of(tmp_path).bom)["data:data/reviews/train.csv"]
    assert component["licenses"] == [{"license": {"name": "cc-by-4.0"}}]
    data = _data(component)
    assert data["description"] == (
        "Product reviews — Short English and German reviews of household products with a star "
        "rating."
    )
    assert data["governance"] == {
        "stewards": [{"organization": {"name": "Example Org data team."}}]
    }
    # the sample found no personal data; the card declares some: declared, and both are shown
    assert data["classification"] == "personal-data"
    assert data["sensitiveData"] == [
        "declared by the data card (data/reviews/README.md:32): Reviewer names were removed; "
        "free text may still name people."
    ]
    facts = props(component)
    assert facts["data-card"] == "data/reviews/README.md"
    assert facts["data-card:language"] == "en, de"
    assert facts["data-card:task_categories"] == "text-classification"
    assert facts["data-card:size_categories"] == "1K<n<10K"
    assert facts["data-card:annotations_creators"] == "crowdsourced"
    assert facts["data-card:source_datasets"] == "original"
    assert facts["data-card:features"] == "text (string), stars (int32)"
    assert facts["data-card:configs"] == "default"
    assert facts["data-card:considerations"] == "Reviews skew towards satisfied buyers."
    assert facts["personal-data"] == "none found in the sample"
    assert facts["personal-data-conflict"].startswith(
        "the data card (data/reviews/README.md:32) declares personal data; the sample "
        "(data/reviews/train.csv) found none"
    )
    assert facts["provenance:license"] == "declared data/reviews/README.md:2"
    assert facts["provenance:data-card:language"] == "declared data/reviews/README.md:3"
    assert facts["provenance:data-card:features"] == "declared data/reviews/README.md:15"
    assert facts["provenance:data.description"] == "declared data/reviews/README.md:14"
    assert facts["provenance:data.governance"] == "declared data/reviews/README.md:42"
    assert facts["provenance:data.classification"] == "declared data/reviews/README.md:32"
    assert "datasets:data-card" not in facts.get("completeness:missing", "")
    assert "datasets:license" not in facts.get("completeness:missing", "")


def test_a_datasheet_without_front_matter_is_read_by_its_sections(tmp_path: Path) -> None:
    sheet = (
        "# Sales reviews datasheet\n\n## Motivation\n\nBuilt to train the sentiment model.\n\n"
        "## Licensing\n\nMIT, see LICENSE.\n\n## Maintenance\n\nThe analytics guild.\n"
    )
    write_tree(tmp_path, {"datasets/sales/q1.csv": REVIEWS, "datasets/DATASHEET.md": sheet})
    component = by_ref(bom_of(tmp_path).bom)["data:datasets/sales/q1.csv"]
    data = _data(component)
    assert data["description"] == "Built to train the sentiment model."
    assert data["governance"]["stewards"] == [{"organization": {"name": "The analytics guild."}}]
    assert component["licenses"] == [{"license": {"name": "MIT"}}]
    facts = props(component)
    assert facts["provenance:data.description"] == "declared datasets/DATASHEET.md:3"
    assert facts["provenance:license"] == "declared datasets/DATASHEET.md:7"
    assert "classification" not in data  # nothing declared, nothing found


def test_a_readme_is_a_data_card_only_where_it_shows_it_is_one(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "README.md": "# The project\n\n## Description\n\nA service.\n",
            "train.csv": REVIEWS,
            "models/README.md": "---\nlicense: mit\npipeline_tag: text-classification\n---\n",
            "models/eval.csv": REVIEWS,
            "data/README.md": "# Reviews\n\n## Description\n\nScraped reviews.\n",
            "data/all.csv": REVIEWS,
        },
    )
    components = by_ref(bom_of(tmp_path).bom)
    # the root README and a model card (front matter without dataset keys) are not data cards
    for ref in ("data:train.csv", "data:models/eval.csv"):
        assert "description" not in _data(components[ref])
        assert "data-card" not in props(components[ref])
        assert "datasets:data-card" in props(components[ref])["completeness:missing"]
    assert _data(components["data:data/all.csv"])["description"] == "Scraped reviews."


def test_a_malformed_card_says_so_and_loses_nothing(tmp_path: Path) -> None:
    card = "---\nlicense: [mit\npretty_name: broken\n---\n\n## Dataset Summary\n\nStill read.\n"
    write_tree(tmp_path, {"data/people.csv": PEOPLE, "data/README.md": card})
    component = by_ref(bom_of(tmp_path).bom)["data:data/people.csv"]
    facts = props(component)
    assert facts["data-card-front-matter"].startswith("unreadable: ")
    assert facts["data-card-front-matter"].endswith("; the sections were read")
    assert facts["provenance:data-card-front-matter"].startswith("declared data/README.md:")
    data = _data(component)
    assert data["description"] == "Still read."
    # the sample is untouched: the observed personal data stays the classification
    assert data["classification"] == "personal-data"
    assert any(entry.startswith("payment card number") for entry in data["sensitiveData"])
    assert facts["provenance:data.classification"].startswith("observed data/people.csv")


def test_a_card_contradicting_the_sample_shows_both_with_their_sources(tmp_path: Path) -> None:
    card = (
        "---\npretty_name: Customers\nsize_categories: [n<1K]\n---\n\n"
        "## Personal and Sensitive Information\n\nThe dataset does not contain personal data.\n"
    )
    write_tree(tmp_path, {"data/people.csv": PEOPLE, "data/README.md": card})
    component = by_ref(bom_of(tmp_path).bom)["data:data/people.csv"]
    data = _data(component)
    assert data["classification"] == "personal-data"
    observed = [e for e in data["sensitiveData"] if not e.startswith("declared")]
    declared = [e for e in data["sensitiveData"] if e.startswith("declared")]
    assert any(entry.startswith("payment card number") for entry in observed)
    assert declared == [
        "declared by the data card (data/README.md:6): The dataset does not contain personal data."
    ]
    facts = props(component)
    assert facts["personal-data-conflict"] == (
        "the data card (data/README.md:6) declares none; the sample (data/people.csv:2) found "
        f"{len(observed)} kind(s)"
    )
    assert facts["provenance:personal-data-conflict"] == "declared data/README.md:6"
    assert facts["provenance:data.classification"] == "observed data/people.csv:2"


def test_dvc_desc_and_meta_are_declared_by_the_dvc_file(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "data/train.parquet.dvc": (
                "desc: every review of 2024\nmeta:\n  owner: data-platform\n  source: crm\n"
                "outs:\n- md5: 0f343b0931126a20f133d67c2b018a3b\n  size: 1024\n"
                "  path: train.parquet\n  desc: deduplicated training split\n"
            ),
        },
    )
    component = by_ref(bom_of(tmp_path).bom)["data:data/train.parquet"]
    data = _data(component)
    assert data["description"] == "deduplicated training split"
    assert data["governance"] == {"owners": [{"organization": {"name": "data-platform"}}]}
    facts = props(component)
    assert facts["dvc-meta:source"] == "crm"
    assert facts["provenance:data.description"] == "declared data/train.parquet.dvc:9"
    assert facts["provenance:data.governance"] == "declared data/train.parquet.dvc:2"
