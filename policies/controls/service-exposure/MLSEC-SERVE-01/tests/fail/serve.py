from fastapi import Depends, FastAPI
from pydantic import BaseModel
from sqlalchemy.orm import Session

from .db import get_db

app = FastAPI()


class Review(BaseModel):
    text: str


@app.get("/health")
def health():
    return {"ok": True}


@app.post("/predict")
async def predict(review: Review, db: Session = Depends(get_db)):
    return {"label": "positive"}


@app.get("/v1/models")
def models():
    return {"data": ["review-sentiment"]}


@app.get("/v1/embeddings")
def embeddings(text: str):
    return {"vector": []}
