"""What a model folder declares about its model: the model card, ``config.json``, adapters.

A model card is a Markdown file beside the weights (``README.md``, ``MODEL_CARD.md``...): its
YAML front matter (read with the safe loader, positions kept) and its ``##`` sections (intended
use, limitations, training data, evaluation, bias). ``config.json`` gives the architecture and
model family as the weights' own configuration; ``adapter_config.json`` (PEFT) names the base
model an adapter was trained on. Nothing is imported or run; oversized files are left out.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from mlsec_policy.bom.files import line_of, read_json_object, read_text
from mlsec_policy.bom.parts import Basis, Part, Source
from mlsec_policy.bom.sections import headed_sections
from mlsec_policy.yamlpos import YamlError, load_single

CARD_NAMES = ("model_card.md", "modelcard.md", "readme.md")
"""Model card file names, best first (compared lower-case, ``MODEL_CARD.md`` included)."""
MAX_SECTION_CHARS = 400
SECTIONS: Mapping[str, str] = {
    "intended use": "useCases",
    "uses": "useCases",
    "use cases": "useCases",
    "bias": "ethicalConsiderations",
    "ethical": "ethicalConsiderations",
    "risks": "ethicalConsiderations",
    "limitations": "technicalLimitations",
    "training data": "trainingData",
    "evaluation": "evaluation",
    "licen": "license",
}
"""Words of a ``##`` heading and the card field its text fills; the words that come first in
the heading win ("Bias, risks and limitations" is an ethical consideration, "Limitations and
bias" a technical limitation)."""
TASKS = (
    ("ForSequenceClassification", "text-classification"),
    ("ForTokenClassification", "token-classification"),
    ("ForQuestionAnswering", "question-answering"),
    ("ForCausalLM", "text-generation"),
    ("ForConditionalGeneration", "text2text-generation"),
    ("ForMaskedLM", "fill-mask"),
    ("ForImageClassification", "image-classification"),
    ("ForObjectDetection", "object-detection"),
    ("ForSpeechSeq2Seq", "automatic-speech-recognition"),
)
"""Architecture name endings and the task they implement (Hugging Face naming)."""
RELATIONS = {"adapter", "merge", "quantized", "finetune"}


def card_file(folder: Path, names: set[str]) -> str | None:
    """Return the name of the model card among ``names`` (the folder's files), if any."""
    lower = {n.lower(): n for n in names}
    return next((lower[c] for c in CARD_NAMES if c in lower), None)


def apply_card(part: Part, root: Path, path: str, *, front_matter_only: bool = False) -> None:
    """Fill ``part``'s model card from the card at ``path``: front matter, then sections.

    With ``front_matter_only`` a file without YAML front matter is not taken for a card.
    """
    text = read_text(root / path)
    if text is None or (front_matter_only and not text.startswith("---")):
        return
    part.fill("model-card", path, Source(Basis.DECLARED, path, 1))
    body_start = 0
    if text.startswith("---"):
        end = text.find("\n---", 3)
        if end > 0:
            _front_matter(part, path, text[3:end])
            body_start = end + 4
    _sections(part, path, text, body_start)


def _front_matter(part: Part, path: str, text: str) -> None:
    try:
        document = load_single(text)
    except YamlError:
        part.fill("model-card-front-matter", "unreadable", Source(Basis.DECLARED, path, 1))
        return
    data = document.data if isinstance(document.data, dict) else {}

    def where(key: str) -> Source:
        position = document.positions.of_key((key,))
        return Source(Basis.DECLARED, path, position[0] if position else 1)

    licence = data.get("license")
    if isinstance(licence, str):
        part.fill("license", licence, where("license"))
    task = data.get("pipeline_tag")
    if isinstance(task, str):
        _parameters(part)["task"] = task
        part.note("modelCard.modelParameters.task", where("pipeline_tag"))
    datasets = _strings(data.get("datasets"))
    if datasets:
        part.fill("declared-datasets", ",".join(datasets), where("datasets"))
    relation = data.get("base_model_relation")
    kind = relation if isinstance(relation, str) and relation in RELATIONS else "finetune"
    for base in _strings(data.get("base_model")):
        part.ancestors.append((base, kind))
        part.note("pedigree.ancestors", where("base_model"))
    metrics = list(_metrics(data.get("model-index")))
    if metrics:
        part.model_card.setdefault("quantitativeAnalysis", {})["performanceMetrics"] = metrics
        part.note("modelCard.quantitativeAnalysis", where("model-index"))


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def _metrics(index: object) -> list[dict[str, str]]:
    found: list[dict[str, str]] = []
    for entry in index if isinstance(index, list) else []:
        results = entry.get("results") if isinstance(entry, dict) else None
        for result in results if isinstance(results, list) else []:
            metrics = result.get("metrics") if isinstance(result, dict) else None
            found.extend(
                {"type": str(metric["type"]), "value": str(metric["value"])}
                for metric in (metrics if isinstance(metrics, list) else [])
                if isinstance(metric, dict) and "type" in metric and "value" in metric
            )
    return found


def _sections(part: Part, path: str, text: str, start: int) -> None:
    considerations: dict[str, Any] = part.model_card.setdefault("considerations", {})
    for section in headed_sections(text, start, SECTIONS, 3, MAX_SECTION_CHARS):
        field, body = section.field, section.body
        source = Source(Basis.DECLARED, path, section.line)
        if field == "useCases":
            considerations.setdefault("useCases", []).append(body)
        elif field == "technicalLimitations":
            considerations.setdefault("technicalLimitations", []).append(body)
        elif field == "ethicalConsiderations":
            considerations.setdefault("ethicalConsiderations", []).append({"name": body})
        elif field == "evaluation":
            part.fill("evaluation", body, source)
        elif field == "license":
            part.fill("license", body.split()[0].rstrip(".,;"), source)
        else:
            part.fill("training-data", body, source)
        part.note(f"modelCard.{field}", source)
    if not considerations:
        del part.model_card["considerations"]


def _parameters(part: Part) -> dict[str, Any]:
    parameters: dict[str, Any] = part.model_card.setdefault("modelParameters", {})
    return parameters


def apply_config(part: Part, root: Path, path: str) -> None:
    """Fill architecture, family and task from a Hugging Face ``config.json``."""
    document = read_json_object(root / path)
    if document is None:
        return
    text = read_text(root / path) or ""
    architectures = _strings(document.get("architectures"))
    parameters = _parameters(part)
    if architectures:
        parameters["modelArchitecture"] = architectures[0]
        part.note(
            "modelCard.modelParameters.modelArchitecture",
            Source(Basis.OBSERVED, path, line_of(text, '"architectures"')),
        )
        task = next((t for end, t in TASKS if architectures[0].endswith(end)), None)
        if task and "task" not in parameters:
            parameters["task"] = task
            part.note(
                "modelCard.modelParameters.task",
                Source(Basis.INFERRED, path, line_of(text, '"architectures"')),
            )
    family = document.get("model_type")
    if isinstance(family, str):
        parameters["architectureFamily"] = family
        part.note(
            "modelCard.modelParameters.architectureFamily",
            Source(Basis.OBSERVED, path, line_of(text, '"model_type"')),
        )
    if "transformers_version" in document:
        part.fill(
            "framework", "transformers", Source(Basis.OBSERVED, path, line_of(text, "transformers"))
        )
    if isinstance(document.get("quantization_config"), dict):
        part.fill(
            "quantization",
            str(document["quantization_config"].get("quant_method", "unknown")),
            Source(Basis.OBSERVED, path, line_of(text, '"quantization_config"')),
        )


def apply_adapter(part: Part, root: Path, path: str) -> None:
    """Record the base model of a PEFT adapter (``adapter_config.json``) as an ancestor."""
    document = read_json_object(root / path)
    if document is None:
        return
    text = read_text(root / path) or ""
    base = document.get("base_model_name_or_path")
    if isinstance(base, str) and base:
        part.ancestors.append((base, "adapter"))
        part.note(
            "pedigree.ancestors",
            Source(Basis.OBSERVED, path, line_of(text, '"base_model_name_or_path"')),
        )
    peft = document.get("peft_type")
    if isinstance(peft, str):
        part.fill("adapter-type", peft, Source(Basis.OBSERVED, path, line_of(text, '"peft_type"')))
