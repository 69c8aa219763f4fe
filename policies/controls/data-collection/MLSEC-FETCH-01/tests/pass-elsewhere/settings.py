"""Where the project keeps its endpoints: all behind TLS, or inside the cluster."""

CORPUS_URL = "https://corpus.example.com/v2/train.jsonl"
WEIGHTS_URL = "http://minio:9000/release/model.bin"
