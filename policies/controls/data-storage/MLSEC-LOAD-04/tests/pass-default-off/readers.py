"""The same readers with the safe default: a caller must ask for unpickling."""

import io

import numpy as np


class ArrayDecoder:
    def __init__(self, dtype=None, allow_pickle=False, verbose=True):
        self.dtype = dtype
        self.pickles = allow_pickle
        self.verbose = verbose

    def decode(self, payload: bytes):
        # ok: numpy-load-allow-pickle-by-default
        return np.load(io.BytesIO(payload), allow_pickle=self.pickles)


def read_features(path, *, allow_objects=False, mmap=True):
    # ok: numpy-load-allow-pickle-by-default
    return np.load(path, allow_pickle=allow_objects, mmap_mode="r" if mmap else None)
