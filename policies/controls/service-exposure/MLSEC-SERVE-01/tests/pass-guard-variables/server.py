"""OpenAI-style server whose guards are bound once and reused (the shape of many LLM UIs)."""

import hmac
import os

from fastapi import Depends, FastAPI, Header, HTTPException

app = FastAPI()


def caller_may_use(authorization: str = Header(None)) -> None:
    expected = os.environ.get("SERVER_KEY", "")
    if expected and not hmac.compare_digest(authorization or "", f"Bearer {expected}"):
        raise HTTPException(status_code=401, detail="unknown caller")


def caller_may_administer(x_admin: str = Header(None, alias="x-api-key")) -> None:
    if x_admin != os.environ.get("ADMIN_KEY"):
        raise HTTPException(403)


needs_caller = [Depends(caller_may_use)]
needs_admin = (Depends(caller_may_administer),)
both = needs_caller + list(needs_admin)


@app.post("/v1/completions", dependencies=needs_caller)
async def completions(body: dict):
    return {"choices": []}


@app.post("/v1/embeddings", dependencies=[*needs_caller])
async def embeddings(body: dict):
    return {"data": []}


@app.post("/v1/internal/model/load", dependencies=needs_admin)
async def load_model(body: dict):
    return {"loaded": body.get("name")}


@app.post("/v1/internal/lora/load", dependencies=both)
async def load_adapter(body: dict):
    return {"loaded": body.get("name")}


def route_guards(admin: bool = False) -> list:
    return [Depends(caller_may_administer if admin else caller_may_use)]


@app.post("/v1/images/generations", dependencies=route_guards())
async def images(body: dict):
    return {"data": []}
