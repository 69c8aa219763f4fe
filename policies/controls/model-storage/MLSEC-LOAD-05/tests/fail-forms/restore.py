import keras_core
from keras.config import enable_unsafe_deserialization
from keras.src.saving.serialization_lib import enable_unsafe_deserialization as allow_lambdas
from tensorflow.keras.config import enable_unsafe_deserialization as tf_allow


def restore_legacy(path):
    # ruleid: keras-unsafe-deserialization-enabled
    enable_unsafe_deserialization()
    # ruleid: keras-unsafe-deserialization-enabled
    allow_lambdas()
    # ruleid: keras-unsafe-deserialization-enabled
    tf_allow()
    # ruleid: keras-unsafe-deserialization-enabled
    keras_core.config.enable_unsafe_deserialization()
