import joblib
import torch
from fastapi import FastAPI
from transformers import AutoModelForSequenceClassification, AutoTokenizer

app = FastAPI()
tokenizer = AutoTokenizer.from_pretrained("./model")
model = AutoModelForSequenceClassification.from_pretrained("./model")
churn = joblib.load("churn.joblib")
LABELS = ("negative", "positive")


@app.post("/predict")
async def predict(payload: dict):
    inputs = tokenizer(payload["text"], return_tensors="pt")
    with torch.no_grad():
        probabilities = torch.softmax(model(**inputs).logits, dim=-1)[0]
    label = int(probabilities.argmax())
    # ok: probabilities-returned
    return {"label": LABELS[label], "score": round(float(probabilities[label]), 2)}


@app.post("/churn")
def churn_risk(features: dict):
    scores = churn.predict_proba([list(features.values())])
    # ok: probabilities-returned
    return {"at_risk": bool(scores[0][1] > 0.5)}
