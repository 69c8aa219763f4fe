import torch
from torch import load as tload


def resume(path):
    # ruleid: torch-load-without-weights-only
    state = torch.load(path, map_location="cpu")
    return state


def legacy(path):
    # ruleid: torch-load-weights-only-false
    return torch.load(path, weights_only=False)


def aliased(path):
    # ruleid: torch-load-without-weights-only
    return tload(path)


def pretrained(url):
    # ruleid: torch-hub-state-dict-unrestricted
    return torch.hub.load_state_dict_from_url(url, map_location="cpu", check_hash=True)


def load_with(path, **kwargs):
    # the caller's options decide: nothing here sets weights_only
    # ruleid: torch-load-options-from-caller
    return torch.load(path, **kwargs)


def load_aliased(path, options):
    # ruleid: torch-load-options-from-caller
    return tload(path, map_location="cpu", **options)
