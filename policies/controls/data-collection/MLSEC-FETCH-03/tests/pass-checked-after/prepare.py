"""A data preparation script that compares every download with a recorded digest."""

import hashlib
import urllib.request
from pathlib import Path

import gdown
import wget

MODEL_URL = "https://models.example.com/sentiment/v2/model.onnx"
MODEL_SHA256 = "9f2c4e1a7b3d5f6081a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f7081"
SHARD_URLS = {
    "train": "https://data.example.com/reviews/train",
    "test": "https://data.example.com/reviews/test",
}


def fetch_tokenizer(url):
    """The helper checks the archive it fetched, through a helper named for it."""
    # ok: download-without-hash
    archive, _ = urllib.request.urlretrieve(url, "tokenizer.tar.gz")
    verify_checksum(archive, expected=TOKENIZER_MD5)
    return archive


# ok: download-without-hash
urllib.request.urlretrieve(MODEL_URL, "model.onnx")
if hashlib.sha256(Path("model.onnx").read_bytes()).hexdigest() != MODEL_SHA256:
    raise SystemExit("model.onnx does not match the recorded digest")

for split, url in SHARD_URLS.items():
    # ok: download-without-hash
    wget.download(url, "shard.parquet")
    check_integrity("shard.parquet", CHECKSUMS[split])

if not Path("vocab.zip").exists():
    # ok: download-without-hash
    target = gdown.download(
        "https://drive.example.com/vocab",
        "vocab.zip",
        quiet=True,
    )
    with open(target, "rb") as handle:
        digest = hashlib.file_digest(handle, "sha256")
