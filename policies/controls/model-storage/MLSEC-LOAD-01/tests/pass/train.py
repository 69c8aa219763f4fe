import torch
from safetensors.torch import load_file


def resume(path):
    # ok: torch-load-without-weights-only
    return torch.load(path, map_location="cpu", weights_only=True)


def from_safetensors(path):
    return load_file(path)


def scripted(path):
    # torch.jit.load reads TorchScript archives, not pickles of arbitrary objects
    # ok: torch-load-without-weights-only
    return torch.jit.load(path)


def pretrained(url):
    # ok: torch-hub-state-dict-unrestricted
    return torch.hub.load_state_dict_from_url(url, check_hash=True, weights_only=True)


def load_with(path, **kwargs):
    kwargs.setdefault("weights_only", True)
    # ok: torch-load-options-from-caller
    return torch.load(path, **kwargs)


def load_built(path, device):
    options = {"map_location": device, "weights_only": True}
    # ok: torch-load-options-from-caller
    return torch.load(path, **options)


def load_restricted(path, **kwargs):
    # ok: torch-load-options-from-caller
    return torch.load(path, weights_only=True, **kwargs)


def load_dict_built(path, device):
    options = dict(map_location=device, weights_only=True)
    # ok: torch-load-options-from-caller
    return torch.load(path, **options)


def load_forced(path, **load_kwargs):
    load_kwargs["weights_only"] = True
    # ok: torch-load-options-from-caller
    return torch.load(path, **load_kwargs)


def load_updated(path, user_options):
    options = {"map_location": "cpu"}
    options.update(user_options, weights_only=True)
    # ok: torch-load-options-from-caller
    return torch.load(path, **options)


def pretrained_with(url, **kwargs):
    kwargs.setdefault("weights_only", True)
    # the caller's options go through, with weights_only set here
    # ok: torch-hub-state-dict-unrestricted
    return torch.hub.load_state_dict_from_url(url, progress=False, **kwargs)
