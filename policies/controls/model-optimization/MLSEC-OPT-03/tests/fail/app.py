from fastapi import FastAPI, Response
from flask import Flask
from starlette.middleware.sessions import SessionMiddleware

api = FastAPI()
# ruleid: session-middleware-not-https-only
api.add_middleware(SessionMiddleware, secret_key="from-the-environment-in-real-life")


@api.post("/login")
def login(response: Response):
    # ruleid: cookie-without-secure, session-cookie-without-httponly
    response.set_cookie("session_id", "opaque-value", samesite="lax")
    return {"ok": True}


labels = Flask(__name__)
# ruleid: cookie-security-switched-off
labels.config["SESSION_COOKIE_SECURE"] = False
