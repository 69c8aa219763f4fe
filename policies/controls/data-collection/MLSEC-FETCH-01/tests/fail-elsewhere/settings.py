"""Where the project keeps its endpoints."""

CORPUS_URL = "http://corpus.example.com/v2/train.jsonl"
WEIGHTS_URL = "http://weights.example.org/release/model.bin"
