from art import attacks
from art.estimators.classification import PyTorchClassifier


def wrap(model, loss, optimizer):
    return PyTorchClassifier(model=model, loss=loss, optimizer=optimizer, input_shape=(3, 32, 32), nb_classes=10)
