from typing import Annotated, List

from fastapi import FastAPI, HTTPException, Request
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

app = FastAPI()


class Review(BaseModel):
    # ok: unbounded-request-field
    text: str = Field(min_length=1, max_length=4000)
    # ok: unbounded-request-field
    tags: List[str] = Field(default_factory=list, max_length=16)
    # ok: unbounded-request-field
    language: Annotated[str, StringConstraints(max_length=8)] = "en"


class Batch(BaseModel):
    model_config = ConfigDict(str_max_length=4000)
    # ok: unbounded-request-field
    texts: str


class Settings(BaseModel):
    # not a request body: no route takes it
    # ok: unbounded-request-field
    model_dir: str


@app.post("/predict")
async def predict(review: Review):
    return {"label": "positive"}


@app.post("/batch")
async def batch(items: Batch):
    return {"labels": []}


@app.post("/embed")
async def embed(request: Request):
    raw = await request.body()
    if len(raw) > 65536:
        raise HTTPException(status_code=413, detail="request too large")
    # ok: raw-request-body
    payload = await request.json()
    return {"vector": [0.0] * len(payload["texts"])}


class Comment(BaseModel):
    # ok: unbounded-request-field
    body: str


@app.post("/experiments/{experiment_id}/comments")
async def comment(experiment_id: str, item: Comment):
    # not an inference route: MLSEC-SERVE-02 is about inputs that reach a model
    return {"ok": True}
