"""Field names from dataset cards: which card describes a data file, and what it names."""

from __future__ import annotations

from pathlib import Path

from mlsec_policy.analyzers.base import FileContext
from mlsec_policy.analyzers.data_files.labels import SPEC, conflicting_labels
from mlsec_policy.analyzers.read.datacard import CardFields, card_fields
from mlsec_policy.models import Artifact, ArtifactKind
from tests.conftest import write_tree

FEATURES = """---
task_categories: [text-classification]
dataset_info:
- config_name: default
  features:
  - name: id
    dtype: int32
  - name: body
    dtype: string
  - name: verdict
    dtype:
      class_label:
        names: {'0': no, '1': yes}
---
# Card
"""
MAPPING = """---
pretty_name: Requests
train-eval-index:
- task: text-classification
  col_mapping: {question_text: text, gold: target}
---
"""


def test_features_name_the_item_and_the_class_label(tmp_path: Path) -> None:
    write_tree(tmp_path, {"data/README.md": FEATURES, "data/split/train.csv": ""})
    assert card_fields(tmp_path, "data/split/train.csv") == CardFields(
        "data/README.md", 3, "body", "verdict"
    )


def test_a_col_mapping_wins_and_the_nearest_card_describes_the_file(tmp_path: Path) -> None:
    write_tree(
        tmp_path,
        {
            "README.md": MAPPING,
            "a/b/train.jsonl": "",
            "c/DATA_CARD.md": FEATURES,
            "c/README.md": MAPPING,
            "c/train.csv": "",
        },
    )
    assert card_fields(tmp_path, "a/b/train.jsonl") == CardFields(
        "README.md", 3, "question_text", "gold"
    )
    # a datasheet comes before the README of the same folder
    assert card_fields(tmp_path, "c/train.csv") == CardFields(
        "c/DATA_CARD.md", 3, "body", "verdict"
    )


def test_cards_that_are_not_dataset_cards_declare_nothing(tmp_path: Path) -> None:
    model_card = "---\nlicense: mit\npipeline_tag: text-classification\nmodel-index: []\n---\n"
    write_tree(
        tmp_path,
        {
            "README.md": FEATURES,
            "m/README.md": model_card,  # a model card: the dataset card above still describes m/
            "m/train.csv": "",
            "n/README.md": "---\ntask_categories: [translation]\n---\n",  # names no label
            "n/train.csv": "",
            "o/README.md": "---\n: [unclosed\n---\n",
            "o/train.csv": "",
            "p/README.md": "no front matter at all\n",
            "p/train.csv": "",
        },
    )
    assert card_fields(tmp_path, "m/train.csv") == CardFields("README.md", 3, "body", "verdict")
    assert card_fields(tmp_path, "n/train.csv") is None
    assert card_fields(tmp_path, "o/train.csv") == CardFields("README.md", 3, "body", "verdict")
    assert card_fields(tmp_path, "p/train.csv") == CardFields("README.md", 3, "body", "verdict")


def test_a_symlinked_card_is_not_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    write_tree(outside, {"README.md": FEATURES})
    write_tree(tmp_path / "repo", {"train.csv": ""})
    (tmp_path / "repo" / "README.md").symlink_to(outside / "README.md")
    assert card_fields(tmp_path / "repo", "train.csv") is None


def _scan(root: Path, path: str) -> list[tuple[int | None, str, list[tuple[str, int | None]]]]:
    artifact = Artifact(path, ArtifactKind.DATA_FILE, (root / path).stat().st_size)
    context = FileContext(root, artifact)
    return [
        (
            o.location.start_line,
            o.message or "",
            [(s.location.path, s.location.start_line) for s in o.flow],
        )
        for o in conflicting_labels(context, SPEC.parse_params({}))
    ]


def test_declared_names_find_contradictions_common_names_miss(tmp_path: Path) -> None:
    rows = "id,body,verdict\n1,same text,1\n2,other,0\n3,Same  text,0\n"
    write_tree(tmp_path, {"with/README.md": FEATURES, "with/d.csv": rows, "bare/d.csv": rows})
    # without the card, "id" is the item and every id differs
    assert _scan(tmp_path, "bare/d.csv") == []
    [(line, message, flow)] = _scan(tmp_path, "with/d.csv")
    assert line == 2 and "'verdict' field for the same 'body'" in message
    assert flow == [("with/README.md", 3)]


def test_names_the_file_lacks_fall_back_to_common_names(tmp_path: Path) -> None:
    rows = "text,label\nsame,1\nsame,2\n"
    write_tree(tmp_path, {"README.md": FEATURES, "d.csv": rows})
    [(line, message, flow)] = _scan(tmp_path, "d.csv")
    assert (line, flow) == (2, [])  # the card's names are not this file's: no flow step
    assert "'label' field for the same 'text'" in message
