"""Methods called fit that train nothing an adversary could attack through its inputs."""

from PIL import Image, ImageOps
from sklearn.cluster import KMeans
from sklearn.preprocessing import StandardScaler


def thumbnail(path):
    image = Image.open(path)
    # ok: model-training-code
    return ImageOps.fit(image, (350, 470), Image.LANCZOS)


def topics(embeddings):
    # ok: model-training-code
    return KMeans(n_clusters=8).fit(embeddings)


def scaled(rows):
    # ok: model-training-code
    return StandardScaler().fit(rows)
