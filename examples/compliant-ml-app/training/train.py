"""Fine-tune a sentiment classifier on the review dataset."""

import logging

import torch
from datasets import load_dataset
from safetensors.torch import save_file
from transformers import AutoModelForSequenceClassification, AutoTokenizer

from training.validate import validate

log = logging.getLogger(__name__)
BASE_MODEL = "example-org/review-bert-base"
BASE_REVISION = "4f1c2d3e5a6b7c8d9e0f1a2b3c4d5e6f7a8b9c0d"
DATASET_REVISION = "0a1b2c3d4e5f60718293a4b5c6d7e8f901234567"


def build():
    tokenizer = AutoTokenizer.from_pretrained(BASE_MODEL, revision=BASE_REVISION)
    model = AutoModelForSequenceClassification.from_pretrained(
        BASE_MODEL, revision=BASE_REVISION, num_labels=2
    )
    return tokenizer, model


def resume(model, checkpoint="checkpoints/last.pt"):
    state = torch.load(checkpoint, map_location="cpu", weights_only=True)
    model.load_state_dict(state["model"])
    return model


def main():
    dataset = load_dataset("example-org/product-reviews", revision=DATASET_REVISION)
    train = validate(dataset["train"].to_pandas())
    tokenizer, model = build()
    log.info("training on %d reviews", len(train))
    save_file(model.state_dict(), "models/review-sentiment.safetensors")


if __name__ == "__main__":
    main()
