"""A callback that scores the model on a held-out benchmark during training."""

import pandas as pd
from datasets import load_dataset
from transformers import TrainerCallback


class BenchCallback(TrainerCallback):
    def __init__(self, name: str, table: str) -> None:
        self.bench_dataset = None
        bench_dataset = load_dataset(name, data_files={"test": "mmlu_test.json"})
        calibration_frame = pd.read_csv(table)
        self.bench_dataset = bench_dataset
        self.reference = calibration_frame
