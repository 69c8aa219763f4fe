import joblib
import torch
from fastapi import FastAPI
from transformers import AutoModelForSequenceClassification, AutoTokenizer

app = FastAPI()
tokenizer = AutoTokenizer.from_pretrained("./model")
model = AutoModelForSequenceClassification.from_pretrained("./model")
churn = joblib.load("churn.joblib")


@app.post("/predict")
async def predict(payload: dict):
    inputs = tokenizer(payload["text"], return_tensors="pt")
    with torch.no_grad():
        logits = model(**inputs).logits
    # ruleid: probabilities-returned
    return {"probabilities": torch.softmax(logits, dim=-1).tolist(), "logits": logits.tolist()}


@app.post("/churn")
def churn_risk(features: dict):
    scores = churn.predict_proba([list(features.values())])
    # ruleid: probabilities-returned
    return {"scores": scores[0].tolist()}
