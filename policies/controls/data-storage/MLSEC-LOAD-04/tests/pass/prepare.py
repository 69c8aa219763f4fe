import numpy as np
import pandas as pd


def load_features(path):
    # ok: numpy-load-allow-pickle
    arrays = np.load(path)
    return arrays["features"], arrays["labels"]


def load_matrix(path):
    # ok: numpy-load-allow-pickle
    return np.load(path, allow_pickle=False, mmap_mode="r")


def load_reviews(path):
    # ok: pandas-read-pickle
    return pd.read_parquet(path)


def save_reviews(frame, path):
    # ok: pandas-read-pickle
    frame.to_pickle(path)
