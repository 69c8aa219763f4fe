"""Model cards, adapters, sharded models, DVC datasets and hub references in real trees."""

from __future__ import annotations

import json
from pathlib import Path

from tests.bom.support import bom_of, by_ref, props, safetensors, schema_errors
from tests.conftest import write_tree

CARD_WITH_FRONT_MATTER = """---
license: mit
pipeline_tag: text-classification
base_model: example-org/base-bert
base_model_relation: finetune
datasets:
  - example-org/reviews
model-index:
  - name: tiny
    results:
      - metrics:
          - type: accuracy
            value: 0.91
---
# tiny

## Intended uses
Sorting support tickets by urgency.

## Bias, risks and limitations
Trained on English tickets only.
"""


def test_a_card_with_front_matter_fills_task_licence_pedigree_and_metrics(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "model/README.md": CARD_WITH_FRONT_MATTER,
            "model/config.json": json.dumps(
                {
                    "architectures": ["BertForSequenceClassification"],
                    "model_type": "bert",
                    "transformers_version": "4.47.1",
                },
                indent=1,
            ),
            "model/model.safetensors": safetensors({"w": 4}),
            "train.py": "from datasets import load_dataset\nload_dataset('example-org/reviews')\n",
        },
    )
    bom = bom_of(tmp_path).bom
    model = by_ref(bom)["machine-learning-model:model/"]
    card = model["modelCard"]
    assert card["modelParameters"]["task"] == "text-classification"
    assert card["modelParameters"]["modelArchitecture"] == "BertForSequenceClassification"
    assert card["modelParameters"]["architectureFamily"] == "bert"
    assert card["modelParameters"]["datasets"] == [
        {"ref": "data:hub/example-org/reviews@(default branch)"}
    ]
    assert card["quantitativeAnalysis"]["performanceMetrics"] == [
        {"type": "accuracy", "value": "0.91"}
    ]
    assert card["considerations"]["useCases"] == ["Sorting support tickets by urgency."]
    assert card["considerations"]["ethicalConsiderations"] == [
        {"name": "Trained on English tickets only."}
    ]
    assert model["licenses"] == [{"license": {"name": "mit"}}]
    ancestors = model["pedigree"]["ancestors"]
    assert [(a["name"], props(a)["relation"]) for a in ancestors] == [
        ("example-org/base-bert", "finetune")
    ]
    facts = props(model)
    assert facts["provenance:license"] == "declared model/README.md:2"
    assert facts["provenance:modelCard.modelParameters.task"] == "declared model/README.md:3"
    assert facts["provenance:pedigree.ancestors"] == "declared model/README.md:4"
    assert facts["provenance:modelCard.modelParameters.modelArchitecture"] == (
        "observed model/config.json:2"
    )
    assert facts["framework"] == "transformers"
    assert [f["name"] for f in model["components"]] == ["model/model.safetensors"]


def test_a_card_without_front_matter_still_gives_its_sections(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "weights/MODEL_CARD.md": "# m\n\n## Limitations\nNot for medical text.\n",
            "weights/net.onnx": b"\x08\x07\x12\x07pytorch" + b"\0" * 32,
        },
    )
    bom = bom_of(tmp_path).bom
    model = by_ref(bom)["machine-learning-model:weights/net.onnx"]
    assert model["modelCard"] == {
        "considerations": {"technicalLimitations": ["Not for medical text."]}
    }
    facts = props(model)
    assert facts["model-card"] == "weights/MODEL_CARD.md"
    assert "license" not in facts
    assert "models:license" in facts["completeness:missing"]
    assert "pedigree" not in model


def test_an_adapter_names_its_base_model_as_an_ancestor(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "lora/adapter_config.json": json.dumps(
                {"base_model_name_or_path": "meta-llama/Llama-3.1-8B", "peft_type": "LORA"},
                indent=1,
            ),
            "lora/adapter_model.safetensors": safetensors({"lora_A": 2, "lora_B": 2}),
        },
    )
    model = by_ref(bom_of(tmp_path).bom)["machine-learning-model:lora/"]
    ancestor = model["pedigree"]["ancestors"][0]
    assert (ancestor["name"], props(ancestor)["relation"]) == ("meta-llama/Llama-3.1-8B", "adapter")
    facts = props(model)
    assert facts["adapter-type"] == "LORA"
    assert facts["provenance:pedigree.ancestors"] == "observed lora/adapter_config.json:2"


