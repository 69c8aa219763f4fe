import os

from fastapi import Header, HTTPException


def admin_token(authorization: str = Header(...)) -> None:
    if authorization != "Bearer " + os.environ["ADMIN_TOKEN"]:
        raise HTTPException(status_code=403, detail="forbidden")
