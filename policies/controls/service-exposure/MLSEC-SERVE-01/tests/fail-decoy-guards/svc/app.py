"""Names that look like guards but hold none."""

from fastapi import Depends, FastAPI

from .common import SHARED

app = FastAPI()
security_checks: list = []


def request_id(x_request_id: str | None = None) -> str:
    return x_request_id or "-"


@app.post("/v1/chat/completions", dependencies=security_checks)
async def chat(body: dict):
    return {"choices": []}


@app.post("/v1/embeddings", dependencies=SHARED)
async def embed(body: dict, rid: str = Depends(request_id)):
    return {"data": []}


@app.post("/v1/tokenize")
async def tokenize(body: dict):
    return {"tokens": tokenizer.count_tokens(body["text"])}
