"""Both examples' BOMs, component by component, against what each example holds."""

from __future__ import annotations

import hashlib
import re
from typing import Any

import pytest

from tests.bom.support import bom_of, by_ref, props
from tests.conftest import EXAMPLES

VULNERABLE = EXAMPLES / "vulnerable-ml-app"
COMPLIANT = EXAMPLES / "compliant-ml-app"


@pytest.fixture(scope="module")
def vulnerable() -> dict[str, Any]:
    return bom_of(VULNERABLE).bom


@pytest.fixture(scope="module")
def compliant() -> dict[str, Any]:
    return bom_of(COMPLIANT).bom


def _sha256(path: str) -> str:
    return hashlib.sha256((EXAMPLES / path).read_bytes()).hexdigest()


def test_the_vulnerable_example_lists_exactly_what_it_holds(vulnerable: dict[str, Any]) -> None:
    libraries = "datasets fastapi pandas pyyaml scikit-learn tokenizer-utils torch transformers"
    assert sorted(by_ref(vulnerable)) == sorted(
        [
            "container:python:latest",
            "data:data/customers.csv",
            "data:hub/example-org/product-reviews@(default branch)",
            "data:url/http://datasets.example.com/reviews/labels.csv",
            "data:url/http://datasets.example.com/reviews/reviews-2024.tar.gz",
            *(f"library:pypi/{name}" for name in [*libraries.split(), "uvicorn"]),
            "machine-learning-model:hub/example-org/review-bert-base@(default branch)",
            "machine-learning-model:hub/example-org/review-sentiment@(default branch)",
            "machine-learning-model:models/review-sentiment.safetensors",
        ]
    )


def test_the_vulnerable_model_file_is_hashed_and_judged(vulnerable: dict[str, Any]) -> None:
    model = by_ref(vulnerable)["machine-learning-model:models/review-sentiment.safetensors"]
    assert model["hashes"] == [
        {
            "alg": "SHA-256",
            "content": _sha256("vulnerable-ml-app/models/review-sentiment.safetensors"),
        }
    ]
    facts = props(model)
    assert facts["format"] == "safetensors"
    assert facts["size"] == "224"
    assert facts["artifact-verdict"] == "clean"
    assert facts["provenance:hashes"] == "observed models/review-sentiment.safetensors"
    assert "modelCard" not in model  # no card beside it


def test_the_vulnerable_hub_references_are_mutable_and_run_remote_code(
    vulnerable: dict[str, Any],
) -> None:
    components = by_ref(vulnerable)
    base = components["machine-learning-model:hub/example-org/review-bert-base@(default branch)"]
    places = sorted(p["value"] for p in base["properties"] if p["name"] == "mlsec-policy:location")
    assert places == ["training/train.py:15", "training/train.py:16"]
    facts = props(base)
    assert facts["revision-pinned"] == "mutable"
    assert facts["trust-remote-code"] == "true"
    assert facts["provenance:trust-remote-code"] == "inferred training/train.py:15"
    served = props(
        components["machine-learning-model:hub/example-org/review-sentiment@(default branch)"]
    )
    assert served["provenance:hub-repository"] == "declared configs/serving.yaml:1"
    assert served["trust-remote-code"] == "true"
    reviews = props(components["data:hub/example-org/product-reviews@(default branch)"])
    assert (reviews["revision-pinned"], reviews["location"]) == ("mutable", "training/train.py:29")


def test_the_customer_file_carries_kinds_and_counts_of_personal_data_never_values(
    vulnerable: dict[str, Any],
) -> None:
    customers = by_ref(vulnerable)["data:data/customers.csv"]
    data = customers["data"][0]
    assert data["classification"] == "personal-data"
    kinds = [entry.split(":")[0] for entry in data["sensitiveData"]]
    assert "payment card number" in kinds
    assert all(re.fullmatch(r"[a-z ]+: \d+ \(confidence \w+\)", e) for e in data["sensitiveData"])
    text = (EXAMPLES / "vulnerable-ml-app/data/customers.csv").read_text(encoding="utf-8")
    values = {cell for row in text.splitlines()[1:] for cell in row.split(",") if len(cell) > 3}
    assert not [v for v in values if v in repr(customers)]
    facts = props(customers)
    assert facts["dvc-tracked"] == "data/customers.csv.dvc"
    assert facts["dvc-md5"] == "0f343b0931126a20f133d67c2b018a3b"
    assert customers["hashes"][0]["content"] == _sha256("vulnerable-ml-app/data/customers.csv")


def test_unpinned_packages_read_version_unknown_never_safe(vulnerable: dict[str, Any]) -> None:
    libraries = [
        c for c in vulnerable["components"] if c["type"] == "library" and c["name"] != "fastapi"
    ]
    assert all("version" not in c for c in libraries)
    assert {props(c)["version"] for c in libraries} == {"unknown (not pinned)"}
    torch = props(by_ref(vulnerable)["library:pypi/torch"])
    assert torch["advisories-version-unknown"].endswith("the installed version is not known")
    assert torch["dependency"] == "direct"
    utils = props(by_ref(vulnerable)["library:pypi/tokenizer-utils"])
    assert utils["source-url"] == "git+https://github.com/example-org/tokenizer-utils.git@main"
    image = props(by_ref(vulnerable)["container:python:latest"])
    assert image["digest-pinned"] == "false"


