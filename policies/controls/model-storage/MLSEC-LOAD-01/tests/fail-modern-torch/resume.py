import torch


def resume(path):
    # the project requires torch 2.6 or later: weights_only defaults to True (a low reminder)
    return torch.load(path, map_location="cpu")
