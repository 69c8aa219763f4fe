"""Score every configured model (full or quantised) by perplexity on a held-out text."""

import torch


def score(model, token_ids, window=1024, step=512):
    losses = []
    for start in range(0, token_ids.shape[1], step):
        chunk = token_ids[:, start : start + window]
        with torch.no_grad():
            losses.append(model(input_ids=chunk, labels=chunk).loss)
    nlls = torch.stack(losses)
    # ruleid: conversion-evaluated-python
    return float(torch.exp(nlls.mean()))
