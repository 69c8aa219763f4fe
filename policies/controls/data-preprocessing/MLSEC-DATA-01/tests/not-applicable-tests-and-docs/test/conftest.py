import pytest
from datasets import load_dataset
from transformers import AutoTokenizer


@pytest.fixture(scope="session")
def tiny_corpus():
    corpus = load_dataset("csv", data_files="data/reviews.csv", split="train[:32]")
    tokenizer = AutoTokenizer.from_pretrained("bert-base-uncased")
    return corpus.map(lambda row: tokenizer(row["text"]), batched=True)
