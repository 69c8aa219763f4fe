import numpy.lib.format
from pandas.io.pickle import read_pickle


def cached_features(handle):
    # ruleid: numpy-load-allow-pickle
    return numpy.lib.format.read_array(handle, allow_pickle=True)


def cached_frame(path):
    # ruleid: pandas-read-pickle
    return read_pickle(path)
