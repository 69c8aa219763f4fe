"""Shrink the trained model for CPU serving, and check it against the original."""

import torch
from sklearn.metrics import accuracy_score

from reviews.data import validation_batches
from reviews.model import build_model

model = build_model()
model.load_state_dict(torch.load("models/review-sentiment.pt", weights_only=True))
# ruleid: model-conversion-python
quantized = torch.ao.quantization.quantize_dynamic(model, {torch.nn.Linear}, dtype=torch.qint8)

labels, full, small = [], [], []
for features, target in validation_batches():
    labels.extend(target.tolist())
    full.extend(model(features).argmax(-1).tolist())
    small.extend(quantized(features).argmax(-1).tolist())
# ruleid: conversion-evaluated-python
if accuracy_score(labels, full) - accuracy_score(labels, small) > 0.01:
    raise SystemExit("the quantised model loses more than one point of accuracy")
torch.save(quantized.state_dict(), "models/review-sentiment-int8.pt")
