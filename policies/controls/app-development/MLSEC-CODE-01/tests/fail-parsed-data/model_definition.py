"""A model definition names its activation and blocks by their Python spelling."""

from omegaconf import DictConfig, OmegaConf
from torch import nn


class Builder:
    def __init__(self, path: str) -> None:
        self.spec = OmegaConf.load(path)

    def activation(self) -> nn.Module:
        return eval(self.spec.activation)


def build(cfg, layers: list[nn.Module]) -> nn.Sequential:
    act = cfg.get("activation", "nn.SiLU()")
    return nn.Sequential(*layers, eval(act))


def head(spec: DictConfig) -> nn.Module:
    return eval("nn." + spec["head"])
