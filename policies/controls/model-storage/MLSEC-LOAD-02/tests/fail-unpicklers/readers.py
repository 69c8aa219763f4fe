"""Unpickler subclasses: those whose find_class refuses unknown globals, and those that do not."""

import _pickle
import io
import logging
import pickle
from pickle import Unpickler, UnpicklingError

import dill

WEIGHT_TYPES = {
    ("collections", "OrderedDict"),
    ("numpy", "dtype"),
    ("numpy.core.multiarray", "_reconstruct"),
}


class WeightsOnly(pickle.Unpickler):
    def find_class(self, module, name):
        if (module, name) in WEIGHT_TYPES:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"global {module}.{name} is not allowed")


class Allowlisted(Unpickler):
    allowed = {"builtins": {"dict", "list", "set"}}

    def find_class(self, module, name):
        if name in self.allowed.get(module, ()):
            return super().find_class(module, name)
        else:
            raise UnpicklingError(module + "." + name)


def _permitted(module):
    return module.startswith("numpy")


class NumpyOnly(pickle.Unpickler):
    def find_class(self, module, name):
        if not _permitted(module):
            raise UnpicklingError(f"{module} is outside numpy")
        return super().find_class(module, name)


class Traced(pickle.Unpickler):
    def find_class(self, module, name):
        logging.debug("unpickling %s.%s", module, name)
        return super().find_class(module, name)


class WithPersistentIds(Unpickler):
    def persistent_load(self, pid):
        return {"id": pid}


class SessionReader(dill.Unpickler):
    pass


class FastReader(_pickle.Unpickler):
    @classmethod
    def from_bytes(cls, blob):
        # ruleid: unpickler-subclass-unrestricted
        return FastReader(io.BytesIO(blob)).load()


def read_weights(path):
    with open(path, "rb") as handle:
        # ok: unpickler-subclass-unrestricted
        return WeightsOnly(handle).load()


def read_config(blob):
    # ok: unpickler-subclass-unrestricted
    return Allowlisted(io.BytesIO(blob)).load()


def read_arrays(handle):
    # ok: unpickler-subclass-unrestricted
    reader = NumpyOnly(handle)
    return reader.load()


def read_traced(handle):
    # ruleid: unpickler-subclass-unrestricted
    return Traced(handle).load()


def read_with_ids(blob):
    # ruleid: unpickler-subclass-unrestricted
    reader = WithPersistentIds(io.BytesIO(blob))
    return reader.load()


def read_session(path):
    with open(path, "rb") as handle:
        # ruleid: unpickler-subclass-unrestricted
        return SessionReader(handle).load()
