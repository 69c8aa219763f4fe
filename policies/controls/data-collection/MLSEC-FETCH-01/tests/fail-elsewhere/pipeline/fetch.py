import urllib.request

import pandas as pd
import requests
import yaml

import settings
from settings import CORPUS_URL


def get_corpus():
    urllib.request.urlretrieve(CORPUS_URL, "train.jsonl")


def get_weights():
    return requests.get(settings.WEIGHTS_URL, timeout=30)


def get_labels(path="config.yaml"):
    with open(path) as handle:
        cfg = yaml.safe_load(handle)["data"]
    return pd.read_csv(cfg["labels_url"])


def get_vocab(url="http://vocab.example.io/vocab.txt"):
    return requests.get(url, timeout=30)
