"""HTTP API serving the sentiment model."""

import hmac
import logging
import os

import torch
from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.security import APIKeyHeader
from pydantic import BaseModel, Field
from slowapi import Limiter
from slowapi.util import get_remote_address
from transformers import AutoModelForSequenceClassification, AutoTokenizer

log = logging.getLogger("serving")
limiter = Limiter(key_func=get_remote_address)
app = FastAPI()
app.state.limiter = limiter
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


@app.post("/predict", dependencies=[Depends(require_api_key)])
@limiter.limit("60/minute")
async def predict(request: Request, review: Review):
    inputs = tokenizer(review.text, return_tensors="pt", truncation=True, max_length=256)
    with torch.no_grad():
        label = int(model(**inputs).logits.argmax(dim=-1))
    log.info("prediction served (%d characters)", len(review.text))
    return {"label": LABELS[label]}
