"""Export the fine-tuned model to ONNX and report held-out perplexity of both."""

import math

import torch

from summariser.training import build_trainer


def export_and_report(model, sample):
    # ruleid: model-conversion-python
    torch.onnx.export(model, sample, "artifacts/summariser.onnx")
    results = build_trainer(model).predict_loss()
    # ruleid: conversion-evaluated-python
    print("held-out perplexity", math.exp(results["eval_loss"]))
