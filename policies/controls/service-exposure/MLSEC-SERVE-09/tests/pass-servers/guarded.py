"""Bound to every interface, but every route demands a key."""

import os

import uvicorn
from fastapi import Depends, FastAPI, Header, HTTPException


def require_key(authorization: str = Header(None)) -> None:
    if authorization != f"Bearer {os.environ['SERVICE_KEY']}":
        raise HTTPException(status_code=401)


app = FastAPI(dependencies=[Depends(require_key)])


@app.post("/predict")
async def predict(body: dict):
    return {"label": "positive"}


if __name__ == "__main__":
    uvicorn.run(app, host="0.0.0.0", port=8000)