def test_a_sharded_model_is_one_model_with_a_hashed_file_per_shard(tmp_path: Path) -> None:
    shards = {
        f"ckpt/model-0000{i}-of-00003.safetensors": safetensors({f"t{i}": i + 1}) for i in (1, 2, 3)
    }
    index = {"weight_map": {f"t{i}": f"model-0000{i}-of-00003.safetensors" for i in (1, 2, 3)}}
    write_tree(tmp_path, {**shards, "ckpt/model.safetensors.index.json": json.dumps(index)})
    bom = bom_of(tmp_path).bom
    assert [c["bom-ref"] for c in bom["components"]] == ["machine-learning-model:ckpt/"]
    model = bom["components"][0]
    files = model["components"]
    assert [f["name"] for f in files] == sorted(shards)
    assert all(f["type"] == "file" and len(f["hashes"][0]["content"]) == 64 for f in files)
    assert len({f["hashes"][0]["content"] for f in files}) == 3
    facts = props(model)
    assert facts["sharded"] == "3"
    assert facts["format"] == "safetensors"
    assert facts["artifact-verdict"] == "clean"
    assert facts["size"] == str(sum(len(b) for b in shards.values()))


def test_a_pickle_model_carries_the_artifact_scanners_verdict(tmp_path: Path) -> None:
    evil = (
        b"\x80\x04\x95\x1c\x00\x00\x00\x00\x00\x00\x00\x8c\x02os\x8c\x06system\x93\x8c\x02id\x85R."
    )
    write_tree(tmp_path, {"models/clf.pkl": evil})
    facts = props(by_ref(bom_of(tmp_path).bom)["machine-learning-model:models/clf.pkl"])
    assert facts["format"] == "pickle"
    assert facts["artifact-verdict"].startswith("critical:")


def test_dvc_tracked_data_that_is_not_committed_is_a_dataset_with_dvcs_hash(
    tmp_path: Path,
) -> None:
    write_tree(
        tmp_path,
        {
            "data/train.parquet.dvc": (
                "outs:\n- md5: 0f343b0931126a20f133d67c2b018a3b\n  size: 1024\n"
                "  path: train.parquet\n"
            ),
            "data/images.dvc": (
                "outs:\n- md5: 1e2b3c4d5e6f708192a3b4c5d6e7f809.dir\n  path: images\n"
            ),
        },
    )
    components = by_ref(bom_of(tmp_path).bom)
    train = components["data:data/train.parquet"]
    assert train["hashes"] == [{"alg": "MD5", "content": "0f343b0931126a20f133d67c2b018a3b"}]
    assert props(train)["provenance:dvc-tracked"] == "observed data/train.parquet.dvc:4"
    assert props(train)["dvc-size"] == "1024"
    images = components["data:data/images"]
    assert images["hashes"] == [{"alg": "MD5", "content": "1e2b3c4d5e6f708192a3b4c5d6e7f809"}]


def test_a_data_file_the_sampler_cannot_read_is_not_inspected_never_clean(tmp_path: Path) -> None:
    pointer = (
        "version https://git-lfs.github.com/spec/v1\noid sha256:" + "a" * 64 + "\nsize 12345\n"
    )
    write_tree(tmp_path, {"data/big.csv": pointer})
    facts = props(by_ref(bom_of(tmp_path).bom)["data:data/big.csv"])
    assert facts["personal-data"] == "not inspected: the file is a Git LFS pointer"
    assert facts["lfs-object"] == f"sha256:{'a' * 64} size 12345"