def test_the_vulnerable_pin_carries_its_advisory_id_range_and_fix(
    vulnerable: dict[str, Any],
) -> None:
    fastapi = by_ref(vulnerable)["library:pypi/fastapi"]
    assert (fastapi["version"], fastapi["purl"]) == ("0.108.0", "pkg:pypi/fastapi@0.108.0")
    assert props(fastapi)["advisories"] == "1"
    assert props(fastapi)["provenance:version"] == "declared requirements.txt:5"
    [advisory] = vulnerable["vulnerabilities"]
    assert advisory["id"] == "PYSEC-2024-38"
    assert advisory["affects"] == [
        {
            "ref": "library:pypi/fastapi",
            "versions": [{"range": "vers:pypi/<0.109.1", "status": "affected"}],
        }
    ]
    assert [r["id"] for r in advisory["references"]] == ["CVE-2024-24762", "GHSA-qf9m-vfgh-m389"]
    assert advisory["recommendation"] == "Upgrade fastapi to 0.109.1 or later."
    facts = props(advisory)
    assert (facts["installed-version"], facts["fixed-version"]) == ("0.108.0", "0.109.1")
    assert facts["advisory-snapshot"] == "2024-10-10"


def test_the_compliant_example_pins_revisions_and_hashes(compliant: dict[str, Any]) -> None:
    components = by_ref(compliant)
    base = components[
        "machine-learning-model:hub/example-org/review-bert-base@4f1c2d3e5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d"
    ]
    assert base["version"] == "4f1c2d3e5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d"
    assert props(base)["revision-pinned"] == "pinned"
    assert props(base)["trust-remote-code"] == "false"
    dataset = "data:hub/example-org/product-reviews@0a1b2c3d4e5f60718293a4b5c6d7e8f901234567"
    assert props(components[dataset])["revision-pinned"] == "pinned"
    image = [c for c in compliant["components"] if c["type"] == "container"]
    assert [c["hashes"][0]["content"] for c in image] == [
        "7a3ed1226224bcc1fe5443262363d42f48cf832a540c1836ba8ccbeaadf8637c"
    ]


def test_downloaded_datasets_are_listed_and_a_verified_download_carries_its_digest(
    vulnerable: dict[str, Any], compliant: dict[str, Any]
) -> None:
    dump = by_ref(vulnerable)["data:url/http://datasets.example.com/reviews/reviews-2024.tar.gz"]
    assert "hashes" not in dump  # nothing checks what the mirror serves
    facts = props(dump)
    assert facts["provenance:remote-url"] == "inferred data/fetch_reviews.py:16"
    assert facts["transport"] == "plain http (not encrypted)"
    assert "datasets:hash" in facts["completeness:missing"]
    checked = by_ref(compliant)["data:url/https://datasets.example.com/reviews/reviews-2024.tar.gz"]
    assert checked["hashes"] == [
        {
            "alg": "SHA-256",
            "content": "9b74c9897bac770ffc029102a200c5de4f2b5d1e6f0a1c2d3e4f5a6b7c8d9e0f",
        }
    ]
    assert props(checked)["provenance:hashes"] == "inferred data/fetch_reviews.py:19"
    assert "transport" not in props(checked)


def test_the_compliant_model_card_fills_the_card_and_links_the_dataset(
    compliant: dict[str, Any],
) -> None:
    model = by_ref(compliant)["machine-learning-model:models/review-sentiment.safetensors"]
    card = model["modelCard"]
    assert card["considerations"]["useCases"][0].startswith("Classifies the sentiment")
    assert card["considerations"]["technicalLimitations"][0].startswith("Short reviews")
    assert card["modelParameters"]["datasets"] == [
        {"ref": "data:hub/example-org/product-reviews@0a1b2c3d4e5f60718293a4b5c6d7e8f901234567"}
    ]
    assert model["licenses"] == [{"license": {"name": "Apache-2.0"}}]
    facts = props(model)
    assert facts["provenance:license"] == "declared models/MODEL_CARD.md:22"
    assert facts["provenance:modelCard.useCases"] == "declared models/MODEL_CARD.md:3"
    assert model["hashes"][0]["content"] == _sha256(
        "compliant-ml-app/models/review-sentiment.safetensors"
    )


def test_every_locked_requirement_is_a_locked_library_with_its_version(
    compliant: dict[str, Any],
) -> None:
    text = (COMPLIANT / "requirements.txt").read_text(encoding="utf-8")
    pins = dict(re.findall(r"^([A-Za-z0-9._-]+)(?:\[[\w,]+\])?==(\S+)", text, re.MULTILINE))
    libraries = {c["name"]: c for c in compliant["components"] if c["type"] == "library"}
    assert {re.sub(r"[-_.]+", "-", n).lower() for n in pins} == set(libraries)
    for name, version in pins.items():
        library = libraries[re.sub(r"[-_.]+", "-", name).lower()]
        assert library["version"] == version
        assert "locked" in props(library)["dependency"]
        assert library["purl"].endswith("@" + version.replace("+", "%2B"))
    assert props(libraries["torch"])["dependency"] == "direct,locked"


def test_every_component_hangs_off_the_repository(compliant: dict[str, Any]) -> None:
    root = compliant["metadata"]["component"]["bom-ref"]
    first = compliant["dependencies"][0]
    assert first["ref"] == root
    assert sorted(first["dependsOn"]) == sorted(by_ref(compliant))
    model = "machine-learning-model:models/review-sentiment.safetensors"
    edges = {d["ref"]: d["dependsOn"] for d in compliant["dependencies"]}
    assert edges[model] == [
        "data:hub/example-org/product-reviews@0a1b2c3d4e5f60718293a4b5c6d7e8f901234567"
    ]
