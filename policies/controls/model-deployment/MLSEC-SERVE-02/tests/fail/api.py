from typing import List, Optional

from fastapi import FastAPI, Request
from pydantic import BaseModel, Field

from .model import classifier, tagger

app = FastAPI()


class Review(BaseModel):
    text: str
    tags: List[str] = []
    language: Optional[str] = None
    rating: int = Field(ge=1, le=5)


@app.post("/predict")
async def predict(review: Review):
    body = review.text
    prompt = f"[{review.language or 'en'}] " + body
    scores = [tagger(tag) for tag in review.tags]
    return {"label": classifier(prompt), "tags": scores}


@app.post("/embed")
async def embed(request: Request):
    # ruleid: raw-request-body
    payload = await request.json()
    return {"vector": [0.0] * len(payload["texts"])}


class Turn(BaseModel):
    role: str
    content: str


class Conversation(BaseModel):
    turns: list[Turn]


@app.post("/chat")
async def chat(conversation: Conversation):
    if not conversation.turns or conversation.turns[-1].role == "assistant":
        return {"error": "the last turn must come from the user"}
    return {"reply": classifier(conversation.turns)}
