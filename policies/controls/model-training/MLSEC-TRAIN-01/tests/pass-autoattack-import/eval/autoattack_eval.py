import torch
from autoattack import AutoAttack


def evaluate(model, x, y):
    return AutoAttack(model, norm='Linf', eps=8 / 255).run_standard_evaluation(x, y)
