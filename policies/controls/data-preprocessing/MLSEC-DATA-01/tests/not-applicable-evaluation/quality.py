"""Evaluation only: test splits, a labelled test file, and predictions this script wrote."""

import json
import os

import pandas as pd
import torch
from datasets import load_dataset


def perplexity(model, tokenizer):
    text = load_dataset("wikitext", "wikitext-2-raw-v1", split="test")
    held_out = load_dataset("example-org/reviews", split="validation[:10%]")
    encodings = tokenizer("\n\n".join(text["text"]), return_tensors="pt")
    with torch.no_grad():
        return model(**encodings), held_out


def score(bench, predictions, save_name="predictions.jsonl"):
    labels = pd.read_json(os.path.join("label_bench", bench, "test.json"))
    with open(save_name, "w", encoding="utf-8") as handle:
        for row in predictions:
            handle.write(json.dumps(row) + "\n")
    written = load_dataset("json", data_files=save_name, split="train")
    return labels, written


def benchmark_subjects():
    return load_dataset("example-org/mmlu-evals", data_files={"test": "zero_shot.json"})
