"""Readers that unpickle unless their caller knows to say otherwise."""

import io

import numpy as np
from numpy.lib import format as npy_format


class ArrayDecoder:
    def __init__(self, dtype=None, allow_pickle=True):
        self.dtype = dtype
        self.pickles = allow_pickle

    def decode(self, payload: bytes):
        # ruleid: numpy-load-allow-pickle-by-default
        return np.load(io.BytesIO(payload), allow_pickle=self.pickles)


def read_features(path, *, allow_objects=True):
    # ruleid: numpy-load-allow-pickle-by-default
    return np.load(path, allow_pickle=allow_objects)


def read_header_array(handle, trusted=True):
    # ruleid: numpy-load-allow-pickle-by-default
    return npy_format.read_array(handle, allow_pickle=trusted)


class HeaderReader:
    def __init__(self, handle, allow_pickle=True):
        self.handle = handle
        self.objects = allow_pickle

    def array(self):
        # ruleid: numpy-load-allow-pickle-by-default
        return npy_format.read_array(self.handle, allow_pickle=self.objects)
