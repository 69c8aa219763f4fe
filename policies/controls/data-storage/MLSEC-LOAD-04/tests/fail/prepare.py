import numpy as np
import pandas as pd


def load_features(path):
    # ruleid: numpy-load-allow-pickle
    arrays = np.load(path, allow_pickle=True)
    return arrays["features"], arrays["labels"]


def load_reviews(path):
    # ruleid: pandas-read-pickle
    return pd.read_pickle(path)
