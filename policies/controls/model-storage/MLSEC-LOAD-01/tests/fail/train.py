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


def load_switch(path, trusted, extra):
    # a switch that is not a torch version test: untrusted callers get full unpickling
    safe = {} if trusted else {"weights_only": True}
    # ruleid: torch-load-options-from-caller
    return torch.load(path, **safe, **extra)


def load_opt_in(path, strict, extra):
    guard = {"weights_only": True} if strict else {}
    # ruleid: torch-load-options-from-caller
    return torch.load(path, **guard, **extra)
