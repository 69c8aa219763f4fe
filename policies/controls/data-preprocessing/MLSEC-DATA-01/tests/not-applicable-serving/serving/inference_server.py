import pandas as pd
import torch
from fastapi import FastAPI

app = FastAPI()
MODEL = torch.jit.load("model/classifier.pt")
LABELS = pd.read_csv("data/label_names.csv")["name"].tolist()


@app.post("/classify")
def classify(features: list[float]) -> dict[str, str]:
    with torch.no_grad():
        index = int(MODEL(torch.tensor([features])).argmax())
    return {"label": LABELS[index]}
