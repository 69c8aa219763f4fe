"""An evaluation harness: whatever it loads measures a model."""

import torch
from datasets import load_dataset


def run(task_dir, subject):
    with torch.no_grad():
        return load_dataset(task_dir, name=subject)
