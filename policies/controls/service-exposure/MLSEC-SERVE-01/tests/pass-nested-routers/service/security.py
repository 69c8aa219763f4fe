import hmac
import os

from fastapi import Header, HTTPException


def require_api_key(x_api_key: str = Header(...)) -> None:
    if not hmac.compare_digest(x_api_key, os.environ["SERVICE_API_KEY"]):
        raise HTTPException(status_code=401, detail="invalid API key")
