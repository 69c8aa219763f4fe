from typing import Annotated, List

from fastapi import FastAPI, HTTPException, Request
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from .model import classifier

app = FastAPI()
Short = Annotated[str, StringConstraints(max_length=8)]


class Review(BaseModel):
    text: str = Field(min_length=1, max_length=4000)
    tags: List[str] = Field(default_factory=list, max_length=16)
    language: Short = "en"
    note: Annotated[str, Field(max_length=200)] = ""


class Batch(BaseModel):
    model_config = ConfigDict(str_max_length=4000)
    texts: str


class Chat(BaseModel):
    prompt: str

    @field_validator("prompt")
    @classmethod
    def short_enough(cls, value: str) -> str:
        if len(value) > 8000:
            raise ValueError("prompt too long")
        return value


class Settings(BaseModel):
    # not a request body: no route takes it
    model_dir: str


@app.post("/predict")
async def predict(review: Review):
    return {"label": classifier(review.text, review.tags, review.language, review.note)}


@app.post("/batch/predict")
async def batch(items: Batch):
    return {"labels": classifier(items.texts)}


@app.post("/chat")
async def chat(request: Chat):
    return {"reply": classifier(request.prompt)}


@app.post("/embed")
async def embed(request: Request):
    raw = await request.body()
    if len(raw) > 65536:
        raise HTTPException(status_code=413, detail="request too large")
    # ok: raw-request-body
    payload = await request.json()
    return {"vector": [0.0] * len(payload["texts"])}


class Comment(BaseModel):
    body: str


@app.post("/experiments/{experiment_id}/comments")
async def comment(experiment_id: str, item: Comment):
    # not an inference route: MLSEC-SERVE-02 is about inputs that reach a model
    return {"stored": store(item.body)}
