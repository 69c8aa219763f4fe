"""A custom-object resolver for saved Keras models: three ways to write the lookup."""

import importlib

import keras


def resolve(config):
    module_name = config["module"]
    # ruleid: keras-config-names-imported
    module = importlib.import_module(module_name)
    return vars(module).get(config["class_name"], None)


def resolve_guarded(entry, custom_objects=None):
    try:
        # ruleid: keras-config-names-imported
        package = importlib.import_module(entry.get("module"))
    except ImportError as error:
        raise TypeError(f"cannot import {entry}") from error
    layer_class = getattr(package, entry.get("registered_name"))
    return keras.layers.deserialize({"class_name": layer_class.__name__}, custom_objects)


def resolve_dunder(module_path, attribute):
    # ruleid: keras-config-names-imported
    owner = __import__(module_path, fromlist=[attribute])
    found = owner.__dict__.get(attribute, None)
    return found
