import keras
from keras.saving import load_model


@keras.saving.register_keras_serializable(package="reviews")
class Scale(keras.layers.Layer):
    def call(self, inputs):
        return inputs * 2.0


def load_classifier(path):
    # ok: keras-safe-mode-off
    return load_model(path)


def load_explicit(path):
    # ok: keras-safe-mode-off
    return keras.models.load_model(path, safe_mode=True, custom_objects={"Scale": Scale})