def test_hub_references_in_code_notebooks_and_configs(tmp_path: Path) -> None:
    notebook = {
        "cells": [
            {
                "cell_type": "code",
                "metadata": {},
                "source": [
                    "from huggingface_hub import hf_hub_download\n",
                    "hf_hub_download('acme/ds', 'a.csv', repo_type='dataset', revision='v1')\n",
                ],
                "outputs": [],
                "execution_count": None,
            }
        ],
        "metadata": {"kernelspec": {"language": "python", "name": "python3"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    write_tree(
        tmp_path,
        {
            "app.py": (
                "from transformers import pipeline, AutoModel\n"
                "MODEL = 'acme/chat'\n"
                "p = pipeline('text-generation', model=MODEL,\n"
                "             revision='0123456789abcdef0123456789abcdef01234567')\n"
                "local = AutoModel.from_pretrained('./weights')\n"
                "offline = AutoModel.from_pretrained('acme/other', local_files_only=True)\n"
                "saved = AutoModel.from_pretrained('checkpoints/run-3')\n"
                "from datasets import load_dataset\n"
                "rows = load_dataset('json', data_files='rows.jsonl')\n"
            ),
            "weights/config.json": "{}",
            "explore.ipynb": json.dumps(notebook, indent=1),
            "conf/train.yaml": "model:\n  model_name_or_path: acme/base\n  revision: main\n",
        },
    )
    components = by_ref(bom_of(tmp_path).bom)
    assert sorted(components) == [
        "data:hub/acme/ds@v1",
        "machine-learning-model:hub/acme/base@main",
        "machine-learning-model:hub/acme/chat@0123456789abcdef0123456789abcdef01234567",
    ]
    chat = props(
        components["machine-learning-model:hub/acme/chat@0123456789abcdef0123456789abcdef01234567"]
    )
    assert (chat["revision-pinned"], chat["location"]) == ("pinned", "app.py:3")
    dataset = props(components["data:hub/acme/ds@v1"])
    lines = (tmp_path / "explore.ipynb").read_text(encoding="utf-8").splitlines()
    line = next(n for n, text in enumerate(lines, 1) if "hf_hub_download('acme" in text)
    assert (dataset["revision-pinned"], dataset["location"]) == ("mutable", f"explore.ipynb:{line}")
    base = props(components["machine-learning-model:hub/acme/base@main"])
    assert base["provenance:revision"] == "declared conf/train.yaml:2"


def test_the_same_tree_gives_the_same_bytes_and_a_change_a_new_serial(tmp_path: Path) -> None:
    write_tree(
        tmp_path, {"requirements.txt": "torch==2.5.1\n", "m/a.safetensors": safetensors({"x": 1})}
    )
    first, second = bom_of(tmp_path).bom, bom_of(tmp_path).bom
    assert json.dumps(first) == json.dumps(second)
    (tmp_path / "requirements.txt").write_text("torch==2.6.0\n", encoding="utf-8")
    third = bom_of(tmp_path).bom
    assert third["serialNumber"] != first["serialNumber"]


def test_the_schema_check_catches_a_broken_bom(tmp_path: Path) -> None:
    write_tree(tmp_path, {"m/a.safetensors": safetensors({"x": 1})})
    bom = bom_of(tmp_path).bom
    bom["components"][0]["type"] = "model"
    bom["components"][0]["hashes"][0]["alg"] = "SHA256"
    bom["serialNumber"] = "urn:uuid:not-a-uuid"
    assert len(schema_errors(bom)) == 3


def test_the_repository_readme_is_a_card_only_with_front_matter(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "README.md": "# my service\n\n## Limitations\nRuns on one machine.\n",
            "model.safetensors": safetensors({"w": 1}),
            "tok/tokenizer.json": '{"version": "1.0", "model": {"type": "BPE"}}',
        },
    )
    components = by_ref(bom_of(tmp_path).bom)
    assert sorted(components) == ["machine-learning-model:model.safetensors"]
    assert "modelCard" not in components["machine-learning-model:model.safetensors"]
    (tmp_path / "README.md").write_text("---\nlicense: mit\n---\n# m\n", encoding="utf-8")
    model = by_ref(bom_of(tmp_path).bom)["machine-learning-model:model.safetensors"]
    assert props(model)["provenance:license"] == "declared README.md:2"


def test_lock_files_and_conda_environments_give_locked_and_direct_libraries(
    tmp_path: Path,
) -> None:
    write_tree(
        tmp_path,
        {
            "svc/Pipfile.lock": json.dumps(
                {"default": {"gradio": {"version": "==4.44.1", "hashes": ["sha256:00"]}}},
                indent=4,
            ),
            "trainer/poetry.lock": '[[package]]\nname = "Torch"\nversion = "2.6.0"\n',
            "env/environment.yml": (
                "name: lab\ndependencies:\n  - python=3.11\n  - pip:\n    - scikit-learn>=1.3\n"
            ),
        },
    )
    libraries = {c["name"]: c for c in bom_of(tmp_path).bom["components"] if c["type"] == "library"}
    assert sorted(libraries) == ["gradio", "scikit-learn", "torch"]
    gradio = props(libraries["gradio"])
    assert (libraries["gradio"]["version"], gradio["dependency"]) == ("4.44.1", "locked")
    assert gradio["provenance:version"] == "observed svc/Pipfile.lock:3"
    assert libraries["torch"]["purl"] == "pkg:pypi/torch@2.6.0"
    assert props(libraries["torch"])["provenance:version"] == "observed trainer/poetry.lock:2"
    sklearn = props(libraries["scikit-learn"])
    assert (sklearn["dependency"], sklearn["version"]) == ("direct", "unknown (not pinned)")
    assert sklearn["provenance:version"] == "declared env/environment.yml:5"
