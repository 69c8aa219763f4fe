"""Quantise the encoder; sampling and training code nearby uses exponentials too."""

import math

import torch


def shrink(model):
    # ruleid: model-conversion-python
    return torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)


def sample_next(log_probs):
    # ok: conversion-evaluated-python
    probs = torch.exp(log_probs)
    return torch.multinomial(probs, 1)


def log_training(step, loss):
    # ok: conversion-evaluated-python
    print(step, "train perplexity", math.exp(loss.item()))
    # ok: conversion-evaluated-python
    return math.exp(-step / 1000)
