import ftplib
import urllib.request

import pandas as pd
import requests
import tensorflow as tf

MIRROR = "http://datasets.example.com/reviews/reviews-2024.tar.gz"


def download():
    # ruleid: plaintext-download-python
    archive = requests.get(MIRROR, timeout=60)
    # ruleid: plaintext-download-python
    urllib.request.urlretrieve("ftp://ftp.example.org/pub/labels.csv", "labels.csv")
    # ruleid: plaintext-download-python
    frame = pd.read_csv("http://datasets.example.com/reviews/labels.csv")
    # ruleid: plaintext-download-python
    weights = tf.keras.utils.get_file("weights.h5", origin="http://models.example.com/w.h5")
    return archive, frame, weights


def mirror(user, password):
    # ruleid: plaintext-ftp-client
    with ftplib.FTP("ftp.example.org") as ftp:
        ftp.login(user, password)
