import ftplib

import pandas as pd
import requests

MIRROR = "https://datasets.example.com/reviews/reviews-2024.tar.gz"


def download(host):
    # ok: plaintext-download-python
    archive = requests.get(MIRROR, timeout=60)
    # ok: plaintext-download-python
    frame = pd.read_csv("https://datasets.example.com/reviews/labels.csv")
    # services on this machine or inside the cluster are not reported
    # ok: plaintext-download-python
    health = requests.get("http://localhost:8080/health", timeout=5)
    # ok: plaintext-download-python
    features = requests.get("http://feature-store.ml.svc.cluster.local/v1/features", timeout=5)
    # ok: plaintext-download-python
    artifacts = requests.get("http://minio:9000/models/latest.json", timeout=5)
    # the host is not known here
    # ok: plaintext-download-python
    other = requests.get(f"http://{host}/labels.csv", timeout=5)
    return archive, frame, health, features, artifacts, other


def mirror(user, password):
    # ok: plaintext-ftp-client
    with ftplib.FTP_TLS("ftp.example.org") as ftp:
        ftp.login(user, password)
        ftp.prot_p()
