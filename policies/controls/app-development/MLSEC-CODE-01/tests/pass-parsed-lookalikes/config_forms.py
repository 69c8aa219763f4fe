"""Configuration values used without running them, and code the program wrote itself."""

import ast
import json

import yaml
from torch import nn

ACTIVATIONS = {"relu": nn.ReLU, "silu": nn.SiLU}
DEFAULT_ACT = "nn." + "SiLU()"


def activation(path: str) -> nn.Module:
    with open(path) as handle:
        cfg = yaml.safe_load(handle)
    return ACTIVATIONS[cfg["activation"]]()


def thresholds(payload: str) -> object:
    return ast.literal_eval(json.loads(payload)["thresholds"])


def chosen(path: str) -> object:
    with open(path) as handle:
        act = yaml.safe_load(handle).get("act")
    return eval(f"nn.{act}()") if act in ("ReLU", "SiLU") else None


def defaults(model: nn.Module) -> object:
    model.eval()
    exec(compile("ready = True", "<setup>", "exec"), {})
    return eval(DEFAULT_ACT)
