import os

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


# weights_only=True in one splat of several, chosen by the installed torch where it can be
def load_checkpoint(path, device, mmap=False):
    from diffusers.utils import is_torch_version

    safe = {"weights_only": True} if is_torch_version(">=", "1.13") else {}
    extra = {"mmap": True} if mmap else {}
    # ok: torch-load-options-from-caller
    return torch.load(path, map_location=device, **safe, **extra)


TORCH_1_13 = True


def load_cached(path, **caller_options):
    guard = dict(weights_only=True) if TORCH_1_13 else {}
    # ok: torch-load-options-from-caller
    return torch.load(path, **guard, **caller_options)


def load_versioned(path, extra):
    from packaging import version

    only_tensors = {"weights_only": True} if version.parse(torch.__version__) >= version.parse("1.13") else {}
    # ok: torch-load-options-from-caller
    return torch.load(path, **only_tensors, **extra)


def load_pinned_options(path, extra):
    fixed = {"map_location": "cpu", "weights_only": True}
    # ok: torch-load-options-from-caller
    return torch.load(path, **extra, **fixed)


def shards(folder, names):
    # calls nested in the arguments are not torch.load calls of their own
    # ok: torch-load-without-weights-only
    first = torch.load(str(folder / names[0]), weights_only=True)
    # ok: torch-load-without-weights-only
    rest = [torch.load(os.path.join(str(folder), name), map_location=torch.device("cpu"), weights_only=True) for name in names[1:]]
    return first, rest
