import os

from fastapi import FastAPI, Response
from flask import Flask
from starlette.middleware.sessions import SessionMiddleware

api = FastAPI()
# ok: session-middleware-not-https-only
api.add_middleware(SessionMiddleware, secret_key=os.environ["SESSION_KEY"], https_only=True)


@api.post("/login")
def login(response: Response):
    # ok: cookie-without-secure, session-cookie-without-httponly
    response.set_cookie("session_id", "opaque-value", secure=True, httponly=True, samesite="lax")
    # a preference readable by the page's scripts on purpose
    # ok: session-cookie-without-httponly
    response.set_cookie("theme", "dark", secure=True)
    return {"ok": True}


labels = Flask(__name__)
# ok: cookie-security-switched-off
labels.config["SESSION_COOKIE_SECURE"] = True
