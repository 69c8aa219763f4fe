import urllib.request

import tensorflow as tf
import torch
from torchvision.datasets.utils import download_and_extract_archive, download_url

WEIGHTS = "https://models.example.com/review-sentiment/v3/model.safetensors"


def fetch_weights():
    # ruleid: download-without-hash
    path = tf.keras.utils.get_file("encoder.h5", origin="https://models.example.com/encoder.h5")
    # ruleid: download-without-hash
    download_url("https://data.example.com/reviews.csv", "data/")
    # ruleid: download-without-hash
    download_and_extract_archive("https://data.example.com/images.tgz", "data/")
    # ruleid: download-without-hash
    torch.hub.download_url_to_file("https://models.example.com/resnet.pth", "resnet.pth")
    return path


# ruleid: download-without-hash
urllib.request.urlretrieve(WEIGHTS, "model.safetensors")
