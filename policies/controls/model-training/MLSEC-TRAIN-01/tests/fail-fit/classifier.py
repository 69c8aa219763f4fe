from sklearn.linear_model import LogisticRegression
from tensorflow import keras


def train_tabular(features, labels):
    model = LogisticRegression(max_iter=200)
    # ruleid: model-training-code
    model.fit(features, labels)
    return model


def train_images(dataset):
    network = keras.Sequential([keras.layers.Dense(10)])
    network.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    # ruleid: model-training-code
    network.fit(dataset, epochs=3)
    return network
