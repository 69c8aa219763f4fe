"""Quantise with GPTQ, then run the same benchmark tasks on the result."""

import auto_gptq

# ruleid: conversion-evaluated-python
from lighteval.pipeline import Pipeline

# ruleid: model-conversion-python
model = auto_gptq.AutoGPTQForCausalLM.from_pretrained("org/chat-7b", quantize_config=None)
Pipeline(tasks="leaderboard|hellaswag|0|0", model_config=model).show_results()
