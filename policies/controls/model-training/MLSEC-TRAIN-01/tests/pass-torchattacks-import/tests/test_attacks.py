import torchattacks as ta


def test_pgd_keeps_accuracy(model, batch, labels):
    adversarial = ta.PGD(model, eps=8 / 255)(batch, labels)
    assert (model(adversarial).argmax(1) == labels).float().mean() > 0.4
