import pandas as pd
from transformers import AutoTokenizer


def tokenize_and_store(records: pd.DataFrame, target: str) -> pd.DataFrame:
    tokenizer = AutoTokenizer.from_pretrained("bert-base-uncased")
    records["ids"] = records["text"].map(lambda text: tokenizer(text)["input_ids"])
    records.to_json(target, orient="records", lines=True)
    # ok: training-data-loaded
    return pd.read_json(target, orient="records", lines=True)
