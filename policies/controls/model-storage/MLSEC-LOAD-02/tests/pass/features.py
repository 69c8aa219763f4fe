import copy
import json
import pickle
import marshal

import numpy as np
from safetensors.numpy import load_file


def load_weights(path):
    # ok: pickle-family-load
    return load_file(path)


def load_labels(path):
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def load_vectors(path):
    return np.load(path, allow_pickle=False)


def clone(config):
    # a round trip in memory only reads bytes this process produced
    # ok: pickle-family-load
    return pickle.loads(pickle.dumps(config))


def clone_code(code):
    # ok: marshal-load
    return marshal.loads(marshal.dumps(code))


def save(model, path):
    with open(path, "wb") as handle:
        # ok: pickle-family-load
        pickle.dump(model, handle)


def copy_config(config):
    return copy.deepcopy(config)
