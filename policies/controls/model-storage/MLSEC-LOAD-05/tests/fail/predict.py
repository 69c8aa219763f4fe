import keras
import tensorflow as tf
from keras.saving import load_model


def load_classifier(path):
    # ruleid: keras-safe-mode-off
    return load_model(path, safe_mode=False)


def load_tf(path):
    # ruleid: keras-safe-mode-off
    return tf.keras.models.load_model(path, compile=False, safe_mode=False)


def allow_lambdas():
    # ruleid: keras-unsafe-deserialization-enabled
    keras.config.enable_unsafe_deserialization()
