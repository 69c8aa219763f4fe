"""The resolver again, in a module that reaches Keras through TensorFlow."""

import importlib

import tensorflow as tf


def layer_from_config(config):
    # ruleid: keras-config-names-imported
    owner = importlib.import_module(config["module"])
    return tf.keras.layers.deserialize(getattr(owner, config["class_name"])(**config["config"]))
