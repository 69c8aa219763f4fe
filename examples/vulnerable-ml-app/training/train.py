"""Fine-tune a sentiment classifier on the review dataset."""

import logging
import pickle

import torch
from datasets import load_dataset
from transformers import AutoModelForSequenceClassification, AutoTokenizer

log = logging.getLogger(__name__)
BASE_MODEL = "example-org/review-bert-base"


def build():
    tokenizer = AutoTokenizer.from_pretrained(BASE_MODEL, trust_remote_code=True)
    model = AutoModelForSequenceClassification.from_pretrained(BASE_MODEL, num_labels=2)
    return tokenizer, model


def resume(model, checkpoint="checkpoints/last.pt"):
    state = torch.load(checkpoint, map_location="cpu")
    model.load_state_dict(state["model"])
    with open("checkpoints/label_encoder.pkl", "rb") as handle:
        encoder = pickle.load(handle)
    return model, encoder


def main():
    dataset = load_dataset("example-org/product-reviews")
    tokenizer, model = build()
    for row in dataset["train"]:
        log.info("training on review from %s: %s", row["email"], row["text"])
    torch.save(model.state_dict(), "models/review-sentiment.pt")


if __name__ == "__main__":
    main()
