"""The same resolvers with the object checked, or with names the code fixes."""

import importlib

from keras.src.saving.keras_saveable import KerasSaveable


def resolve(config):
    # ok: keras-config-names-imported
    module = importlib.import_module(config["module"])
    candidate = vars(module).get(config["class_name"], None)
    if isinstance(candidate, type) and issubclass(candidate, KerasSaveable):
        return candidate
    raise ValueError("not a serialisable Keras class")


def resolve_guarded(entry):
    try:
        # ok: keras-config-names-imported
        package = importlib.import_module(entry["module"])
    except ImportError as error:
        raise TypeError(f"cannot import {entry}") from error
    layer_class = getattr(package, entry["registered_name"], None)
    if layer_class is None or not issubclass(layer_class, KerasSaveable):
        raise TypeError("refused")
    return layer_class


def builtin_activation(name):
    # ok: keras-config-names-imported
    activations = importlib.import_module("keras.activations")
    return getattr(activations, name)


def fixed_symbol(module_name):
    # ok: keras-config-names-imported
    module = importlib.import_module(module_name)
    return getattr(module, "Dense")


def builtin_layer(name):
    # ok: keras-config-names-imported
    layers = __import__("keras.layers", fromlist=["*"])
    return getattr(layers, name)
