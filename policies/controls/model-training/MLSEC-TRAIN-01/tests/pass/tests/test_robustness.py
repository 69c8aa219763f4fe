from art.attacks.evasion import ProjectedGradientDescent
from art.estimators.classification import PyTorchClassifier


def test_accuracy_under_pgd(model, data):
    classifier = PyTorchClassifier(model=model, loss=None, input_shape=(3, 32, 32), nb_classes=10)
    attack = ProjectedGradientDescent(classifier, eps=8 / 255)
    adversarial = attack.generate(x=data.x)
    assert (classifier.predict(adversarial).argmax(1) == data.y).mean() > 0.4
