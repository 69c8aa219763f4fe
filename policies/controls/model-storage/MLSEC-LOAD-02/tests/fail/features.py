import pickle
import shelve
import marshal
import dill
import cloudpickle
import _pickle
from pickle import loads as unpickle


def load_model(path):
    with open(path, "rb") as handle:
        # ruleid: pickle-family-load
        return pickle.load(handle)


def load_blob(blob):
    # ruleid: pickle-family-load
    return unpickle(blob)


def load_dill(path):
    with open(path, "rb") as handle:
        # ruleid: pickle-family-load
        return dill.load(handle)


def load_remote_function(payload):
    # ruleid: pickle-family-load
    return cloudpickle.loads(payload)


def load_fast(handle):
    # ruleid: pickle-family-load
    return _pickle.Unpickler(handle).load()


def cached_embeddings(path):
    # ruleid: shelve-open
    with shelve.open(path) as cache:
        return dict(cache)


def compiled(path):
    with open(path, "rb") as handle:
        # ruleid: marshal-load
        return marshal.loads(handle.read())
