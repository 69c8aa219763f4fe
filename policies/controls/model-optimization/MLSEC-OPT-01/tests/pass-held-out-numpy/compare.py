"""Quantise with ONNX Runtime and compare held-out perplexity per batch."""

import numpy as np
import onnxruntime.quantization


def quantise(source, target):
    # ruleid: model-conversion-python
    onnxruntime.quantization.quantize_dynamic(source, target)


def perplexity(batch_losses):
    validation_loss = np.asarray(batch_losses)
    # ruleid: conversion-evaluated-python
    return np.exp(validation_loss.mean())
