import logging

from fastapi import FastAPI, HTTPException
from pydantic import BaseModel

from .backend import package, pick
from .schemas import EmbeddingRequest

log = logging.getLogger(__name__)
app = FastAPI()


@app.post("/v1/embeddings")
async def embeddings(body: EmbeddingRequest):
    name = body.model.lower()
    log.info("embedding request for %s", name)
    if name.startswith("internal-"):
        raise HTTPException(status_code=404, detail=f"no model {body.model}")
    encoder = pick(name)
    vectors = encoder.encode(body.input)
    return package(vectors, body.model, body.encoding_format)


class Usage(BaseModel):
    model: str
    items: int


@app.post("/v1/embeddings/count")
async def count(body: EmbeddingRequest):
    usage = Usage(model=body.model, items=len(body.input))
    return {"usage": usage}
