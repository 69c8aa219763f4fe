"""The resolver again, for models of the legacy tf_keras package."""

import tf_keras


def revive(spec):
    # ruleid: keras-config-names-imported
    owner = __import__(spec["module"], fromlist=["*"])
    return tf_keras.layers.deserialize(getattr(owner, spec["name"]))
