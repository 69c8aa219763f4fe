"""Write the cleaned frame and read it back to check that nothing was lost on the way."""

import pandas as pd
import torch


def export(frame: pd.DataFrame, out_path: str) -> None:
    frame.to_csv(out_path, index=False)
    # ok: training-data-loaded
    round_trip = pd.read_csv(out_path)
    assert len(round_trip) == len(frame)
    torch.save(torch.tensor(round_trip["label"].to_numpy()), out_path + ".labels.pt")
