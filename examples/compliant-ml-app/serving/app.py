"""HTTP API serving the sentiment model."""

import hmac
import logging
import os

import torch
from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.security import APIKeyHeader
from prometheus_client import Counter, Histogram, make_asgi_app
from pydantic import BaseModel, Field
from slowapi import Limiter
from slowapi.util import get_remote_address
from transformers import AutoModelForSequenceClassification, AutoTokenizer

log = logging.getLogger("serving")
limiter = Limiter(key_func=get_remote_address)
app = FastAPI()
app.state.limiter = limiter
app.mount("/metrics", make_asgi_app())
PREDICTIONS = Counter("review_sentiment_predictions_total", "Predictions served", ["label"])
LATENCY = Histogram("review_sentiment_latency_seconds", "Prediction latency")
api_key_header = APIKeyHeader(name="X-API-Key")

MODEL_DIR = os.environ.get("MODEL_DIR", "/models/review-sentiment")
tokenizer = AutoTokenizer.from_pretrained(MODEL_DIR, local_files_only=True)
model = AutoModelForSequenceClassification.from_pretrained(MODEL_DIR, local_files_only=True)
LABELS = ("negative", "positive")


def require_api_key(key: str = Depends(api_key_header)) -> None:
    if not hmac.compare_digest(key, os.environ["SERVING_API_KEY"]):
        raise HTTPException(status_code=401, detail="invalid API key")


class Review(BaseModel):
    text: str = Field(min_length=1, max_length=2000)


@app.get("/health")
async def health():
    return {"ok": True}


@app.post("/predict", dependencies=[Depends(require_api_key)])
@limiter.limit("60/minute")
async def predict(request: Request, review: Review):
    with LATENCY.time():
        inputs = tokenizer(review.text, return_tensors="pt", truncation=True, max_length=256)
        with torch.no_grad():
            label = LABELS[int(model(**inputs).logits.argmax(dim=-1))]
    PREDICTIONS.labels(label=label).inc()
    log.info("prediction served (%d characters)", len(review.text))
    return {"label": label}
