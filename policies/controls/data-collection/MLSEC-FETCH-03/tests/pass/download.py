import hashlib
import urllib.request

import tensorflow as tf
import torch
from torchvision.datasets.utils import download_url

WEIGHTS = "https://models.example.com/review-sentiment/v3/model.safetensors"
WEIGHTS_SHA256 = "3a1f0c9b8d7e6f5a4b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a"


def fetch_weights():
    # ok: download-without-hash
    path = tf.keras.utils.get_file(
        "encoder.h5", origin="https://models.example.com/encoder.h5", file_hash=WEIGHTS_SHA256
    )
    # ok: download-without-hash
    download_url("https://data.example.com/reviews.csv", "data/", md5="5d41402abc4b2a76b9719d911017c592")
    # ok: download-without-hash
    torch.hub.download_url_to_file("https://models.example.com/resnet.pth", "resnet.pth", hash_prefix="3a1f0c9b")
    return path


def fetch_checked():
    # ok: download-without-hash
    urllib.request.urlretrieve(WEIGHTS, "model.safetensors")
    with open("model.safetensors", "rb") as handle:
        if hashlib.sha256(handle.read()).hexdigest() != WEIGHTS_SHA256:
            raise RuntimeError("model.safetensors does not match its published SHA-256")


def fetch_page(url):
    # not a data or model file
    # ok: download-without-hash
    urllib.request.urlretrieve("https://example.com/index.html", "index.html")
