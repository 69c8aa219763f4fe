"""Tokens per second of the model on a slice of the training corpus."""

import time

from datasets import load_dataset
from transformers import AutoModelForCausalLM, AutoTokenizer

corpus = load_dataset("wikitext", "wikitext-103-raw-v1", split="train[:1%]")
tokenizer = AutoTokenizer.from_pretrained("gpt2")
model = AutoModelForCausalLM.from_pretrained("gpt2")
start = time.perf_counter()
tokens = sum(len(model.generate(**tokenizer(row["text"], return_tensors="pt"))[0]) for row in corpus)
print(tokens / (time.perf_counter() - start))
