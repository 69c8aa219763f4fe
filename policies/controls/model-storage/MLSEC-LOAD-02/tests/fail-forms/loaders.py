import _pickle
import marshal
import pickle

import cloudpickle
import cPickle
import dill


def stream_records(handle):
    # ruleid: pickle-family-load
    return pickle.Unpickler(handle).load()


def fast_file(handle):
    # ruleid: pickle-family-load
    return _pickle.load(handle)


def fast_bytes(blob):
    # ruleid: pickle-family-load
    return _pickle.loads(blob)


def py2_file(handle):
    # ruleid: pickle-family-load
    return cPickle.load(handle)


def py2_bytes(blob):
    # ruleid: pickle-family-load
    return cPickle.loads(blob)


def py2_stream(handle):
    # ruleid: pickle-family-load
    return cPickle.Unpickler(handle).load()


def session_bytes(blob):
    # ruleid: pickle-family-load
    return dill.loads(blob)


def session_stream(handle):
    # ruleid: pickle-family-load
    return dill.Unpickler(handle).load()


def function_file(handle):
    # ruleid: pickle-family-load
    return cloudpickle.load(handle)


def code_file(handle):
    # ruleid: marshal-load
    return marshal.load(handle)
