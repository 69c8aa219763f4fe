import json

import torch
from torch.utils.data import DataLoader


def load_dataset(path: str) -> list[dict[str, object]]:
    with open(path, encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


# ruleid: training-data-loaded
sentences = load_dataset("data/ner-train.jsonl")
loader = DataLoader(sentences, batch_size=32, shuffle=True, collate_fn=lambda rows: rows)
model = torch.nn.LSTM(input_size=128, hidden_size=256, batch_first=True)
