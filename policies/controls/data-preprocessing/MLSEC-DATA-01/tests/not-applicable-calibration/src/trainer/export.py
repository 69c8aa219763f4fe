"""Export a fine-tuned model, quantized with a small calibration set."""

import torch
from datasets import load_dataset
from transformers import AutoModelForCausalLM


def _get_quantization_dataset(name: str, samples: int) -> list[str]:
    # the calibration set only measures activation ranges; nothing is trained on it
    dataset = load_dataset(name, split="train")
    return [row["text"] for row in dataset.select(range(samples))]


def export(model_dir: str, calibration: str) -> None:
    model = AutoModelForCausalLM.from_pretrained(model_dir, torch_dtype=torch.float16)
    examples = _get_quantization_dataset(calibration, 128)
    model.save_pretrained(model_dir + "-gptq", examples=examples)
