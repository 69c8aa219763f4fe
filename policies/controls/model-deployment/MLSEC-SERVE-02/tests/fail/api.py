from typing import List, Optional

from fastapi import FastAPI, Request
from pydantic import BaseModel, Field

app = FastAPI()


class Review(BaseModel):
    # ruleid: unbounded-request-field
    text: str
    # ruleid: unbounded-request-field
    tags: List[str] = []
    # ruleid: unbounded-request-field
    language: Optional[str] = None
    rating: int = Field(ge=1, le=5)


@app.post("/predict")
async def predict(review: Review):
    return {"label": "positive"}


@app.post("/embed")
async def embed(request: Request):
    # ruleid: raw-request-body
    payload = await request.json()
    return {"vector": [0.0] * len(payload["texts"])}
