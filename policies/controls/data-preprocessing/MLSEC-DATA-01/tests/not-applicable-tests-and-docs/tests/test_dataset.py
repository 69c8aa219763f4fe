from pathlib import Path

import pandas as pd
import torch

from reviews.dataset import ReviewDataset

FIXTURES = Path(__file__).parent / "fixtures"


def test_items_are_tensors() -> None:
    frame = pd.read_csv(FIXTURES / "reviews.csv")
    dataset = ReviewDataset(frame)
    assert isinstance(dataset[0]["input_ids"], torch.Tensor)
