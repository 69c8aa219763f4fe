"""Downloads that nothing compares with a known digest where they happen."""

import hashlib
import urllib.request

import wget

MODEL_URL = "https://models.example.com/sentiment/v2/model.pt"
DATA_URL = "https://data.example.com/reviews/train.csv"


def fetch_model():
    # the model's sha256(...) is never computed here, only mentioned in this comment
    # ruleid: download-without-hash
    urllib.request.urlretrieve(MODEL_URL, "model.pt")
    return "model.pt"


def verify(path):
    """A check in another function does not cover the download above."""
    return hashlib.sha256(open(path, "rb").read()).hexdigest() == EXPECTED


SALT = hashlib.sha256(b"reviews").hexdigest()  # a digest before the download, not after
# ruleid: download-without-hash
wget.download(DATA_URL, "train.csv")
print("compare sha256(train.csv) with the published value by hand")  # a mention, not a check


def get_hash(path):  # a definition named like a check is not a call
    return path


class HashRecord(dict):
    """Named like a check, but only a class."""
