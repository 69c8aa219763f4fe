import hmac
import os

from fastapi import Depends, FastAPI, HTTPException, Security
from fastapi.security import APIKeyHeader

app = FastAPI()
api_key_header = APIKeyHeader(name="X-API-Key")


def verify_api_key(key: str = Security(api_key_header)) -> None:
    if not hmac.compare_digest(key, os.environ["SERVING_API_KEY"]):
        raise HTTPException(status_code=401, detail="invalid API key")


@app.get("/health")
def health():
    return {"ok": True}


@app.post("/predict", dependencies=[Depends(verify_api_key)])
async def predict(body: dict):
    return {"label": "positive"}


@app.post("/embed")
async def embed(body: dict, _: None = Depends(verify_api_key)):
    return {"vector": []}
